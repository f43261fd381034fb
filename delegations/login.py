"""Logging in: the throttle on failed passwords (django-axes), its lockout page, and what
happens when a session starts and ends.

The throttle locks out the one guessing, not the person guessed at. Failures are counted in
the database (axes' ``AccessAttempt`` and ``AccessFailureLog``), so every worker of a
scale-out deployment shares one count:

- per account *and* address: ``AXES_FAILURE_LIMIT`` failures for one e-mail from one address
  lock that address out of that account for the cool-off; the person, elsewhere, logs in;
- per address: ``ACCORD_LOGIN_FAILURES_PER_ADDRESS`` failures from one address, over any
  accounts, lock the address out;
- per account, from anywhere: past ``AXES_FAILURE_LIMIT`` failures in a day, a try from a
  browser that has not logged in to that account before waits a growing delay after the
  latest failure (1 s, 2 s, 4 s… up to ``ACCORD_LOGIN_MAX_DELAY_SECONDS``), so many addresses
  together still guess slowly. A browser the person logged in from (a signed cookie) is not
  slowed: the right password from a known browser is never refused for someone else's tries.

A refused try checks no password and counts no failure. An unknown e-mail counts and is
slowed like a real one, so the throttle tells nothing about which accounts exist.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessFailureLog
from django.conf import settings
from django.db.models import Count, Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from delegations import actions, two_factor
from notifications.live import session_group


def login_email(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The e-mail a login attempt names, as accounts store it (trimmed, lower case), so
    "Jane@Example.org" and "jane@example.org " count as one account."""
    value: Any = None
    if credentials:
        value = credentials.get("username")
    if value is None and request is not None:
        value = request.POST.get("username")
    return str(value or "").strip().lower()


# --- browsers a person logged in from ------------------------------------------------------

KNOWN_BROWSER_COOKIE = "accord_known"
KNOWN_BROWSER_SALT = "accord.known-browser"
KNOWN_BROWSER_DAYS = 180
KNOWN_BROWSER_ACCOUNTS = 5  # the most accounts one browser is known for (shared computers)


def _account_mark(email: str) -> str:
    """What the cookie keeps of an account: a keyed hash of its e-mail, not the e-mail."""
    return salted_hmac(KNOWN_BROWSER_SALT, email, algorithm="sha256").hexdigest()[:24]


def _known_marks(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        default="",
        salt=KNOWN_BROWSER_SALT,
        max_age=timedelta(days=KNOWN_BROWSER_DAYS),
    )
    return [mark for mark in str(value or "").split(",") if mark]


def is_known_browser(request: HttpRequest, email: str) -> bool:
    """Whether this browser has logged in to ``email``'s account before."""
    return bool(email) and _account_mark(email) in _known_marks(request)


