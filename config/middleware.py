"""Turns an action's refusal by the statement's state into a 409 page a person can act on, and
a database too busy to write into a 503 to retry, never a 500."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from core.errors import Conflict

# The fields people type words into: a refused form gives them back, whatever refused it.
TYPED_FIELDS = ("text", "body", "justification", "reason", "quote")


def unsent_text(request: HttpRequest) -> list[tuple[str, str]]:
    """What the person typed into the refused form, to show back: (field, words)."""
    if request.method != "POST" or request.path.startswith("/api/"):
        return []
    return [
        (name, request.POST[name]) for name in TYPED_FIELDS if request.POST.get(name, "").strip()
    ]


class ConflictMiddleware:
    """Also gives back the words of a form refused because the statement changed underneath
    it: no longer visible to the person (404, without a word of the statement), not theirs to
    act on any more (403), or not in that state any more (409)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        unsent = unsent_text(request)
        if unsent and isinstance(exception, Http404 | PermissionDenied):
            status = 404 if isinstance(exception, Http404) else 403
            message = (
                _(
                    "This statement is no longer shared with you (it may have gone back to "
                    "drafting, or been withdrawn): nothing was sent."
                )
                if status == 404
                else str(exception) or _("You may no longer do this: nothing was sent.")
            )
            return render(
                request, "unsent.html", {"message": message, "unsent": unsent}, status=status
            )
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
        return render(
            request,
            "409.html",
            {"message": message, "back_url": back_url, "unsent": unsent},
            status=409,
        )


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
