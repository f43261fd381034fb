"""What every API view shares: the page size, and one shape for every error.

Every error body carries ``code`` (stable, for programs) and ``detail`` (for people), the same
refusals the pages give: 400 bad input, 401 no credentials or a revoked token, 403 may see but
not do, 404 does not exist or may not be seen, 409 the statement's state refuses it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.errors import Conflict, InvalidInput


class Pagination(PageNumberPagination):
    """50 a page by default; ``page_size`` up to 200. A page that is not a number from 1, or
    past the last, is bad input (400 ``invalid``, naming ``page``), as the schema lists."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as missing:
            raise exceptions.ValidationError(
                {
                    self.page_query_param: [
                        _("There is no page %(page)s: pages are numbered from 1 to the last.")
                        % {"page": request.query_params.get(self.page_query_param, "")}
                    ]
                }
            ) from missing


class Error(serializers.Serializer[Any]):
    """The body of every error response."""

    code = serializers.CharField(help_text="Stable and machine-readable, e.g. `stale_edit`.")
    detail = serializers.CharField(help_text="What happened and what to do, for a person.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: the problems, by field (`non_field_errors` for the whole).",
    )


def error_responses(*statuses: int) -> dict[int, Any]:
    """The error responses of an operation, for its schema."""
    return dict.fromkeys(statuses, Error)


def _body(code: str, detail: str, **more: Any) -> dict[str, Any]:
    return {"code": code, "detail": detail, **more}


def _flatten(detail: Any, field: str = "") -> dict[str, list[str]]:
    """A validation error's detail (nested lists and dicts) as messages by dotted field name."""
    problems: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for name, value in detail.items():
            for key, messages in _flatten(value, f"{field}.{name}" if field else str(name)).items():
                problems.setdefault(key, []).extend(messages)
    elif isinstance(detail, list):
        for value in detail:
            for key, messages in _flatten(value, field).items():
                problems.setdefault(key, []).extend(messages)
    else:
        problems.setdefault(field or "non_field_errors", []).append(str(detail))
    return problems


def invalid(problems: dict[str, list[str]]) -> Response:
    """400 with the problems by field, and all of them in ``detail``."""
    summary = " ".join(
        message if name == "non_field_errors" else f"{name}: {message}"
        for name, messages in problems.items()
        for message in messages
    )
    return Response(_body("invalid", summary or _("Invalid input."), errors=problems), status=400)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn the actions' refusals, and DRF's own, into ``{"code", "detail"}`` responses."""
    if isinstance(exc, Conflict):
        return Response(_body(exc.code, exc.message, **exc.details()), status=409)
    if isinstance(exc, ConcurrentTransition):
        return Response(
            _body(
                "concurrent_transition",
                _(
                    "Someone changed this statement's state at the same moment. Reload it to "
                    "see where it stands now."
                ),
            ),
            status=409,
        )
    if isinstance(exc, TransitionNotAllowed):
        return Response(
            _body(
                "transition_not_allowed", _("The statement's current state does not allow that.")
            ),
            status=409,
        )
    if isinstance(exc, InvalidInput):
        field = exc.field or "non_field_errors"
        return Response(
            _body(exc.code, exc.message, errors={field: [exc.message]}),
            status=400,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or _("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(
            str(exc) or _("You may not do this."), code=getattr(exc, "code", None)
        )
    if isinstance(exc, exceptions.ValidationError):
        response = invalid(_flatten(exc.detail))
        return response
    # Imported here: DRF imports this module while it builds its views.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", "")
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = _body(str(code), str(detail))
    return response


def docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation for people: swagger-ui from Accord's own static files."""
    return render(request, "api/docs.html", {"schema_url": reverse("api:schema")})
