"""Turns an action's refusal by the statement's state into a 409 page a person can act on."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from drafts.errors import Conflict


class ConflictMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Conflict):
            message = exception.message
        elif isinstance(exception, ConcurrentTransition):
            message = (
                "Someone changed this statement's state at the same moment. Reload the page "
                "to see where it stands now."
            )
        elif isinstance(exception, TransitionNotAllowed):
            message = "The statement's current state does not allow that."
        else:
            return None
        match = request.resolver_match
        back_url = None
        if match is not None and "pk" in match.kwargs:
            back_url = reverse("workflow:statement", kwargs={"pk": match.kwargs["pk"]})
        return render(request, "409.html", {"message": message, "back_url": back_url}, status=409)
