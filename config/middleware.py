"""Turns an action's refusal by the statement's state into a 409 page a person can act on, and
a database too busy to write into a 503 to retry, never a 500."""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from core.errors import Conflict


class ConflictMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Conflict):
            message = exception.message
        elif isinstance(exception, ConcurrentTransition):
            message = _(
                "Someone changed this statement's state at the same moment. Reload the page "
                "to see where it stands now."
            )
        elif isinstance(exception, TransitionNotAllowed):
            message = _("The statement's current state does not allow that.")
        else:
            return None
        match = request.resolver_match
        back_url = None
        if match is not None and "pk" in match.kwargs:
            back_url = reverse("workflow:statement", kwargs={"pk": match.kwargs["pk"]})
        return render(request, "409.html", {"message": message, "back_url": back_url}, status=409)


# Seconds a client is asked to wait before sending a refused write again.
BUSY_RETRY_AFTER = 10
BUSY_MESSAGE = (
    "Accord is busy saving other changes and could not save yours in time. Nothing was "
    "saved: send it again in a few seconds."
)


def is_database_busy(exception: BaseException) -> bool:
    """SQLite's answer when another writer held its one write lock past the wait allowed."""
    return isinstance(exception, OperationalError) and "locked" in str(exception).lower()


class DatabaseBusyMiddleware:
    """SQLite lets one writer in at a time. Transactions begin IMMEDIATE (writers queue) and
    wait up to the connection's timeout; if a write still finds the database locked, its
    transaction has rolled back, so the person is told to send it again: a 503 with
    ``Retry-After`` (a page, or ``{"code": "busy", "detail"}`` from the API).

    Not retried here: the wait already lasted the whole timeout, a second wait would hold the
    request twice as long, and only the person knows whether to send it again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_busy(exception):
            return None
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"code": "busy", "detail": BUSY_MESSAGE}, status=503)
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response
