"""The edit page, where pen-holders save the next revision of a statement's text; the
pages that show its history: the list of revisions, a comparison of any two, and each
revision's text as Markdown; and what takes comments on its paragraphs and amendments to them.

Thin: each parses input, calls one action or selector, and renders. Refusals come back as
``Http404`` (may not see), ``PermissionDenied`` (403) and ``Conflict`` (409).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import Conflict, InvalidInput
from delegations.requests import SignedInRequest
from drafts import actions, diff, permissions, selectors
from drafts.errors import (
    EditingClosed,
    InvalidText,
    MergeConflict,
    ParagraphGone,
    StaleEdit,
)
from drafts.forms import AmendmentForm, CommentForm, EditForm, RejectionForm, ReplyForm
from drafts.models import Revision, Statement


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: SignedInRequest, pk: int) -> HttpResponse:
    checker = permissions.checker_for(request.user)
    statement = selectors.statement_for(request.user, pk, checker)
    if not permissions.can_edit(request.user, statement, checker):
        raise PermissionDenied(
            _("Only delegates of the pen-holding delegations may edit this text.")
        )
    closed_message = _("This statement is in %(state)s; its text can no longer be edited.") % {
        "state": statement.get_state_display().lower()
    }
    if request.method == "GET" and not statement.is_open_for_editing:
        raise EditingClosed(closed_message)
    current = statement.current_revision
    form = EditForm(
        request.POST or None,
        statement=statement,
        initial={"text": current.text if current else "", "base_revision": current},
    )
    context: dict[str, Any] = {"statement": statement, "revision": current, "base": current}
    if request.method == "GET":
        return _edit_page(request, form, context, status=200)
    if not statement.is_open_for_editing:
        # The person's text stays on the page (and in their browser): nothing of theirs is lost.
        form.add_error(None, closed_message)
        return _edit_page(request, form, {**context, "closed": True}, status=409)
    if not form.is_valid():
        return _edit_page(request, form, context, status=400)
    base: Revision = form.cleaned_data["base_revision"]
    context["base"] = base
    try:
        revision = actions.save_revision(
            request.user, statement, text=form.cleaned_data["text"], base=base
        )
    except MergeConflict as conflict:
        return _conflict_page(request, statement, conflict, context)
    except EditingClosed as closed:
        form.add_error(None, closed.message)
        return _edit_page(request, form, {**context, "closed": True}, status=409)
    except StaleEdit as stale:
        form.add_error(None, stale.message)
        return _edit_page(request, form, context, status=409)
    except InvalidText as invalid:
        form.add_error("text", str(invalid))
        return _edit_page(request, form, context, status=400)
    messages.success(request, _saved_message(revision, base, current))
    return redirect(statement)


def _saved_message(revision: Revision, base: Revision, current: Revision | None) -> str:
    if revision.pk in (base.pk, current.pk if current else None):
        return _("No changes to save: revision %(number)s already reads that way.") % {
            "number": revision.number
        }
    if revision.is_merge:
        credited = ", ".join(author.full_name for author in revision.co_authors.all())
        if credited:
            said = _(
                "Saved as revision %(number)s: your edit of revision %(base)s was merged with "
                "the newer text by %(credited)s."
            ) % {"number": revision.number, "base": base.number, "credited": credited}
        else:
            said = _(
                "Saved as revision %(number)s: your edit of revision %(base)s was merged with "
                "the newer text."
            ) % {"number": revision.number, "base": base.number}
        # Where two people changed the same sentence, the merge may read as neither wrote it.
        return format_html(
            '{} <a href="{}">{}</a>',
            said,
            selectors.merge_comparison(revision),
            _("See what the merge made of your edit"),
        )
    return _("Saved as revision %(number)s.") % {"number": revision.number}


def _conflict_page(
    request: HttpRequest, statement: Statement, conflict: MergeConflict, context: dict[str, Any]
) -> HttpResponse:
    """409: nothing saved; the colliding passages side by side, and in the text box the merge
    of both edits with the person's own wording where they collide, now based on the newest
    revision, so that settling the wording and saving again works."""
    form = EditForm(
        statement=statement,
        initial={"text": conflict.proposal, "base_revision": conflict.current},
    )
    passages = [
        {
            "passage": passage,
            "theirs": diff.word_diff(passage.base, passage.theirs),
            "mine": diff.word_diff(passage.base, passage.mine),
        }
        for passage in conflict.conflicts
    ]
    return _edit_page(
        request,
        form,
        {**context, "base": conflict.current, "conflict": conflict, "passages": passages},
        status=409,
    )


def _edit_page(
    request: HttpRequest, form: EditForm, context: dict[str, Any], *, status: int
) -> HttpResponse:
    statement = context["statement"]
    context = {
        **context,
        "form": form,
        "posted": request.method == "POST",
        "saved_from": " ".join(str(n) for n in selectors.bases_saved_from(request.user, statement)),
    }
    return render(request, "drafts/edit.html", context, status=status)


@login_required
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.statement_for(request.user, pk)
    revisions = selectors.revision_history(statement)
    return render(
        request,
        "drafts/history.html",
        {
            "statement": statement,
            "revisions": revisions,
            "compare_from": revisions[1].number if len(revisions) > 1 else None,
            "compare_to": revisions[0].number if revisions else None,
        },
    )


class BadComparison(ValueError):
    """The revisions to compare are missing, not numbers, or not this statement's."""


