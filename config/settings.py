"""Settings for Accord, read from the environment.

With nothing set, Accord runs on SQLite (WAL) and the in-memory channel layer. ``DATABASE_URL``
switches to PostgreSQL (psycopg 3), ``REDIS_URL`` to the Redis channel layer. Production
overrides live in ``config.production``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.csp import CSP

# Lets admin and other generic classes be subscripted for type checking, e.g. ModelAdmin[User].
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "insecure-development-key-for-the-embedded-demo-only-0123456789"
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # swagger-ui served from our own static files, not a CDN
    "core",
    "audit",
    "notifications",
    "delegations",
    "drafts",
    "workflow",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions (it reads the language cookie and session), before CommonMiddleware.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session given its two-factor code?
    "delegations.two_factor.SessionVerificationMiddleware",
    # A session owing its code (or a required role without a device) goes nowhere else.
    "delegations.two_factor.SecondFactorGate",
    # A logged-in person's own language and time zone, over the browser's and the cookie's.
    "delegations.middleware.PersonalLocaleMiddleware",
    # Remembers the browser a person logged in from: the throttle does not slow it down.
    "delegations.login.KnownBrowserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ConflictMiddleware",
    "config.middleware.DatabaseBusyMiddleware",
    # Last: turns a login refused by the throttle into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "delegations.context_processors.signed_in",
                "notifications.context_processors.bell",
            ],
        },
    },
]

ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

# --- Database -------------------------------------------------------------------------------
(BASE_DIR / "var").mkdir(exist_ok=True)  # the embedded database and collected files live here
SQLITE_PATH = os.environ.get("ACCORD_SQLITE_PATH", str(BASE_DIR / "var" / "accord.sqlite3"))
if os.environ.get("DATABASE_URL"):
    # No persistent connections: under ASGI each request's ORM work runs on a thread of its
    # own, so a connection kept for reuse is never reused and stays open until collected;
    # under load the workers exhaust PostgreSQL's connections. Django's ASGI guidance.
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=0)}
    # A worker serves every request it receives at once, each holding a connection: with
    # ACCORD_DB_POOL_SIZE set (needs psycopg-pool), at most that many per process, and the
    # other requests wait up to ACCORD_DB_POOL_TIMEOUT seconds for one. Keep workers times size
    # under the server's max_connections.
    if int(os.environ.get("ACCORD_DB_POOL_SIZE", "0")) > 0:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ["ACCORD_DB_POOL_SIZE"]),
            "timeout": float(os.environ.get("ACCORD_DB_POOL_TIMEOUT", "120")),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes the write
                # lock at the start of a transaction, so two writers queue instead of failing
                # half-way with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not memory: browser tests serve pages from a separate ASGI process
            # (for WebSockets), which must open the same test database.
            "TEST": {
                "NAME": os.environ.get(
                    # One per test run, so two runs side by side never share one.
                    "ACCORD_SQLITE_TEST_PATH",
                    str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3"),
                )
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Content Security Policy ----------------------------------------------------------------
# Scripts and styles only from Accord's own static files: no inline script or style, nothing
# from elsewhere. Sockets and fetches go back to the same origin only.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- Channels -------------------------------------------------------------------------------
if os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py refuses a connection beyond its pool's limit rather than waiting,
                # and a few hundred pages on one statement need more than its default 100.
                "hosts": [
                    {
                        "address": os.environ["REDIS_URL"],
                        "max_connections": int(os.environ.get("ACCORD_REDIS_CONNECTIONS", "1000")),
                    }
                ],
                # Messages waiting per process inbox: one statement event reaches every page
                # a process holds at once.
                "capacity": 10_000,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- People and permissions -----------------------------------------------------------------
AUTH_USER_MODEL = "delegations.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before any password is checked.
    "axes.backends.AxesBackend",
    # Django's model backend, with the person's delegation loaded in the same query.
    "delegations.backends.PersonBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # the public needs no guardian grants: published means public
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workflow:dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Locale and time ------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# The languages the interface speaks; statement texts are never translated.
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Stored times are UTC; each person sees them in the time zone chosen on their profile.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- The JSON API ---------------------------------------------------------------------------
# Personal API tokens first: a request without credentials then gets 401 with a
# WWW-Authenticate header. Session writes from the browser need the CSRF token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "delegations.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # JSON only: DRF's browsable pages carry inline scripts the CSP refuses; /api/docs/ is
    # the page for people.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Accord API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Draft, consult on, sign and publish the coalition's joint statements. Authenticate "
        "with a personal API token (`Authorization: Bearer acc_…`, created on your profile "
        "page) or, from the browser, with your session and the CSRF token. Every error has a "
        "machine-readable `code` and a `detail` a person can read: 400 bad input, 401 no or a "
        "revoked token, 403 you may see it but not do this, 404 it does not exist or you may "
        "not see it, 409 the statement's state refuses it. Answers come in the language saved "
        "on your profile (without one, the language `Accept-Language` asks for) and give times "
        "in your profile's time zone, whether you call with a token or with your session."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "StatementStateEnum": "drafts.models.Statement.State",
        "StatementKindEnum": "drafts.models.Statement.Kind",
        "AmendmentKindEnum": "drafts.models.Amendment.Kind",
        "AmendmentStatusEnum": "drafts.models.Amendment.Status",
        "SignatureStatusEnum": "workflow.models.Signature.Status",
        "RoleEnum": "delegations.models.User.Role",
    },
}

# --- Mail -----------------------------------------------------------------------------------
MAILERS: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        )
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "accord@localhost")

# --- Background work ------------------------------------------------------------------------
# E-mails go out from `manage.py db_worker`, outside any request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Accord ---------------------------------------------------------------------------------
# How long before a consultation or sign-on closes its reminder goes out.
ACCORD_DEADLINE_REMINDER_HOURS = int(os.environ.get("ACCORD_DEADLINE_REMINDER_HOURS", "24"))
# How long an e-mail waits for what follows it on the same statement: a burst (a revision,
# its comments, a run of signatures) reaches each person as one e-mail, not one per event.
ACCORD_EMAIL_GATHER_SECONDS = int(os.environ.get("ACCORD_EMAIL_GATHER_SECONDS", "120"))
# Where people reach Accord: the links in e-mails start with it.
ACCORD_BASE_URL = os.environ.get("ACCORD_BASE_URL", "http://127.0.0.1:8000")

# The most a statement's text may hold; larger drafts are refused with a form error.
ACCORD_MAX_TEXT_BYTES = 200_000

# The largest file the public verification page reads (.txt, .md or .docx).
ACCORD_VERIFY_MAX_UPLOAD_BYTES = int(os.environ.get("ACCORD_VERIFY_MAX_UPLOAD_BYTES", "1000000"))

# --- Logging in: throttling and two-factor authentication --------------------------------
# Failed logins are counted in the database (django-axes): shared by every worker. The one
# guessing is locked out, not the person guessed at (delegations/login.py): per account and
# address, per address, and a growing delay per account for browsers it never logged in from.
# A successful login clears that address's count for the account.
AXES_ENABLED = env_bool("ACCORD_LOGIN_THROTTLE", True)
AXES_FAILURE_LIMIT = int(os.environ.get("ACCORD_LOGIN_FAILURES_PER_ACCOUNT", "5"))
ACCORD_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("ACCORD_LOGIN_FAILURES_PER_ADDRESS", "20"))
ACCORD_LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("ACCORD_LOGIN_MAX_DELAY_SECONDS", "900"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ACCORD_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # the pair, the address
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the account's failures from anywhere, for its delay
AXES_HANDLER = "delegations.login.LoginThrottle"
AXES_USERNAME_CALLABLE = "delegations.login.login_email"
AXES_LOCKOUT_CALLABLE = "delegations.login.locked_out"
AXES_RESET_ON_SUCCESS = True
# A lockout ends at a known time: tries during it do not extend it (else anyone could keep
# a person locked out for good by trying their e-mail every few minutes).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address as the ASGI server reports it (daphne --proxy-headers takes it from
# the proxy's X-Forwarded-For); a header sent by the client itself is not trusted.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_VERBOSE = False

# Roles that must use two-factor authentication (comma-separated; empty: nobody must).
ACCORD_TWO_FACTOR_REQUIRED_ROLES = [
    role.strip()
    for role in os.environ.get("ACCORD_TWO_FACTOR_REQUIRED_ROLES", "signatory,coordinator").split(
        ","
    )
    if role.strip()
]
# A signature asks for a current code again when the session's last one is older than this.
ACCORD_SIGNATURE_REAUTH_SECONDS = int(os.environ.get("ACCORD_SIGNATURE_REAUTH_SECONDS", "900"))
OTP_TOTP_ISSUER = "Accord"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ACCORD_LOG_LEVEL", "WARNING")},
}
