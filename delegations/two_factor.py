"""Second factor: what a session has proven, who must prove it, and the gates that ask.

A person logs in with e-mail and password (``django.contrib.auth.login``); if they have a
confirmed device (an authenticator app, or their recovery codes), the session is not
*verified* until they give a current code on the next page (``django_otp.login``). The
session then carries the device's persistent id (django-otp's ``otp_device_id``) and the
time of the check (``SECOND_FACTOR_AT``), refreshed on every later check.

People whose role is in ``ACCORD_TWO_FACTOR_REQUIRED_ROLES`` must have a device: without one
they may only set it up, log out and read the public pages. Signing for a state asks for a
current code again when the session's last check is older than
``ACCORD_SIGNATURE_REAUTH_SECONDS``.

A session's verification is read from the session alone, with no query: removing a device
(the only way one goes away, ``actions.remove_second_factor`` or
``actions.reset_second_factor``) ends every other session of its owner and un-verifies the
current one, so no session stays verified by a device that no longer exists.
"""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from channels.middleware import BaseMiddleware
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# When the session last proved a second factor (seconds since the epoch).
SECOND_FACTOR_AT = "accord_second_factor_at"
# Set at login when the person has a confirmed device: the session must give a code next.
SECOND_FACTOR_DUE = "accord_second_factor_due"

# A code from an authenticator app: six digits (spaces allowed, as apps show "123 456").
TOTP_CODE = re.compile(r"^\d{6}$")
# A recovery code: eight letters and digits, as ``StaticToken.random_token`` makes them.
RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")

RECOVERY_CODE_COUNT = 10

# The demo's accounts (@demo.accord.example, made by ``manage.py seed_demo``) whose role
# requires two-factor authentication share this published secret, base32
# ACCORDDEMOACCORDDEMOACCORDDEMO22: add it to an authenticator app, or print the current code
# with ``manage.py demo_code <email>``. Never used for any other account.
DEMO_DOMAIN = "demo.accord.example"
DEMO_TOTP_KEY = "0084e88c646380213a231918e0084e88c6463b5a"


class WrongCode(ValueError):
    """The code given is not a current code of the person's device, nor an unused recovery
    code (or the device is slowing down after repeated failures)."""


# --- who must, who has ------------------------------------------------------------------


