"""The answers Django itself gives when no view does (a bad request, no such address, a
refusal before any view, an error): under ``/api/`` the API's ``{"code", "detail"}`` as JSON,
elsewhere the site's own pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _for_the_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    if _for_the_api(request):
        return JsonResponse(
            {
                "code": "bad_request",
                "detail": _(
                    "The request could not be read: it is malformed or larger than Accord "
                    "accepts (bodies of up to 2.5 MB)."
                ),
            },
            status=400,
        )
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    if _for_the_api(request):
        return JsonResponse(
            {"code": "permission_denied", "detail": str(exception) or _("You may not do this.")},
            status=403,
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    if _for_the_api(request):
        return JsonResponse(
            {
                "code": "not_found",
                "detail": _(
                    "There is no such address in the API; its addresses are listed at "
                    "/api/docs/ (ids are whole numbers)."
                ),
            },
            status=404,
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if _for_the_api(request):
        return JsonResponse(
            {
                "code": "server_error",
                "detail": _("Something went wrong on Accord's side; nothing you sent is at fault."),
            },
            status=500,
        )
    return defaults.server_error(request)