def _revision_number(request: HttpRequest, name: str) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        raise BadComparison(
            _("Choose a revision to compare %(name)s (the “%(name)s” parameter).") % {"name": name}
        )
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise BadComparison(
            _("“%(raw)s” is not a revision number; %(name)s must be 1 or more.")
            % {"raw": raw, "name": name}
        )
    return int(raw)


@login_required
@require_GET
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.statement_for(request.user, pk)
    try:
        numbers = {name: _revision_number(request, name) for name in ("from", "to")}
        found = selectors.revisions_numbered(statement, numbers.values())
        missing = sorted({n for n in numbers.values() if n not in found})
        if missing:
            latest = statement.current_revision.number if statement.current_revision else 0
            raise BadComparison(
                _(
                    "This statement has no revision %(missing)s; its revisions are numbered "
                    "1 to %(latest)s."
                )
                % {"missing": _(" or ").join(map(str, missing)), "latest": latest}
            )
    except BadComparison as bad:
        return render(
            request,
            "drafts/bad_comparison.html",
            {"statement": statement, "message": str(bad)},
            status=400,
        )
    old, new = found[numbers["from"]], found[numbers["to"]]
    latest = statement.current_revision.number if statement.current_revision else new.number
    return render(
        request,
        "drafts/compare.html",
        {
            "statement": statement,
            "old": old,
            "new": new,
            "revisions": [old, new],
            "numbers": range(latest, 0, -1),
            "comparison": diff.compare(old.text, new.text),
            "side_by_side": request.GET.get("view") == "side",
        },
    )


