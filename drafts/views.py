"""The edit page: pen-holders save the next revision of a statement's text."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from drafts import actions, permissions
from drafts.errors import EditingClosed, StaleEdit
from drafts.forms import EditForm
from drafts.selectors import statements_with_details
from drafts.text import render_markdown


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    statement = statements_with_details().filter(pk=pk).first()
    if statement is None or not permissions.can_view(request.user, statement):
        raise Http404("No such statement.")
    if not permissions.can_edit(request.user, statement):
        raise PermissionDenied("Only delegates of the pen-holding delegations may edit this text.")
    if not statement.is_open_for_editing:
        raise EditingClosed(
            f"This statement is in {statement.get_state_display().lower()}; its text can no "
            "longer be edited."
        )
    current = statement.current_revision
    form = EditForm(
        request.POST or None,
        statement=statement,
        initial={"text": current.text if current else "", "base_revision": current},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                revision = actions.save_revision(
                    request.user,
                    statement,
                    text=form.cleaned_data["text"],
                    base=form.cleaned_data["base_revision"],
                )
            except StaleEdit as stale:
                # Keep the person's text in the form: nothing of theirs is lost, nothing newer
                # is overwritten.
                form.add_error(None, stale.message)
                status = 409
            else:
                messages.success(request, f"Saved as revision {revision.number}.")
                return redirect("workflow:statement", pk=statement.pk)
        else:
            status = 400
    return render(
        request,
        "drafts/edit.html",
        {
            "statement": statement,
            "revision": current,
            "form": form,
            "preview_html": render_markdown(current.text) if current else "",
        },
        status=status,
    )
