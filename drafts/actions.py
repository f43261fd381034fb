"""Every write to a statement's text and what is said about it: starting a statement, saving
revisions, comments on its paragraphs, and amendments proposed, accepted and rejected.

Every revision records its paragraphs (``RevisionParagraph``) and which paragraph of the
revision before each one is, so a paragraph keeps its identity from revision to revision; and
every revision rebases the open amendments whose paragraph it changed, or marks them outdated.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from audit.actions import record
from core.policy import Refusal
from delegations.actions import delegation_of
from delegations.models import Body, Delegation
from drafts import audience, notices, permissions, policy
from drafts.diff import correspondence
from drafts.errors import (
    AmendmentCollides,
    AmendmentDecided,
    AmendmentsClosed,
    CommentsClosed,
    EditingClosed,
    InvalidAmendment,
    InvalidComment,
    InvalidText,
    MergeConflict,
    ParagraphGone,
    StaleEdit,
    ThreadResolved,
)
from drafts.live import announce
from drafts.merge import merge
from drafts.models import (
    COMMENT_MAX_LENGTH,
    JUSTIFICATION_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Amendment,
    Comment,
    Paragraph,
    Revision,
    RevisionParagraph,
    Statement,
    outdated_sentence,
)
from drafts.paragraphs import BLANK_LINE, Block, blocks, join, respaced
from drafts.policy import COMMENTS_OPEN_IN
from drafts.text import canonical_text, content_hash, plain_text
from notifications.actions import notify
from notifications.wording import Detail, DetailCode, detail

State = Statement.State


def _checked(text: str) -> str:
    """``text`` in canonical form; ``InvalidText`` if it is empty or over the size limit."""
    canonical = canonical_text(text)
    if not canonical:
        raise InvalidText(_("A statement's text cannot be empty."))
    size = len(canonical.encode("utf-8"))
    if size > settings.ACCORD_MAX_TEXT_BYTES:
        raise InvalidText(
            _("The text is %(size)s KB; the most a statement may hold is %(most)s KB.")
            % {"size": size // 1000, "most": settings.ACCORD_MAX_TEXT_BYTES // 1000}
        )
    return canonical


def _new_revision(
    actor: Any,
    statement: Statement,
    text: str,
    parent: Revision | None,
    *,
    started_from: Revision | None = None,
    amendment: Amendment | None = None,
    continues: Mapping[int, int] | None = None,
) -> tuple[Revision, list[RevisionParagraph]]:
    """Write the next revision and its paragraphs; returns both.

    ``continues`` says which paragraph of the parent each new paragraph is (new index → the
    parent's index); without it, the two texts are compared to find out.
    """
    canonical = _checked(text)
    revision = Revision.objects.create(
        statement=statement,
        number=(parent.number + 1) if parent else 1,
        text=canonical,
        content_hash=content_hash(canonical),
        author=actor,
        delegation=getattr(actor, "delegation", None),
        parent=parent,
        started_from=started_from or parent,
        statement_state=statement.state,
        amendment=amendment,
    )
    return revision, _record_paragraphs(statement, revision, parent, continues)


def _record_paragraphs(
    statement: Statement,
    revision: Revision,
    parent: Revision | None,
    continues: Mapping[int, int] | None,
) -> list[RevisionParagraph]:
    """Give each paragraph of ``revision`` its identity: the parent's paragraph it continues
    (kept, edited in place or moved), or a new one with a new key."""
    new_texts = [block.text for block in blocks(revision.text)]
    previous: list[RevisionParagraph] = []
    if parent is not None:
        previous = list(parent.paragraphs.select_related("paragraph").order_by("position"))
    if continues is None:
        continues = correspondence([row.text for row in previous], new_texts)
    taken = set(Paragraph.objects.filter(statement=statement).values_list("key", flat=True))
    identities: list[Paragraph | None] = [
        previous[continues[index]].paragraph if index in continues else None
        for index in range(len(new_texts))
    ]
    fresh = [
        Paragraph(statement=statement, key=new_paragraph_key(taken), created_in=revision)
        for identity in identities
        if identity is None
    ]
    Paragraph.objects.bulk_create(fresh)
    arrivals = iter(fresh)
    rows = [
        RevisionParagraph(
            revision=revision,
            paragraph=identity or next(arrivals),
            position=index + 1,
            text=text,
        )
        for index, (identity, text) in enumerate(zip(identities, new_texts, strict=True))
    ]
    RevisionParagraph.objects.bulk_create(rows)
    return rows


def new_paragraph_key(taken: set[str]) -> str:
    """A key no paragraph of the statement has (``taken``, to which it is added): "p-7f3a9c"."""
    while True:
        key = f"p-{secrets.token_hex(3)}"
        if key not in taken:
            taken.add(key)
            return key


@transaction.atomic
def start_statement(
    actor: Any,
    *,
    title: str,
    kind: str,
    body: Body,
    pen_holders: Iterable[Delegation],
    text: str,
    min_signatures: int = 1,
) -> Statement:
    """Create a statement in draft with its first revision.

    Who may start one, and the grants that follow, are ``workflow``'s concern: call
    ``workflow.actions.create_statement``, not this.
    """
    statement = Statement.objects.create(
        title=title.strip(),
        kind=kind,
        body=body,
        min_signatures=min_signatures,
        created_by=actor,
    )
    statement.pen_holders.set(pen_holders)
    revision, _ = _new_revision(actor, statement, text, parent=None)
    statement.current_revision = revision
    statement.save(update_fields=["current_revision"])
    record(
        actor,
        "drafts.start_statement",
        statement,
        after={
            "title": statement.title,
            "kind": kind,
            "body": body.name,
            "pen_holders": sorted(d.code for d in statement.pen_holders.all()),
            "revision": 1,
            "hash": revision.content_hash,
        },
        delegation=delegation_of(actor),
    )
    return statement


@transaction.atomic
def save_revision(actor: Any, statement: Statement, *, text: str, base: Revision) -> Revision:
    """Save ``text``, written from revision ``base``, as the statement's next revision.

    If ``base`` is still the latest revision, ``text`` becomes the next one. If someone saved
    since, the two edits are merged three ways (``drafts.merge``): when they touch different
    text, the merged text is saved as the next revision, its parent the newest revision, and the
    authors of the revisions it was merged with are credited as its co-authors. Returns the
    revision that now holds the text: the one that was current if ``text`` changes nothing.

    Raises ``PermissionDenied`` if the person does not hold the pen, ``EditingClosed`` once
    sign-on has opened, ``StaleEdit`` for a base revision of another statement,
    ``MergeConflict`` when both edits changed the same words (nothing is saved: a newer text is
    never overwritten), and ``InvalidText`` for an empty or oversized text.
    """
    locked = Statement.objects.select_for_update().get(pk=statement.pk)
    if not permissions.can_edit(actor, locked):
        raise PermissionDenied(
            _("Only delegates of the pen-holding delegations may edit this text.")
        )
    if not locked.is_open_for_editing:
        raise EditingClosed(
            _(
                "This statement is in %(state)s; its text can no longer be edited. Ask the chair "
                "to return it to drafting."
            )
            % {"state": locked.get_state_display().lower()}
        )
    if base.statement_id != locked.pk:
        raise StaleEdit(_("That revision belongs to another statement."))
    current = locked.current_revision or base
    mine = _checked(text)
    merged: dict[str, Any] = {}
    if current.pk == base.pk:
        if mine == base.text:
            return base
        revision, rows = _new_revision(actor, locked, mine, parent=base)
    else:
        newer = list(
            locked.revisions.filter(number__gt=base.number)
            .select_related("author", "delegation")
            .order_by("number")
        )
        result = merge(base.text, current.text, mine)
        if not result.clean:
            raise MergeConflict(
                _conflict_message(base, newer, len(result.conflicts)),
                base=base,
                current=current,
                newer=newer,
                conflicts=result.conflicts,
                text=mine,
                proposal=result.text,
            )
        if result.text == current.text:
            return current  # the newer text already says everything this edit says
        revision, rows = _new_revision(
            actor, locked, result.text, parent=current, started_from=base
        )
        others = {r.author_id: r.author for r in newer if r.author_id != actor.pk}
        co_authors = list(others.values())
        revision.co_authors.set(co_authors)
        merged = {
            "merged": {
                "started_from": base.number,
                "merged_with": [r.number for r in newer],
                "co_authors": [str(author) for author in co_authors],
            }
        }
    locked.current_revision = revision
    locked.save(update_fields=["current_revision", "updated_at"])
    amendments = _rebase_amendments(locked, revision, rows)
    record(
        actor,
        "drafts.save_revision",
        locked,
        before={"revision": current.number, "hash": current.content_hash},
        after={"revision": revision.number, "hash": revision.content_hash, **merged, **amendments},
        delegation=delegation_of(actor),
    )
    _tell_of_revision(actor, locked, revision, previous=current)
    statement.current_revision = revision
    return revision


def _tell_of_revision(
    actor: Any,
    statement: Statement,
    revision: Revision,
    previous: Revision,
    *,
    change: str = "new_revision",
    line: Detail | None = None,
) -> None:
    """Tell the drafting group and the body's chairs, and every page open on the statement."""
    compare = reverse("drafts:compare", args=[statement.pk])
    link = f"{compare}?from={previous.number}&to={revision.number}"
    notify(
        notices.NEW_REVISION,
        actor=actor,
        subject=statement,
        recipients=audience.people(audience.pen_holders(statement), audience.chairs(statement)),
        link=link,
        detail=line or detail(DetailCode.REVISION, number=revision.number),
    )
    announce(statement, change=change, actor=actor, compare=link)


def _conflict_message(base: Revision, newer: list[Revision], collisions: int) -> str:
    numbers = (
        f"Revision {newer[0].number} was"
        if len(newer) == 1
        else f"Revisions {newer[0].number} to {newer[-1].number} were"
    )
    places = "one place" if collisions == 1 else f"{collisions} places"
    return (
        f"{numbers} saved after you began editing revision {base.number}, and changed the same "
        f"words as you in {places}. Nothing was saved: settle the wording there and save again."
    )


# Which details each state still lets change: the title names what signatories sign, so it is
# fixed once sign-on opens; the minimum number of signatures may be set until publication.
DETAILS_EDITABLE_IN = {
    Statement.State.DRAFT: {"title", "min_signatures"},
    Statement.State.CONSULTATION: {"title", "min_signatures"},
    Statement.State.SIGN_ON: {"min_signatures"},
}


@transaction.atomic
def change_details(
    actor: Any, statement: Statement, *, title: str, min_signatures: int
) -> Statement:
    """Change a statement's title or minimum signatures, where its state still allows it.

    Only coordinators may; ``Conflict`` names what the state no longer lets change.
    """
    locked = Statement.objects.select_for_update().get(pk=statement.pk)
    if not (actor.is_authenticated and actor.is_coordinator):
        raise PermissionDenied(_("Only coordinators may change a statement's details."))
    wanted = {"title": title.strip(), "min_signatures": min_signatures}
    changed = {name for name, value in wanted.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    allowed = DETAILS_EDITABLE_IN.get(Statement.State(locked.state), set())
    refused = sorted(changed - allowed)
    if refused:
        names = " and ".join(name.replace("_", " ") for name in refused)
        raise EditingClosed(
            _("This statement is in %(state)s; its %(names)s can no longer change.")
            % {"state": locked.get_state_display().lower(), "names": names}
        )
    before = {name: getattr(locked, name) for name in sorted(changed)}
    for name in changed:
        setattr(locked, name, wanted[name])
    locked.save(update_fields=[*sorted(changed), "updated_at"])
    record(
        actor,
        "drafts.change_details",
        locked,
        before=before,
        after={name: getattr(locked, name) for name in sorted(changed)},
        delegation=delegation_of(actor),
    )
    return locked


# --- open amendments follow the text ---------------------------------------------------------

# Why an open amendment no longer applies to its paragraph's new wording.
OutdatedBecause = Amendment.OutdatedBecause
COLLIDES, ALREADY_SO, EDITED = (
    OutdatedBecause.COLLIDES,
    OutdatedBecause.ALREADY_SO,
    OutdatedBecause.EDITED,
)


def carry_over(kind: str, old_wording: str, proposal: str, new_wording: str) -> tuple[str, str]:
    """An amendment's proposed text carried from its paragraph's ``old_wording`` onto
    ``new_wording``; or ``("", why)`` when it no longer applies.

    A replacement is merged three ways, word by word (``drafts.merge``): the change that made
    ``new_wording`` and the amendment's change both apply when they touch different words
    (``COLLIDES`` when they touch the same ones, ``ALREADY_SO`` when the new wording already
    says what the amendment proposes). A paragraph inserted after it does not depend on its
    wording. A deletion proposed against a wording that has since been edited would delete
    words its proposer never saw (``EDITED``), as ``drafts.merge`` counts an edit against a
    deletion as a conflict.
    """
    if old_wording == new_wording or kind == Amendment.Kind.INSERT_AFTER:
        return proposal, ""
    if kind == Amendment.Kind.DELETE:
        return "", EDITED
    result = merge(old_wording, new_wording, proposal)
    if not result.clean:
        return "", COLLIDES
    carried = result.text.removesuffix("\n")
    if carried == new_wording:
        return "", ALREADY_SO
    return carried, ""


def _rebase_amendments(
    statement: Statement, revision: Revision, rows: list[RevisionParagraph]
) -> dict[str, Any]:
    """Bring the statement's open amendments onto ``revision``: those whose paragraph it changed
    are rebased when their change still applies cleanly, and marked outdated when not (or when
    the paragraph is gone). Returns what changed, for the audit record ({} if nothing)."""
    wording = {row.paragraph_id: row.text for row in rows}
    rebased: list[int] = []
    outdated: list[int] = []
    for amendment in Amendment.objects.select_for_update().filter(
        statement=statement, status=Amendment.Status.OPEN
    ):
        new_wording = wording.get(amendment.paragraph_id)
        if new_wording == amendment.base_text:
            continue
        why: str
        if new_wording is None:
            carried, why = "", OutdatedBecause.DELETED
        else:
            carried, why = carry_over(
                amendment.kind, amendment.base_text, amendment.text, new_wording
            )
        if why:
            amendment.status = Amendment.Status.OUTDATED
            amendment.outdated_by = revision
            amendment.outdated_because = why
            amendment.save(
                update_fields=["status", "outdated_by", "outdated_because", "updated_at"]
            )
            outdated.append(amendment.pk)
        else:
            assert new_wording is not None
            amendment.text = carried
            amendment.base_text = new_wording
            amendment.base_revision = revision
            amendment.save(update_fields=["text", "base_text", "base_revision", "updated_at"])
            rebased.append(amendment.pk)
    if not (rebased or outdated):
        return {}
    return {"amendments": {"rebased": rebased, "outdated": outdated}}


def _applied(kind: str, index: int, proposal: str, text: str) -> tuple[str, dict[int, int]]:
    """``text`` with the amendment applied to its paragraph at ``index`` (from 0), and which
    paragraph of ``text`` each paragraph of the result is (new index → old index).

    Raises ``InvalidAmendment`` when the result would be empty or too long, or when the
    proposed wording would not stay paragraphs of its own once in the text.
    """
    parts = blocks(text)
    count = len(parts)
    new = blocks(proposal) if proposal else []
    spliced: list[Block]
    origins: list[int | None]
    if kind == Amendment.Kind.DELETE:
        spliced = [*parts[:index], *parts[index + 1 :]]
        origins = [*range(index), *range(index + 1, count)]
    elif kind == Amendment.Kind.REPLACE:
        first = Block(parts[index].separator, new[0].text)
        spliced = [*parts[:index], first, *new[1:], *parts[index + 1 :]]
        origins = [*range(index), index, *[None] * (len(new) - 1), *range(index + 1, count)]
    else:
        # A list item inserted in a list written without blank lines keeps the list so.
        tight = (
            parts[index].is_list_item
            and new[0].is_list_item
            and any(part.separator == "\n" for part in parts[index : index + 2])
        )
        first = Block("\n" if tight else BLANK_LINE, new[0].text)
        spliced = [*parts[: index + 1], first, *new[1:], *parts[index + 1 :]]
        origins = [*range(index + 1), *[None] * len(new), *range(index + 1, count)]
    spliced = respaced(spliced)
    result = join(spliced)
    if [block.text for block in blocks(result)] != [block.text for block in spliced]:
        raise InvalidAmendment(
            _(
                "Once in the text, this wording would run into the paragraph before or after it. "
                "Write it as a paragraph of its own (a list item starts with its number)."
            ),
            field="text",
        )
    try:
        _checked(result)
    except InvalidText as invalid:
        raise InvalidAmendment(
            _("With this amendment: %(invalid)s") % {"invalid": invalid}, field="text"
        ) from invalid
    return result, {new: old for new, old in enumerate(origins) if old is not None}


# --- comments --------------------------------------------------------------------------------


def _lock(statement: Statement) -> Statement:
    return (
        Statement.objects.select_for_update(of=("self",))
        .select_related("body", "current_revision")
        .get(pk=statement.pk)
    )


def _state_label(statement: Statement) -> str:
    return statement.get_state_display().lower()


def _statement_link(statement: Statement, anchor: str) -> str:
    return f"{reverse('workflow:statement', args=[statement.pk])}#{anchor}"


def _written(
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


def _wordings(
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


def require_commenting(
    actor: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> None:
    """Raise what ``comment_on_paragraph`` raises when the person may not comment (now):
    ``CommentsClosed`` once sign-on has opened, for everyone; else ``PermissionDenied``."""
    if statement.state not in COMMENTS_OPEN_IN:
        raise CommentsClosed(
            _(
                "This statement is in %(state_label)s: comments are taken during drafting and "
                "consultation only. Its threads stay here to read."
            )
            % {"state_label": _state_label(statement)}
        )
    if not permissions.can_comment(actor, statement, checker):
        if statement.state == State.DRAFT:
            raise PermissionDenied(
                _("While it is a draft, only the pen-holding delegations comment.")
            )
        if statement.advisers_invited:
            raise PermissionDenied(
                _(
                    "Only delegates and signatories of member delegations, and the advisory "
                    "network, comment on a consultation."
                )
            )
        raise PermissionDenied(
            _("Only delegates and signatories of member delegations comment on a consultation.")
        )


@transaction.atomic
def comment_on_paragraph(
    actor: Any,
    statement: Statement,
    *,
    paragraph: Paragraph,
    body: str,
    quote: str = "",
    read: Revision | None = None,
) -> Comment:
    """Open a thread on ``paragraph`` about its wording in ``read`` (the revision the person
    read; the current one if not given) and, with ``quote``, about those words of it.

    Raises ``PermissionDenied`` if the person may not comment here, ``CommentsClosed`` once
    sign-on has opened, ``ParagraphGone`` if the paragraph has left the text, and
    ``InvalidComment`` for an empty or overlong comment, a quote that is not in the paragraph
    as read, or a revision that does not have the paragraph.
    """
    locked = _lock(statement)
    require_commenting(actor, locked)
    read_row, current_row = _wordings(locked, paragraph, read, InvalidComment)
    body = _written(body, "comment", COMMENT_MAX_LENGTH, InvalidComment, field="body")
    quote = " ".join(quote.split())
    if len(quote) > QUOTE_MAX_LENGTH:
        raise InvalidComment(
            f"Quote at most {QUOTE_MAX_LENGTH:,} characters of the paragraph.", field="quote"
        )
    if quote and quote not in plain_text(read_row.text):
        raise InvalidComment(
            _(
                "¶ %(position)s does not say “%(quote)s” in revision %(revision)s: quote its "
                "words as they stand, or leave the quote out."
            )
            % {
                "position": read_row.position,
                "quote": quote[:80],
                "revision": read_row.revision.number,
            },
            field="quote",
        )
    comment = Comment.objects.create(
        statement=locked,
        paragraph=paragraph,
        revision=read_row.revision,
        wording=read_row.text,
        quote=quote,
        body=body,
        author=actor,
        delegation=getattr(actor, "delegation", None),
    )
    record(
        actor,
        "drafts.comment",
        locked,
        after={
            "comment": comment.pk,
            "paragraph": paragraph.key,
            "revision": read_row.revision.number,
        },
        delegation=delegation_of(actor),
    )
    _tell_of_comment(actor, locked, comment, thread=comment, position=current_row.position)
    return comment


@transaction.atomic
def reply_to_comment(actor: Any, comment: Comment, *, body: str) -> Comment:
    """Reply in the thread of ``comment`` (a reply to a reply joins the same thread).

    Raises as ``comment_on_paragraph`` does, and ``ThreadResolved`` if the thread is resolved.
    """
    locked = _lock(comment.statement)
    require_commenting(actor, locked)
    thread = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("revision", "paragraph")
        .get(pk=comment.parent_id or comment.pk)
    )
    if thread.is_resolved:
        raise ThreadResolved(_("This thread is resolved: reopen it to reply."))
    body = _written(body, "reply", COMMENT_MAX_LENGTH, InvalidComment, field="body")
    latest = locked.current_revision
    assert latest is not None, "every statement has a revision"
    current = RevisionParagraph.objects.filter(
        revision=latest, paragraph_id=thread.paragraph_id
    ).first()
    reply = Comment.objects.create(
        statement=locked,
        paragraph=thread.paragraph,
        # On a paragraph since removed, a reply is about the wording the thread was about.
        revision=latest if current else thread.revision,
        wording=current.text if current else thread.wording,
        body=body,
        author=actor,
        delegation=getattr(actor, "delegation", None),
        parent=thread,
    )
    record(
        actor,
        "drafts.reply",
        locked,
        after={"comment": reply.pk, "thread": thread.pk, "paragraph": thread.paragraph.key},
        delegation=delegation_of(actor),
    )
    _tell_of_comment(
        actor, locked, reply, thread=thread, position=current.position if current else None
    )
    return reply


def _tell_of_comment(
    actor: Any, statement: Statement, comment: Comment, *, thread: Comment, position: int | None
) -> None:
    """Tell the pen-holders' people and those who took part in the thread (as long as they may
    still see the statement), and every page open on it."""
    took_part = Comment.objects.filter(Q(pk=thread.pk) | Q(parent=thread)).values("author_id")
    notify(
        notices.COMMENT,
        actor=actor,
        subject=statement,
        recipients=audience.people(
            audience.pen_holders(statement),
            Q(pk__in=took_part) & audience.may_discuss(statement),
        ),
        link=_statement_link(statement, f"c-{comment.pk}"),
        detail=detail(DetailCode.COMMENT, position=position or None, excerpt=comment.body),
    )
    announce(statement, change="comment", actor=actor)


@transaction.atomic
def resolve_comment(actor: Any, comment: Comment) -> Comment:
    """Mark the thread of ``comment`` resolved; returns the thread's first comment.

    Its author, the pen-holders' people and the body's chairs may (else ``PermissionDenied``),
    in any state (``drafts.policy.may_resolve``). Resolving a resolved thread changes nothing.
    """
    return _mark_resolved(actor, comment, resolved=True)


@transaction.atomic
def reopen_comment(actor: Any, comment: Comment) -> Comment:
    """Reopen the thread of ``comment``: the same people, while comments are taken (else
    ``CommentsClosed``; ``drafts.policy.may_reopen``)."""
    return _mark_resolved(actor, comment, resolved=False)


def _mark_resolved(actor: Any, comment: Comment, *, resolved: bool) -> Comment:
    locked = _lock(comment.statement)
    thread = Comment.objects.select_for_update().get(pk=comment.parent_id or comment.pk)
    decision = (policy.may_resolve if resolved else policy.may_reopen)(actor, locked, thread)
    if decision.refusal is Refusal.STATE:
        raise CommentsClosed(decision.message)
    decision.enforce()
    if thread.is_resolved == resolved:
        return thread
    thread.resolved_at = timezone.now() if resolved else None
    thread.resolved_by = actor if resolved else None
    thread.save(update_fields=["resolved_at", "resolved_by"])
    verb = "resolve" if resolved else "reopen"
    record(
        actor,
        f"drafts.{verb}_comment",
        locked,
        after={"comment": thread.pk},
        delegation=delegation_of(actor),
    )
    announce(locked, change="comment_resolved" if resolved else "comment_reopened", actor=actor)
    return thread


# --- amendments ------------------------------------------------------------------------------


# What an amendment proposes, in a few words ("Replace ¶ 4, by Kenya"), as its notification's line.
PROPOSES: dict[str, DetailCode] = {
    Amendment.Kind.REPLACE: DetailCode.REPLACEMENT_PROPOSED,
    Amendment.Kind.INSERT_AFTER: DetailCode.INSERTION_PROPOSED,
    Amendment.Kind.DELETE: DetailCode.DELETION_PROPOSED,
}


def _proposed_wording(kind: str, text: str, read: RevisionParagraph) -> str:
    if kind not in Amendment.Kind.values:
        raise InvalidAmendment(
            _("Choose whether to replace the paragraph, insert one after it, or delete it."),
            field="kind",
        )
    if kind == Amendment.Kind.DELETE:
        return ""  # whatever the text box held: a deletion proposes no wording
    wording = canonical_text(text).removesuffix("\n")
    if not wording:
        raise InvalidAmendment(_("Write the wording you propose."), field="text")
    if wording == read.text:
        raise InvalidAmendment(
            "That is the paragraph's own wording: write the wording you propose instead."
            if kind == Amendment.Kind.REPLACE
            else "That is the paragraph's own wording: write the new paragraph to insert after it.",
            field="text",
        )
    return wording


@transaction.atomic
def propose_amendment(
    actor: Any,
    statement: Statement,
    *,
    paragraph: Paragraph,
    kind: str,
    text: str,
    justification: str,
    read: Revision | None = None,
) -> Amendment:
    """Propose, for the person's delegation, to replace ``paragraph`` with ``text``, insert
    ``text`` after it, or delete it, as worded in ``read`` (the current revision if not given).

    If the paragraph changed since ``read``, the proposal is carried onto its current wording
    the way open amendments are rebased. Raises ``PermissionDenied`` (not a member delegation's
    delegate or signatory), ``AmendmentsClosed`` outside consultation, ``ParagraphGone``,
    ``AmendmentCollides`` when the paragraph changed since where the amendment changes it, and
    ``InvalidAmendment`` for a missing or unusable wording or justification.
    """
    locked = _lock(statement)
    require_proposing(actor, locked)
    read_row, current_row = _wordings(locked, paragraph, read, InvalidAmendment)
    wording = _proposed_wording(kind, text, read_row)
    justification = _written(
        justification, "justification", JUSTIFICATION_MAX_LENGTH, InvalidAmendment,
        field="justification",
    )  # fmt: skip
    current = current_row.revision
    carried, why = carry_over(kind, read_row.text, wording, current_row.text)
    if why:
        raise AmendmentCollides(
            _(
                "¶ %(position)s was changed after revision %(revision)s, which you read: "
                "%(reason)s Nothing was saved: read the paragraph as it stands now, and propose "
                "your change to it."
            )
            % {
                "position": current_row.position,
                "revision": read_row.revision.number,
                "reason": outdated_sentence(why, current.number),
            }
        )
    _applied(kind, current_row.position - 1, carried, current.text)
    amendment = Amendment.objects.create(
        statement=locked,
        paragraph=paragraph,
        kind=kind,
        text=carried,
        justification=justification,
        delegation=actor.delegation,
        author=actor,
        proposed_against=read_row.revision,
        base_revision=current,
        base_text=current_row.text,
    )
    record(
        actor,
        "drafts.propose_amendment",
        locked,
        after={
            "amendment": amendment.pk,
            "kind": kind,
            "paragraph": paragraph.key,
            "revision": current.number,
        },
        delegation=delegation_of(actor),
    )
    notify(
        notices.AMENDMENT_PROPOSED,
        actor=actor,
        subject=locked,
        recipients=audience.people(audience.pen_holders(locked)),
        link=_statement_link(locked, f"a-{amendment.pk}"),
        detail=detail(
            PROPOSES[kind], position=current_row.position, delegation=actor.delegation.name
        ),
    )
    announce(locked, change="amendment_proposed", actor=actor)
    return amendment


def require_proposing(
    actor: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> None:
    """Raise what ``propose_amendment`` raises when the person may not propose (now):
    ``PermissionDenied``, or ``AmendmentsClosed`` outside consultation."""
    if not permissions.can_propose_amendment(actor, statement, checker):
        raise PermissionDenied(
            _("Only delegates and signatories of member delegations propose amendments.")
        )
    if statement.state != State.CONSULTATION:
        raise AmendmentsClosed(
            _("Amendments are proposed during consultation; this statement is in %(state_label)s.")
            % {"state_label": _state_label(statement)}
        )


def require_deciding(
    actor: Any, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> None:
    """Raise what ``accept_amendment`` and ``reject_amendment`` raise when the person may not
    decide (now): ``PermissionDenied``, or ``AmendmentsClosed`` outside consultation."""
    if not permissions.can_decide_amendment(actor, statement, checker):
        raise PermissionDenied(
            _("Only delegates of the pen-holding delegations accept or reject amendments.")
        )
    if statement.state != State.CONSULTATION:
        raise AmendmentsClosed(
            _(
                "Amendments are accepted or rejected during consultation; this statement is in "
                "%(state_label)s."
            )
            % {"state_label": _state_label(statement)}
        )


def _still_open(amendment: Amendment) -> Amendment:
    fresh = (
        Amendment.objects.select_for_update(of=("self",))
        .select_related("paragraph", "delegation")
        .get(pk=amendment.pk)
    )
    if not fresh.is_open:
        raise AmendmentDecided(
            _("This amendment is %(status)s already; nothing was changed.")
            % {"status": fresh.get_status_display().lower()}
        )
    return fresh


@transaction.atomic
def accept_amendment(actor: Any, amendment: Amendment) -> Revision:
    """Apply the amendment to the current text as the next revision, credited to the proposing
    delegation, and rebase (or mark outdated) the other open amendments it affects.

    Raises ``PermissionDenied`` (not a pen-holder), ``AmendmentsClosed`` outside consultation,
    ``AmendmentDecided`` if it is no longer open, and ``StaleEdit`` if it cannot be applied to
    the text as it stands.
    """
    locked = _lock(amendment.statement)
    require_deciding(actor, locked)
    fresh = _still_open(amendment)
    current = locked.current_revision
    assert current is not None, "every statement has a revision"
    row = current.paragraphs.filter(paragraph_id=fresh.paragraph_id).first()
    if row is None or row.text != fresh.base_text:
        # Every revision rebases the open amendments, so their base is the current wording.
        raise StaleEdit(_("The paragraph changed since this amendment was made: reload the page."))
    try:
        text, continues = _applied(fresh.kind, row.position - 1, fresh.text, current.text)
    except InvalidAmendment as invalid:
        raise StaleEdit(
            _("This amendment cannot be applied: %(message)s") % {"message": invalid.message}
        ) from invalid
    revision, rows = _new_revision(
        actor, locked, text, parent=current, amendment=fresh, continues=continues
    )
    fresh.status = Amendment.Status.ACCEPTED
    fresh.decided_by = actor
    fresh.decided_at = timezone.now()
    fresh.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    locked.current_revision = revision
    locked.save(update_fields=["current_revision", "updated_at"])
    others = _rebase_amendments(locked, revision, rows)
    record(
        actor,
        "drafts.accept_amendment",
        locked,
        before={"revision": current.number, "hash": current.content_hash},
        after={
            "revision": revision.number,
            "hash": revision.content_hash,
            "amendment": fresh.pk,
            "kind": fresh.kind,
            "paragraph": fresh.paragraph.key,
            "proposed_by": fresh.delegation.name,
            **others,
        },
        delegation=delegation_of(actor),
    )
    notify(
        notices.AMENDMENT_ACCEPTED,
        actor=actor,
        subject=locked,
        recipients=audience.people(audience.delegation(fresh.delegation_id)),
        link=_statement_link(locked, fresh.paragraph.key),
        detail=detail(
            DetailCode.AMENDMENT_IN_REVISION, position=row.position, number=revision.number
        ),
    )
    _tell_of_revision(
        actor,
        locked,
        revision,
        previous=current,
        change="amendment_accepted",
        line=detail(
            DetailCode.REVISION_BY_AMENDMENT,
            number=revision.number,
            delegation=fresh.delegation.name,
        ),
    )
    statement = amendment.statement
    statement.current_revision = revision
    return revision


@transaction.atomic
def reject_amendment(actor: Any, amendment: Amendment, *, reason: str) -> Amendment:
    """Reject the amendment, with the reason its delegation is told.

    Raises as ``accept_amendment`` does, and ``InvalidAmendment`` without a reason.
    """
    locked = _lock(amendment.statement)
    require_deciding(actor, locked)
    reason = _written(reason, "reason", REASON_MAX_LENGTH, InvalidAmendment, field="reason")
    fresh = _still_open(amendment)
    fresh.status = Amendment.Status.REJECTED
    fresh.rejection_reason = reason
    fresh.decided_by = actor
    fresh.decided_at = timezone.now()
    fresh.save(
        update_fields=["status", "rejection_reason", "decided_by", "decided_at", "updated_at"]
    )
    record(
        actor,
        "drafts.reject_amendment",
        locked,
        after={
            "amendment": fresh.pk,
            "paragraph": fresh.paragraph.key,
            "proposed_by": fresh.delegation.name,
            "reason": reason,
        },
        delegation=delegation_of(actor),
    )
    notify(
        notices.AMENDMENT_REJECTED,
        actor=actor,
        subject=locked,
        recipients=audience.people(audience.delegation(fresh.delegation_id)),
        link=_statement_link(locked, f"a-{fresh.pk}"),
        detail=detail(DetailCode.REASON, reason=reason),
    )
    announce(locked, change="amendment_rejected", actor=actor)
    return fresh
