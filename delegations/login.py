"""Logging in: the throttle on failed passwords (django-axes), its lockout page, and what
happens when a session starts and ends.

Failures are counted in the database (axes' ``AccessAttempt``), so every worker of a
scale-out deployment shares one count. Two separate limits apply, each over the cool-off
period: failures for one account (e-mail), from anywhere, and failures from one address,
for any accounts. An unknown e-mail counts and locks like a real one, so the throttle tells
nothing about which accounts exist.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

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


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler with one limit per criterion: ``AXES_FAILURE_LIMIT`` failures
    for an account, ``ACCORD_LOGIN_FAILURES_PER_ADDRESS`` from an address
    (``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]``, in that order)."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.ACCORD_LOGIN_FAILURES_PER_ADDRESS:
            # Reported on the account's scale: at or past its limit means locked out.
            return max(by_account, int(settings.AXES_FAILURE_LIMIT))
        return int(by_account)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a successful login, forget the account's failures only: the address's other
        failures (guesses at other accounts) still count against it."""
        by_account = self.filter_user_attempts(request, credentials)[0]
        count, __ = by_account.delete()
        return int(count)


def locked_out_until(request: HttpRequest, credentials: dict[str, Any] | None) -> Any:
    """When the lockout that refused this request ends: the cool-off after the latest
    failure that counts against the account or the address."""
    handler = LoginThrottle()
    latest = [
        attempts.aggregate(latest=Max("attempt_time"))["latest"]
        for attempts in handler.get_user_attempts(request, credentials)
    ]
    known = [moment for moment in latest if moment is not None]
    start = max(known) if known else timezone.now()
    return start + settings.AXES_COOLOFF_TIME


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """axes' lockout response (``AXES_LOCKOUT_CALLABLE``): 429, with when to try again and
    whom to ask. The same page whether the e-mail has an account or not."""
    if not isinstance(credentials, dict):
        credentials = getattr(request, "axes_credentials", None)
    until = locked_out_until(request, credentials)
    minutes = max(1, round((until - timezone.now()) / timedelta(minutes=1)))
    shown = timezone.localtime(until)
    return render(
        request,
        "registration/locked_out.html",
        {
            "minutes": minutes,
            "until_iso": until.isoformat(),
            "until_text": f"{shown:%H:%M} {shown.tzname() or 'UTC'}",
        },
        status=429,
    )


# --- what the signals call (connected in ``DelegationsConfig.ready``) ----------------------


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A person with a device must now give a code before the session is theirs."""
    if request is not None and hasattr(request, "session") and two_factor.has_device(user):
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
