"""What the writes to a statement's text share: locking the statement, naming its state,
linking to a paragraph, and checking what a person wrote."""

from __future__ import annotations

from django.utils.translation import gettext as _

from drafts.errors import InvalidAmendment, InvalidComment, ParagraphGone
from drafts.models import Paragraph, Revision, RevisionParagraph, Statement

State = Statement.State


def lock(statement: Statement) -> Statement:
    return (
        Statement.objects.select_for_update(of=("self",))
        .select_related("body", "current_revision")
        .get(pk=statement.pk)
    )


def state_label(statement: Statement) -> str:
    return statement.get_state_display().lower()


def statement_link(statement: Statement, anchor: str) -> str:
    return f"{statement.get_absolute_url()}#{anchor}"


def written(
    text: str, what: str, limit: int, error: type[InvalidComment | InvalidAmendment], *, field: str
) -> str:
    text = text.strip()
    if not text:
        raise error(f"Write the {what}.", field=field)
    if len(text) > limit:
        raise error(
            f"The {what} is {len(text):,} characters long; the most it may be is {limit:,}.",
            field=field,
        )
    return text


def wordings(
    statement: Statement,
    paragraph: Paragraph,
    read: Revision | None,
    error: type[InvalidComment | InvalidAmendment],
) -> tuple[RevisionParagraph, RevisionParagraph]:
    """The paragraph as the person read it (in ``read``, or the current revision) and as the
    current revision has it. ``ParagraphGone`` if the current text no longer has it."""
    current = statement.current_revision
    assert current is not None, "every statement has a revision"
    read = read or current
    if paragraph.statement_id != statement.pk or read.statement_id != statement.pk:
        raise error("That paragraph or revision belongs to another statement.", field=None)
    rows = {
        row.revision_id: row
        for row in RevisionParagraph.objects.filter(
            paragraph=paragraph, revision__in={read.pk, current.pk}
        ).select_related("revision", "paragraph")
    }
    if current.pk not in rows:
        raise ParagraphGone(
            _(
                "That paragraph is no longer in the text: revision %(current)s removed it. "
                "Nothing was saved."
            )
            % {"current": current.number}
        )
    if read.pk not in rows:
        raise error(f"Revision {read.number} has no such paragraph.", field=None)
    return rows[read.pk], rows[current.pk]