@login_required
@require_GET
def revision_markdown(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The revision's canonical text, as a Markdown file to download."""
    statement = selectors.statement_for(request.user, pk)
    revision = selectors.revisions_numbered(statement, [number]).get(number)
    if revision is None:
        raise Http404(_("This statement has no such revision."))
    filename = f"{slugify(statement.title)[:80] or 'statement'}-revision-{revision.number}.md"
    response = HttpResponse(revision.text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def merge_preview(request: HttpRequest, pk: int) -> JsonResponse:
    """The edit page's "Merge it into my text": the person's unsaved text merged with the
    revision saved meanwhile, as JSON, saving nothing. The page puts it in the text box."""
    checker = permissions.checker_for(request.user)
    statement = selectors.statement_for(request.user, pk, checker)
    if not permissions.can_edit(request.user, statement, checker):
        raise PermissionDenied(
            _("Only delegates of the pen-holding delegations may edit this text.")
        )
    if not statement.is_open_for_editing:
        return JsonResponse({"error": _("Editing is closed for this statement.")}, status=409)
    form = EditForm(request.POST, statement=statement)
    if not form.is_valid():
        problems = [str(error) for errors in form.errors.values() for error in errors]
        return JsonResponse({"error": " ".join(problems)}, status=400)
    preview = selectors.preview_merge(
        statement, base=form.cleaned_data["base_revision"], text=form.cleaned_data["text"]
    )
    return JsonResponse(
        {
            "base": preview.current.number,
            "text": preview.text,
            "collisions": preview.collisions,
        }
    )


# --- comments on paragraphs, and amendments ----------------------------------------------------
#
# The statement page carries these forms beside each paragraph; these views take them, and show
# one on a page of its own (GET, or when what was sent needs correcting: the person's text is
# kept). Success goes back to the statement page, at what was written.


def _on_statement_page(statement: Statement, anchor: str) -> HttpResponse:
    return redirect(f"{statement.get_absolute_url()}#{anchor}")


def _paragraph_page(
    request: HttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    return render(request, "drafts/paragraph_form.html", context, status=status)


def _refused(form: forms.Form, refusal: Conflict | InvalidInput) -> int:
    """Put the refusal on the form; the status to answer with (409, or 400 for bad input)."""
    if isinstance(refusal, InvalidInput):
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        return 400
    form.add_error(None, refusal.message)
    return 409


@login_required
@require_http_methods(["GET", "POST"])
def comment(request: SignedInRequest, pk: int, key: str) -> HttpResponse:
    """Open a thread on one paragraph."""
    checker = permissions.checker_for(request.user)
    statement = selectors.statement_for(request.user, pk, checker)
    paragraph = selectors.paragraph_for(statement, key)
    wording = selectors.wording_in(statement.current_revision, paragraph)
    form = CommentForm(
        request.POST or None, statement=statement, initial={"revision": statement.current_revision}
    )
    context = {"statement": statement, "wording": wording, "form": form, "purpose": "comment"}
    if request.method == "GET":
        actions.require_commenting(request.user, statement, checker)
        if wording is None:
            raise ParagraphGone(_("That paragraph is no longer in the text."))
        return _paragraph_page(request, context)
    if not form.is_valid():
        return _paragraph_page(request, context, status=400)
    try:
        written = actions.comment_on_paragraph(
            request.user,
            statement,
            paragraph=paragraph,
            body=form.cleaned_data["body"],
            quote=form.cleaned_data["quote"],
            read=form.cleaned_data["revision"],
        )
    except (InvalidInput, Conflict) as refusal:
        return _paragraph_page(request, context, status=_refused(form, refusal))
    messages.success(request, _("Your comment is added."))
    return _on_statement_page(statement, f"c-{written.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def reply(request: SignedInRequest, pk: int, comment_id: int) -> HttpResponse:
    """Reply in a comment's thread."""
    checker = permissions.checker_for(request.user)
    statement = selectors.statement_for(request.user, pk, checker)
    thread = selectors.comment_for(statement, comment_id)
    form = ReplyForm(request.POST or None)
    context = {
        "statement": statement,
        "wording": selectors.wording_in(statement.current_revision, thread.paragraph),
        "thread": selectors.thread_of(thread),
        "form": form,
        "purpose": "reply",
    }
    if request.method == "GET":
        actions.require_commenting(request.user, statement, checker)
        return _paragraph_page(request, context)
    if not form.is_valid():
        return _paragraph_page(request, context, status=400)
    try:
        written = actions.reply_to_comment(request.user, thread, body=form.cleaned_data["body"])
    except (InvalidInput, Conflict) as refusal:
        return _paragraph_page(request, context, status=_refused(form, refusal))
    messages.success(request, _("Your reply is added."))
    return _on_statement_page(statement, f"c-{written.pk}")


@login_required
@require_POST
def resolve_comment(request: SignedInRequest, pk: int, comment_id: int) -> HttpResponse:
    statement = selectors.statement_for(request.user, pk)
    thread = actions.resolve_comment(request.user, selectors.comment_for(statement, comment_id))
    messages.success(request, _("The thread is resolved."))
    return _on_statement_page(statement, f"c-{thread.pk}")


@login_required
@require_POST
def reopen_comment(request: SignedInRequest, pk: int, comment_id: int) -> HttpResponse:
    statement = selectors.statement_for(request.user, pk)
    thread = actions.reopen_comment(request.user, selectors.comment_for(statement, comment_id))
    messages.success(request, _("The thread is open again."))
    return _on_statement_page(statement, f"c-{thread.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def propose_amendment(request: SignedInRequest, pk: int, key: str) -> HttpResponse:
    """Propose to replace a paragraph, insert one after it, or delete it."""
    checker = permissions.checker_for(request.user)
    statement = selectors.statement_for(request.user, pk, checker)
    paragraph = selectors.paragraph_for(statement, key)
    wording = selectors.wording_in(statement.current_revision, paragraph)
    form = AmendmentForm(
        request.POST or None,
        statement=statement,
        initial={"text": wording.text if wording else "", "revision": statement.current_revision},
    )
    context = {"statement": statement, "wording": wording, "form": form, "purpose": "amend"}
    if request.method == "GET":
        actions.require_proposing(request.user, statement, checker)
        if wording is None:
            raise ParagraphGone(_("That paragraph is no longer in the text."))
        return _paragraph_page(request, context)
    if not form.is_valid():
        return _paragraph_page(request, context, status=400)
    try:
        amendment = actions.propose_amendment(
            request.user,
            statement,
            paragraph=paragraph,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            justification=form.cleaned_data["justification"],
            read=form.cleaned_data["revision"],
        )
    except (InvalidInput, Conflict) as refusal:
        return _paragraph_page(request, context, status=_refused(form, refusal))
    messages.success(request, _("Your amendment is proposed; the pen-holders are told."))
    return _on_statement_page(statement, f"a-{amendment.pk}")


@login_required
@require_POST
def accept_amendment(request: SignedInRequest, pk: int, amendment_id: int) -> HttpResponse:
    statement = selectors.statement_for(request.user, pk)
    amendment = selectors.amendment_for(statement, amendment_id)
    revision = actions.accept_amendment(request.user, amendment)
    messages.success(
        request,
        _("The amendment by %(delegation)s is accepted: the text is now revision %(number)s.")
        % {"delegation": amendment.delegation, "number": revision.number},
    )
    return _on_statement_page(statement, amendment.paragraph.key)


@login_required
@require_http_methods(["GET", "POST"])
def reject_amendment(request: SignedInRequest, pk: int, amendment_id: int) -> HttpResponse:
    checker = permissions.checker_for(request.user)
    statement = selectors.statement_for(request.user, pk, checker)
    amendment = selectors.amendment_for(statement, amendment_id)
    form = RejectionForm(request.POST or None)
    context = {
        "statement": statement,
        "wording": selectors.wording_in(statement.current_revision, amendment.paragraph),
        "amendment": selectors.amendment_view(amendment),
        "form": form,
        "purpose": "reject",
    }
    if request.method == "GET":
        actions.require_deciding(request.user, statement, checker)
        return _paragraph_page(request, context)
    if not form.is_valid():
        return _paragraph_page(request, context, status=400)
    try:
        actions.reject_amendment(request.user, amendment, reason=form.cleaned_data["reason"])
    except (InvalidInput, Conflict) as refusal:
        return _paragraph_page(request, context, status=_refused(form, refusal))
    messages.success(
        request,
        _("The amendment by %(delegation)s is rejected.") % {"delegation": amendment.delegation},
    )
    return _on_statement_page(statement, f"a-{amendment.pk}")
