"""Pages of the workflow: dashboard, statement page, create page, actions, and the public site.

Thin: each parses input, calls one selector or action, and renders or redirects. Refusals come
back as exceptions: ``Http404`` (may not see), ``PermissionDenied`` (403, may see but not act)
and ``Conflict`` (409, the state refuses), rendered by ``config.middleware``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_stubs_ext import StrOrPromise
from guardian.core import ObjectPermissionChecker

from delegations import two_factor
from delegations.requests import SignedInRequest
from drafts import policy as drafts_policy
from drafts import selectors as drafts_selectors
from drafts.models import Amendment, Revision, Statement
from drafts.permissions import checker_for
from drafts.text import render_markdown
from workflow import actions, forms, permissions, policy, selectors, verification
from workflow.feeds import absolute
from workflow.models import Signature

State = Statement.State
RECORD_PER_PAGE = 50


# Each dashboard section's heading; %(delegation)s is the person's delegation.
SECTION_HEADINGS: dict[str, StrOrPromise] = {
    "awaiting_signature": _("Sign-on awaiting %(delegation)s"),
    "ready_to_publish": _("Ready to publish"),
    "pen": _("Drafts %(delegation)s holds the pen on"),
    "consultations": _("Open for consultation"),
    "chaired": _("Statements of the bodies you chair"),
    "in_progress": _("In drafting and consultation"),
}
# The sections that ask the person to act now, set apart on the dashboard.
URGENT_SECTIONS = {"awaiting_signature", "ready_to_publish"}
STATEMENTS_PAGE_SIZE = 50


def _heading(key: str, user: Any) -> str:
    delegation = user.delegation.name if user.delegation_id is not None else ""
    return str(SECTION_HEADINGS[key]) % {"delegation": delegation}


@dataclass
class ShownSection:
    key: str
    heading: str
    urgent: bool
    section: selectors.Section


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The first rows of each section that holds any, most urgent first, each with a link to
    its full list when there are more."""
    found = selectors.dashboard_for(request.user)
    sections = [
        ShownSection(key, _heading(key, request.user), key in URGENT_SECTIONS, section)
        for key in selectors.SECTION_KEYS
        if (section := getattr(found, key))
    ]
    return render(
        request,
        "workflow/dashboard.html",
        {
            "dashboard": found,
            "sections": sections,
            "can_create": permissions.can_create_statement(request.user),
        },
    )


def _page_of(
    request: HttpRequest, items: Any, per_page: int, number: int | None, *, missing: StrOrPromise
) -> tuple[Page[Any], str]:
    """Page ``number`` (the first if none) of ``items``, and the request's query string without
    its page, for the links to the others; past the last page, 404 with ``missing``."""
    try:
        page = Paginator(items, per_page).page(number or 1)
    except EmptyPage as empty:
        raise Http404(missing) from empty
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@login_required
@require_GET
def statement_list(request: HttpRequest) -> HttpResponse:
    """Every statement the person may open, or one dashboard section in full, narrowed by state
    and title words, 50 a page. A filter that cannot be read is answered 400 with the message
    and the form; a page past the end, 404."""
    user = request.user
    keys = selectors.sections_of(user)
    form = forms.StatementListForm(
        request.GET, sections=[(key, _heading(key, user)) for key in keys]
    )
    context: dict[str, Any] = {"form": form, "statements": [], "page": None}
    if not form.is_valid():
        return render(request, "workflow/statement_list.html", context, status=400)
    wanted = form.cleaned_data
    statements = selectors.listed_statements(
        user, section=wanted["section"], state=wanted["state"], title=wanted["q"]
    )
    page, query = _page_of(
        request,
        statements,
        STATEMENTS_PAGE_SIZE,
        wanted["page"],
        missing=_("There is no such page of statements."),
    )
    context.update(
        statements=list(page.object_list),
        page=page,
        heading=_heading(wanted["section"], user) if wanted["section"] else None,
        filtered=bool(wanted["state"] or wanted["q"]),
        query=query,
    )
    return render(request, "workflow/statement_list.html", context)


def _discussion_context(
    request: HttpRequest,
    statement: Statement,
    shown: Revision | None,
    checker: ObjectPermissionChecker | None,
) -> dict[str, Any]:
    """The text paragraph by paragraph with its threads and amendments, what the person may
    do with them, and the filter of the threads (a bad one is reported, and ignored)."""
    user = request.user
    thread_filter = forms.ThreadFilterForm(request.GET)
    wanted = thread_filter.cleaned_data if thread_filter.is_valid() else {}
    discussion = drafts_selectors.discussion_of(
        statement,
        shown,
        status=wanted.get("comments") or "all",
        speaker=wanted.get("delegation") or "",
    )
    offered = drafts_policy.offers(user, statement, checker)
    for thread in discussion.threads():
        resolved = thread.comment.is_resolved
        thread.may_resolve = not resolved and bool(
            drafts_policy.may_resolve(user, statement, thread.comment, checker)
        )
        thread.may_reopen = resolved and bool(
            drafts_policy.may_reopen(user, statement, thread.comment, checker)
        )
    return {
        "discussion": discussion,
        "thread_filter": thread_filter,
        "filtered": bool(
            wanted.get("comments") not in (None, "", "all") or wanted.get("delegation")
        ),
        "may_comment": "comment" in offered,
        "may_propose": "propose_amendment" in offered,
        "may_decide": "decide_amendments" in offered,
        "kinds": Amendment.Kind.choices,
    }