def remember_browser(request: HttpRequest, response: HttpResponse, email: str) -> None:
    """After a successful password, remember this browser for the account (signed cookie)."""
    mark = _account_mark(email)
    marks = [mark, *(m for m in _known_marks(request) if m != mark)][:KNOWN_BROWSER_ACCOUNTS]
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        ",".join(marks),
        salt=KNOWN_BROWSER_SALT,
        max_age=int(timedelta(days=KNOWN_BROWSER_DAYS).total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class KnownBrowserMiddleware:
    """Sets the known-browser cookie on the response to a successful password."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        email = getattr(request, "accord_logged_in_as", None)
        if email:
            remember_browser(request, response, email)
        return response


# --- the throttle ---------------------------------------------------------------------------

# How far back failures for one account (from anywhere) are counted for its slow-down.
ACCOUNT_WINDOW = timedelta(days=1)


def account_pause(request: HttpRequest, credentials: dict[str, Any] | None) -> datetime | None:
    """Until when a try at this account from this browser must wait, if it must: past
    ``AXES_FAILURE_LIMIT`` failures from anywhere within a day, an unknown browser waits
    2**(failures - limit) seconds (at most ``ACCORD_LOGIN_MAX_DELAY_SECONDS``) after the
    latest failure."""
    email = login_email(request, credentials)
    if not email or is_known_browser(request, email):
        return None
    now = timezone.now()
    failures = AccessFailureLog.objects.filter(
        username=email, attempt_time__gte=now - ACCOUNT_WINDOW
    ).aggregate(count=Count("id"), latest=Max("attempt_time"))
    beyond = failures["count"] - int(settings.AXES_FAILURE_LIMIT)
    if beyond < 0 or failures["latest"] is None:
        return None
    delay = min(2**beyond, settings.ACCORD_LOGIN_MAX_DELAY_SECONDS)
    until: datetime = failures["latest"] + timedelta(seconds=delay)
    return until if until > now else None


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler with the limits above: ``AXES_LOCKOUT_PARAMETERS =
    [["username", "ip_address"], "ip_address"]`` (the pair, then the address), and the
    account's slow-down for unknown browsers."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        by_pair, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # Reported on the pair's scale: at or past its limit means refused.
        limit = int(settings.AXES_FAILURE_LIMIT)
        if by_address >= settings.ACCORD_LOGIN_FAILURES_PER_ADDRESS:
            return max(int(by_pair), limit)
        if account_pause(request, credentials) is not None:
            return max(int(by_pair), limit)
        return int(by_pair)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a successful login, forget this address's failures at this account only: its
        failures at other accounts, and the account's failures elsewhere, still count."""
        by_pair = self.filter_user_attempts(request, credentials)[0]
        count, __ = by_pair.delete()
        return int(count)


def locked_out_until(request: HttpRequest, credentials: dict[str, Any] | None) -> Any:
    """When the refusal of this request ends: the cool-off after the latest failure that
    counts against the pair or the address, or the end of the account's pause."""
    handler = LoginThrottle()
    pair, address = (
        attempts.aggregate(total=Sum("failures_since_start"), latest=Max("attempt_time"))
        for attempts in handler.get_user_attempts(request, credentials)
    )
    ends = []
    if (pair["total"] or 0) >= settings.AXES_FAILURE_LIMIT and pair["latest"]:
        ends.append(pair["latest"] + settings.AXES_COOLOFF_TIME)
    if (address["total"] or 0) >= settings.ACCORD_LOGIN_FAILURES_PER_ADDRESS and address["latest"]:
        ends.append(address["latest"] + settings.AXES_COOLOFF_TIME)
    pause = account_pause(request, credentials)
    if pause is not None:
        ends.append(pause)
    return max(ends) if ends else timezone.now()


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """axes' lockout response (``AXES_LOCKOUT_CALLABLE``): 429, with when to try again and
    whom to ask. The same page whether the e-mail has an account or not."""
    if not isinstance(credentials, dict):
        credentials = getattr(request, "axes_credentials", None)
    until = locked_out_until(request, credentials)
    wait = until - timezone.now()
    minutes = max(1, round(wait / timedelta(minutes=1)))
    shown = timezone.localtime(until)
    return render(
        request,
        "registration/locked_out.html",
        {
            "seconds": max(1, round(wait.total_seconds())) if wait < timedelta(minutes=1) else 0,
            "minutes": minutes,
            "until_iso": until.isoformat(),
            "until_text": f"{shown:%H:%M} {shown.tzname() or 'UTC'}",
        },
        status=429,
    )


# --- what the signals call (connected in ``DelegationsConfig.ready``) ----------------------


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A person with a device must now give a code before the session is theirs; the browser
    is remembered for the account (``KnownBrowserMiddleware`` sets the cookie)."""
    if request is None:
        return
    request.accord_logged_in_as = login_email(None, {"username": user.email})  # type: ignore[attr-defined]
    if hasattr(request, "session") and two_factor.has_device(user):
        request.session[two_factor.SECOND_FACTOR_DUE] = True


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Logging out ends the session (Django flushes it next) and, after commit, closes the
    sockets it opened."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        actions.close_sockets([session_group(key)], actions.SessionEnding.LOGGED_OUT)


def on_locked_out(sender: Any, request: HttpRequest, username: str, **kwargs: Any) -> None:
    """Put a new lockout on the record (not each refused try during it)."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    actions.record_lockout(email=username or "", address=getattr(request, "axes_ip_address", ""))
