"""The coordinators' audit page: the whole record, filtered, and the state of its chain.

Thin: parse the filter, call a selector or action, render. People without the
``audit.view_auditentry`` permission get 403 (they know the page exists, they may not read it).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import actions, selectors
from audit.forms import AuditFilterForm
from audit.permissions import can_read_record

PER_PAGE = 50


def _require_permission(request: HttpRequest) -> None:
    if not can_read_record(request.user):
        raise PermissionDenied(_("The audit record is open to the coordination unit only."))


@login_required
@require_GET
def record(request: HttpRequest) -> HttpResponse:
    _require_permission(request)
    form = AuditFilterForm(request.GET or None)
    wanted = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = selectors.filtered_entries(**{k: v for k, v in wanted.items() if v})
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/record.html",
        {
            "form": form,
            "page": page,
            "entries": page.object_list,
            "query": query.urlencode() if wanted else "",
            "verification": selectors.latest_verification(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    """Check the whole chain now ("Verify now"); the page then shows the outcome."""
    _require_permission(request)
    report = actions.check_chain(str(request.user))
    if report.intact:
        messages.success(request, str(report))
    else:
        messages.error(request, str(report))
    return redirect("audit:record")