def _statement_context(
    request: HttpRequest,
    statement: Statement,
    checker: ObjectPermissionChecker | None,
    **action_forms: django_forms.Form,
) -> dict[str, Any]:
    user = request.user
    signatures = selectors.signatures_of(statement)
    delegation_id = getattr(user, "delegation_id", None)
    response = next((s for s in signatures if s.delegation_id == delegation_id), None)
    shown = statement.instrument_revision or statement.current_revision
    return {
        **_discussion_context(request, statement, shown, checker),
        "statement": statement,
        "revision": shown,
        "signed": [s for s in signatures if policy.counts(s, statement)],
        # Signed while a member, by a delegation that has left since: on the record, not
        # counted (workflow.policy.counts).
        "signed_before_leaving": [
            s
            for s in signatures
            if s.status == Signature.Status.SIGNED and not policy.counts(s, statement)
        ],
        "declined": [s for s in signatures if s.status == Signature.Status.DECLINED],
        "removed": [s for s in signatures if s.status == Signature.Status.REMOVED],
        "response": response,
        "history": selectors.transitions_of(statement),
        "offered": selectors.available_actions(user, statement, response, checker),
        "open_consultation_form": action_forms.get("open_consultation")
        or forms.OpenConsultationForm(),
        "open_sign_on_form": action_forms.get("open_sign_on") or forms.OpenSignOnForm(),
        "withdraw_form": action_forms.get("withdraw") or forms.WithdrawForm(),
        "sign_needs_code": two_factor.signature_needs_code(request),
        "remove_signature_form": action_forms.get("remove_signature")
        or forms.RemoveSignatureForm(),
    }


@require_GET
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Whoever may not see the statement's negotiation reads a published statement on the public
    # site: publication makes public what was signed, not how it came to be. A visitor logs in
    # first for anything else, whether or not the statement exists, so the redirect tells nothing.
    checker = checker_for(request.user)
    try:
        statement = selectors.statement_for(request.user, pk, checker)
    except Http404:
        slug = Statement.objects.filter(pk=pk, state=Statement.State.PUBLISHED).values_list(
            "slug", flat=True
        )
        if slug:
            return redirect("workflow:public_detail", slug=slug[0])
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise
    context = _statement_context(request, statement, checker)
    status = 200 if context["thread_filter"].is_valid() else 400
    return render(request, "workflow/statement.html", context, status=status)


