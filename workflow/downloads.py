"""Views of the downloads: any revision a person may see as Word (.docx) or PDF, and the signed
text of a published statement as Word, PDF or Markdown, for anyone.

Thin, like ``workflow.views``: each finds what it may show through a selector and hands it to
``workflow.exports``. What one may not see is 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from drafts import selectors as drafts_selectors
from drafts.models import Revision, Statement
from workflow import exports, selectors
from workflow.models import Signature

MARKDOWN_CONTENT_TYPE = "text/markdown; charset=utf-8"


def _download(content: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _filename(statement: Statement, revision: Revision, extension: str) -> str:
    """The public address's slug (or the title's), the revision, the kind of file: ASCII only."""
    name = statement.slug or slugify(statement.title)[:80] or "statement"
    return f"{name}-revision-{revision.number}.{extension}"


def _file_of(
    request: HttpRequest,
    statement: Statement,
    revision: Revision,
    signatures: list[Signature],
    extension: str,
) -> HttpResponse:
    """The revision as a .docx, .pdf or .md download; 503 where PDFs cannot be made here."""
    filename = _filename(statement, revision, extension)
    if extension == "docx":
        docx = exports.revision_docx(statement, revision, signatures)
        return _download(docx, content_type=exports.DOCX_CONTENT_TYPE, filename=filename)
    if extension == "pdf":
        try:
            pdf = exports.revision_pdf(statement, revision, signatures)
        except exports.ExportUnavailable as unavailable:
            return render(
                request,
                "workflow/export_unavailable.html",
                {"message": str(unavailable), "statement": statement, "revision": revision},
                status=503,
            )
        return _download(pdf, content_type=exports.PDF_CONTENT_TYPE, filename=filename)
    return _download(revision.text, content_type=MARKDOWN_CONTENT_TYPE, filename=filename)


@require_GET
def revision_export(request: HttpRequest, pk: int, number: int, extension: str) -> HttpResponse:
    """Any revision the person may see, as DOCX or PDF, with the signatures given to it.

    What one may not see is 404. A visitor who is not logged in is sent to log in, whether or
    not the statement exists: a published statement's earlier revisions stay with those who
    could see them; the public downloads only its signed text (``public_export``).
    """
    try:
        statement = drafts_selectors.statement_for(request.user, pk)
    except Http404:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise
    revision = drafts_selectors.revisions_numbered(statement, [number]).get(number)
    if revision is None:
        raise Http404(_("This statement has no such revision."))
    signatures = selectors.signatures_on(revision)
    return _file_of(request, statement, revision, signatures, extension)


@require_GET
def public_export(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    """The signed text of a published statement, with its signatories: for anyone."""
    statement = selectors.published_statement(slug)
    revision = statement.instrument_revision
    if revision is None:
        raise Http404(_("No published statement here."))
    signed: list[Signature] = getattr(statement, "signed", [])  # prefetched by the selector
    return _file_of(request, statement, revision, signed, extension)
