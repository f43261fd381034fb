"""Settings for Accord, read from the environment.

With nothing set, Accord runs on SQLite (WAL) and the in-memory channel layer. ``DATABASE_URL``
switches to PostgreSQL (psycopg 3), ``REDIS_URL`` to the Redis channel layer. Production
overrides live in ``config.production``.
"""

import os
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
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # swagger-ui served from our own static files, not a CDN
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
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ConflictMiddleware",
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
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=600, conn_health_checks=True
        )
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
    "django.contrib.auth.backends.ModelBackend",
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
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
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
        "not see it, 409 the statement's state refuses it."
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
# Where people reach Accord: the links in e-mails start with it.
ACCORD_BASE_URL = os.environ.get("ACCORD_BASE_URL", "http://127.0.0.1:8000")

# The most a statement's text may hold; larger drafts are refused with a form error.
ACCORD_MAX_TEXT_BYTES = 200_000

# The largest file the public verification page reads (.txt, .md or .docx).
ACCORD_VERIFY_MAX_UPLOAD_BYTES = int(os.environ.get("ACCORD_VERIFY_MAX_UPLOAD_BYTES", "1000000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ACCORD_LOG_LEVEL", "WARNING")},
}