def required_for(user: Any) -> bool:
    """True if the person's role must use a second factor in this installation."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "role", None) in settings.ACCORD_TWO_FACTOR_REQUIRED_ROLES
    )


def totp_device_of(user: AbstractBaseUser) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_device(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_keys_of(person: AbstractBaseUser) -> list[str]:
    """The keys of the person's unexpired login sessions.

    Sessions are kept in the database (Django's default engine, shared by every worker); a
    session records whose it is only inside its signed data, so each unexpired session is
    read. That costs one pass over the sessions table, and only when an account is disabled
    or its second factor changes, never on a page.
    """
    owner = str(person.pk)
    return [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == owner
    ]


def session_is_verified(session: Mapping[str, Any]) -> bool:
    return bool(session.get(DEVICE_ID_SESSION_KEY))


def must_prove(user: Any, session: Mapping[str, Any]) -> str | None:
    """What a logged-in session must do before anything else: ``"verify"`` (give a code),
    ``"set_up"`` (a required role without a device), or ``None``. Reads the session only."""
    # The session first: a verified session never needs the person loaded.
    if session_is_verified(session) or not getattr(user, "is_authenticated", False):
        return None
    if session.get(SECOND_FACTOR_DUE):
        return "verify"
    if required_for(user):
        return "set_up"
    return None


def past_the_gate(user: Any, session: Mapping[str, Any]) -> bool:
    """Logged in, and with nothing left to prove: what a page needs before it shows anything
    of the person or opens their sockets. Reads the session only."""
    return bool(getattr(user, "is_authenticated", False)) and must_prove(user, session) is None


def last_check_age(session: Mapping[str, Any]) -> float | None:
    """Seconds since the session last proved a second factor; None if it never did."""
    at = session.get(SECOND_FACTOR_AT)
    if not isinstance(at, int | float):
        return None
    return max(0.0, time.time() - at)


def signature_needs_code(request: HttpRequest) -> bool:
    """True if a signature from this session must come with a current code: the session is
    verified by a device, and its last check is older than ``ACCORD_SIGNATURE_REAUTH_SECONDS``.

    A person without a device (where the installation does not require one) signs as before.
    """
    if not session_is_verified(request.session):
        return False
    return not is_fresh(proof_from_session(request))


# --- checking a code --------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return "".join(str(code).split()).lower()


def device_for_code(user: AbstractBaseUser, code: str) -> Device | None:
    """The device that accepts ``code`` (and spends it: a TOTP code is not accepted twice, a
    recovery code is deleted), or None. A six-digit code is tried on the authenticator app,
    an eight-character one on the recovery codes, so a mistyped code of one kind does not
    slow down the other (each device slows down after failures: django-otp's throttling)."""
    code = normalise_code(code)
    devices: list[Device]
    if TOTP_CODE.match(code):
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    elif RECOVERY_CODE.match(code):
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    else:
        return None
    for device in devices:
        if device.verify_token(code):
            return device
    return None


def mark_verified(request: HttpRequest, device: Device, *, rotate: bool) -> None:
    """Record in the session that ``device`` has just proven the person: django-otp's login,
    the time of the check, and with ``rotate`` a fresh session key (the session's privilege
    changed: a key seen before the code is worth nothing after it)."""
    otp_login(request, device)
    if rotate:
        request.session.cycle_key()
    request.session.pop(SECOND_FACTOR_DUE, None)
    request.session[SECOND_FACTOR_AT] = time.time()


def forget_verification(request: HttpRequest) -> None:
    """The session is no longer verified (its device was removed)."""
    for key in (DEVICE_ID_SESSION_KEY, SECOND_FACTOR_AT, SECOND_FACTOR_DUE):
        request.session.pop(key, None)


def status_of(person: AbstractBaseUser) -> dict[str, Any]:
    """What the profile shows: is it on, must it be, how many recovery codes are left."""
    on = has_device(person)
    return {
        "on": on,
        "required": required_for(person),
        "recovery_codes_left": StaticToken.objects.filter(device__user=person).count() if on else 0,
    }


def refresh_check(request: HttpRequest, code: str) -> Device | None:
    """Check ``code`` for the logged-in person; on success refresh the session's time of the
    last check and return the device. Nothing changes on failure."""
    device = device_for_code(request.user, code)  # type: ignore[arg-type]
    if device is not None:
        request.session[SECOND_FACTOR_AT] = time.time()
    return device


def same_code(given: str, expected: str) -> bool:
    return hmac.compare_digest(normalise_code(given), normalise_code(expected))


# --- proving a second factor to commit a state ------------------------------------------


@dataclass(frozen=True)
class Proof:
    """That a person proved their second factor, and when: what an action that commits a
    state (a signature) takes as an argument. The transports obtain it (``proof_from_session``,
    ``proof_from_code``); ``accept`` alone says whether it is enough."""

    person_id: int
    proved_at: float | None  # seconds since the epoch of the last device check; None: never
    by_code: bool = False  # a code given for this very action, not a session's earlier one
    by_operator: bool = False  # see ``operator_proof``


class SecondFactorRefused(PermissionDenied):
    """The proof is not enough for committing a state (403, ``second_factor_required``): no
    current check of the person's device, or a role that needs a device and has none."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def proof_from_code(person: AbstractBaseUser, code: str) -> Proof:
    """Check ``code`` on the person's devices; raises ``WrongCode`` if it is not current."""
    if device_for_code(person, code) is None:
        raise WrongCode(_("That two-factor code did not work."))
    return Proof(int(person.pk), time.time(), by_code=True)


def proof_from_session(request: HttpRequest, code: str = "") -> Proof:
    """What a logged-in browser session proves: a ``code`` typed now (checked, and the session's
    time of the last check refreshed; ``WrongCode`` if it fails), else the session's own last
    check, if it has one."""
    person_id = int(str(request.user.pk))
    if normalise_code(code):
        if refresh_check(request, code) is None:
            raise WrongCode(_("That two-factor code did not work."))
        return Proof(person_id, time.time(), by_code=True)
    at = request.session.get(SECOND_FACTOR_AT) if session_is_verified(request.session) else None
    return Proof(person_id, at if isinstance(at, int | float) else None)


def proof_without_code(person: AbstractBaseUser) -> Proof:
    """No device check at all: enough only for someone who has no device and whose role does
    not require one (an installation that requires nobody to use one)."""
    return Proof(int(person.pk), None)


# A code given for an action proves the person for that action, whatever the limit on a
# session's earlier check: the proof is made and weighed within one request.
CODE_PROOF_SECONDS = 300


def is_fresh(proof: Proof) -> bool:
    """Whether the device check behind ``proof`` is recent enough to commit a state: a code
    given for the action, or a session's check within ``ACCORD_SIGNATURE_REAUTH_SECONDS``."""
    if proof.proved_at is None:
        return False
    limit = CODE_PROOF_SECONDS if proof.by_code else settings.ACCORD_SIGNATURE_REAUTH_SECONDS
    return time.time() - proof.proved_at <= limit


def operator_proof(person: AbstractBaseUser) -> Proof:
    """For management commands that act for people (the demo's and the benchmarks' data): the
    installation's operator, who holds the database, vouches. No request can obtain one."""
    return Proof(int(person.pk), None, by_operator=True)


def accept(person: Any, proof: Proof) -> None:
    """Whether ``proof`` lets ``person`` commit a state now; raises ``SecondFactorRefused``.

    Someone with a device proved it within ``ACCORD_SIGNATURE_REAUTH_SECONDS``; someone without
    one needs none, unless their role requires it (then they set it up first).
    """
    if proof.person_id != person.pk:
        raise SecondFactorRefused(
            _("That proof of a second factor is someone else's."), code="second_factor_required"
        )
    if proof.by_operator:
        return
    if has_device(person):
        if not is_fresh(proof):
            raise SecondFactorRefused(
                _(
                    "Signing needs a current code from your authenticator app (or a recovery "
                    "code): your last one was given too long ago. Nothing was signed."
                ),
                code="second_factor_required",
            )
    elif required_for(person):
        raise SecondFactorRefused(
            _("Set up two-factor authentication on your profile before signing."),
            code="second_factor_required",
        )


# --- the gates --------------------------------------------------------------------------


class SessionVerificationMiddleware(OTPMiddleware):
    """django-otp's ``OTPMiddleware``, except that ``request.user.is_verified()`` reads the
    session alone instead of loading the device on every request: pages keep their fixed
    number of queries. See the module's docstring for why that is safe here."""

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        self._init_user_fields(user)
        if user.is_authenticated:
            verified = session_is_verified(request.session)
            user.is_verified = lambda: verified
        return user

    async def _verify_user_async_via_auser(self, request: HttpRequest, auser: Any) -> Any:
        return self._verify_user_sync(request, await auser())


# URL names open to a session that has yet to give its code or set up a device.
OPEN_WHILE_PROVING = {
    "login",
    "logout",
    "javascript_catalog",
    "delegations:second_factor",
    "delegations:set_language",
    "workflow:public_list",
    "workflow:public_feed",
    "workflow:public_detail",
    "workflow:public_docx",
    "workflow:public_pdf",
    "workflow:public_markdown",
    "workflow:verify",
    "api:public_statements",
    "api:public_statement",
    "api:schema",
    "api:docs",
}
OPEN_WHILE_SETTING_UP = {"delegations:two_factor_setup"}


def second_factor_required_body() -> dict[str, str]:
    return {
        "code": "second_factor_required",
        "detail": _(
            "This session has not given a two-factor code yet. Finish logging in (or set up "
            "two-factor authentication) in the browser, or use a personal API token."
        ),
    }


class SecondFactorGate:
    """After authentication: a session that must give a code is sent to the code page, a
    required role without a device to the set-up page; the API answers 403
    ``second_factor_required``. Logging out, the public pages and static files stay open.
    Requests with an API token (``Authorization: Bearer``) are the API's to judge."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if name in OPEN_WHILE_PROVING or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # costs no query: a visitor without a session owes nothing
        duty = must_prove(request.user, request.session)
        if duty is None or (duty == "set_up" and name in OPEN_WHILE_SETTING_UP):
            return None
        if match is not None and match.namespace == "api":
            if request.headers.get("Authorization", "").lower().startswith("bearer "):
                return None
            return JsonResponse(second_factor_required_body(), status=403)
        target = "delegations:second_factor" if duty == "verify" else "delegations:two_factor_setup"
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


class SecondFactorSocketMiddleware(BaseMiddleware):
    """Inside Channels' ``AuthMiddlewareStack``: a socket whose session has yet to give its
    code (or set up a required device) is treated as not logged in (the consumers close it
    with 4401)."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        user = scope.get("user")
        session = scope.get("session")
        if user is not None and session is not None and must_prove(user, session):
            scope = {**scope, "user": AnonymousUser()}
        return await super().__call__(scope, receive, send)