@login_required
@require_GET
def statement_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The statement's full audit record, for anyone who may see the statement."""
    statement = selectors.statement_for(request.user, pk)
    page = Paginator(selectors.record_of(statement), RECORD_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "workflow/record.html",
        {"statement": statement, "page": page, "entries": page.object_list},
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_create(request: SignedInRequest) -> HttpResponse:
    if not permissions.can_create_statement(request.user):
        raise PermissionDenied(
            _(
                "Only delegates of member delegations, chairs and coordinators may start a "
                "statement."
            )
        )
    form = forms.StatementForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        statement = actions.create_statement(request.user, **form.cleaned_data)
        messages.success(request, _("Statement created in draft."))
        return redirect(statement)
    status = 400 if request.method == "POST" else 200
    return render(request, "workflow/statement_form.html", {"form": form}, status=status)


@dataclass(frozen=True)
class Step:
    """One action a button on the statement page triggers."""

    form: type[django_forms.Form]
    run: Callable[..., Any]
    done: StrOrPromise


STEPS: dict[str, Step] = {
    "open_consultation": Step(
        forms.OpenConsultationForm, actions.open_consultation, _("Consultation is open.")
    ),
    "open_sign_on": Step(forms.OpenSignOnForm, actions.open_sign_on, _("Sign-on is open.")),
    "return_to_drafting": Step(
        forms.NoInput, actions.return_to_drafting, _("Returned to drafting.")
    ),
    "publish": Step(forms.NoInput, actions.publish, _("Published.")),
    "withdraw": Step(forms.WithdrawForm, actions.withdraw, _("The statement is withdrawn.")),
    "sign_on": Step(forms.NoInput, actions.sign_on, _("Your delegation has signed on.")),
    "decline": Step(forms.NoInput, actions.decline, _("Your delegation has declined.")),
    "withdraw_signature": Step(
        forms.NoInput, actions.withdraw_signature, _("Your delegation's signature is withdrawn.")
    ),
    "open_late_signatures": Step(
        forms.NoInput,
        actions.open_late_signatures,
        _("The statement takes late signatures; its text stays as published."),
    ),
    "close_late_signatures": Step(
        forms.NoInput, actions.close_late_signatures, _("The statement takes no more signatures.")
    ),
    "remove_signature": Step(
        forms.RemoveSignatureForm,
        actions.remove_signature,
        _("The signature is removed from the published statement; the record keeps it."),
    ),
}


# Steps that cannot be undone: the page asks once more, saying what they will do. (The API
# does what it is asked: a program confirms by calling.)
CONFIRMED_STEPS = {
    "publish": _("Publish now"),
    "withdraw": _("Withdraw for good"),
    "return_to_drafting": _("Return to drafting now"),
    "remove_signature": _("Remove the signature"),
}


def _confirmation(
    request: HttpRequest, statement: Statement, step: str, given: dict[str, Any]
) -> HttpResponse:
    """The page that asks: what the step will do, the person's input carried along."""
    carried = {
        name: value
        for name, value in request.POST.items()
        if name not in ("csrfmiddlewaretoken", "confirmed")
    }
    return render(
        request,
        "workflow/confirm.html",
        {
            "statement": statement,
            "step": step,
            "action_url": reverse(f"workflow:{step}", args=[statement.pk]),
            "button": CONFIRMED_STEPS[step],
            "consequences": selectors.consequences(step, statement, given),
            "carried": carried,
            "reason": given.get("reason", ""),
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Run one of ``STEPS`` on the statement; a form error re-renders the page with 400."""
    statement = selectors.statement_for(request.user, pk)
    action = STEPS[step]
    form = action.form(request.POST)
    if not form.is_valid():
        context = _statement_context(request, statement, checker_for(request.user), **{step: form})
        context["failed_step"] = step
        return render(request, "workflow/statement.html", context, status=400)
    given = dict(form.cleaned_data)
    if step in CONFIRMED_STEPS and request.POST.get("confirmed") != "yes":
        return _confirmation(request, statement, step, given)
    given.pop("confirmed", None)
    try:
        if step == "sign_on":
            # A signature commits a state: the session's last code, or one typed with it, is
            # the proof the action weighs. Not enough (or a wrong code): 403, the form again.
            given["proof"] = two_factor.proof_from_session(request, request.POST.get("code", ""))
        action.run(request.user, statement, **given)
    except (two_factor.WrongCode, two_factor.SecondFactorRefused) as refused:
        context = _statement_context(request, statement, checker_for(request.user))
        context["failed_step"] = step
        context["sign_code_error"] = (
            _(
                "That code did not work, so nothing was signed. Type the code your app "
                "shows now; after several wrong codes, wait a few seconds between tries."
            )
            if isinstance(refused, two_factor.WrongCode)
            else str(refused)
        )
        return render(request, "workflow/statement.html", context, status=403)
    messages.success(request, action.done)
    return redirect(statement)


# How many published statements a page of the public list shows.
PUBLIC_PAGE_SIZE = 25


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """Published statements, newest first: searched, filtered and paginated by the query
    string. A filter that cannot be read is answered 400, with the message and the form."""
    form = forms.PublicSearchForm(request.GET, years=selectors.publication_years())
    context: dict[str, Any] = {"form": form, "statements": [], "page": None}
    if not form.is_valid():
        return render(request, "workflow/public_list.html", context, status=400)
    wanted = form.cleaned_data
    statements = selectors.search_published(
        text=wanted["q"], year=wanted["year"], body=wanted["body"], kind=wanted["kind"]
    )
    page, query = _page_of(
        request,
        statements,
        PUBLIC_PAGE_SIZE,
        wanted["page"],
        missing=_("There is no such page of published statements."),
    )
    context.update(
        statements=list(page.object_list),
        page=page,
        filtered=any(wanted[name] for name in ("q", "year", "body", "kind")),
        query=query,
    )
    return render(request, "workflow/public_list.html", context)


@require_GET
def public_detail(request: HttpRequest, slug: str) -> HttpResponse:
    statement = selectors.published_statement(slug)
    revision = statement.instrument_revision
    return render(
        request,
        "workflow/public_detail.html",
        {
            "statement": statement,
            "revision": revision,
            "text_html": render_markdown(revision.text) if revision else "",
            "signatories_line": selectors.signatories_line(statement),
            "description": selectors.public_summary(statement),
            "absolute_url": absolute(reverse("workflow:public_detail", args=[slug])),
        },
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone pastes a text or uploads a file and learns whether it is, word for word, the
    signed text of a published statement, and if not, where it differs from the closest."""
    context: dict[str, Any] = {
        "max_upload": forms.file_size_label(settings.ACCORD_VERIFY_MAX_UPLOAD_BYTES)
    }
    if request.method != "POST":
        return render(request, "workflow/verify.html", {**context, "form": forms.VerifyForm()})
    form = forms.VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "workflow/verify.html", {**context, "form": form}, status=400)
    verdict = verification.verify(form.cleaned_data["given"])
    return render(request, "workflow/verify.html", {**context, "form": form, "verdict": verdict})
