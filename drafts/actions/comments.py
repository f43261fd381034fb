"""Comments on a statement's paragraphs: threads, replies, resolving and reopening."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from audit.actions import record
from core.policy import Refusal
from delegations.actions import delegation_of
from delegations.models import User
from drafts import audience, notices, policy
from drafts.actions.common import lock, statement_link, wordings, written
from drafts.errors import CommentsClosed, InvalidComment, ThreadResolved
from drafts.live import announce
from drafts.models import (
    COMMENT_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    Comment,
    Paragraph,
    Revision,
    RevisionParagraph,
    Statement,
)
from drafts.text import plain_text
from notifications.actions import notify
from notifications.wording import DetailCode, detail

State = Statement.State


def require_commenting(
    actor: User, statement: Statement, checker: ObjectPermissionChecker | None = None
) -> None:
    """Raise what ``comment_on_paragraph`` raises when the person may not comment (now):
    ``CommentsClosed`` once sign-on has opened, for everyone; else ``PermissionDenied``
    (``drafts.policy.may_comment``)."""
    policy.may_comment(actor, statement, checker).enforce(CommentsClosed)


@transaction.atomic
def comment_on_paragraph(
    actor: User,
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
    locked = lock(statement)
    require_commenting(actor, locked)
    read_row, current_row = wordings(locked, paragraph, read, InvalidComment)
    body = written(body, "comment", COMMENT_MAX_LENGTH, InvalidComment, field="body")
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
def reply_to_comment(actor: User, comment: Comment, *, body: str) -> Comment:
    """Reply in the thread of ``comment`` (a reply to a reply joins the same thread).

    Raises as ``comment_on_paragraph`` does, and ``ThreadResolved`` if the thread is resolved.
    """
    locked = lock(comment.statement)
    require_commenting(actor, locked)
    thread = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("revision", "paragraph")
        .get(pk=comment.parent_id or comment.pk)
    )
    if thread.is_resolved:
        raise ThreadResolved(_("This thread is resolved: reopen it to reply."))
    body = written(body, "reply", COMMENT_MAX_LENGTH, InvalidComment, field="body")
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
    actor: User, statement: Statement, comment: Comment, *, thread: Comment, position: int | None
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
        link=statement_link(statement, f"c-{comment.pk}"),
        detail=detail(DetailCode.COMMENT, position=position or None, excerpt=comment.body),
    )
    announce(statement, change="comment", actor=actor)


@transaction.atomic
def resolve_comment(actor: User, comment: Comment) -> Comment:
    """Mark the thread of ``comment`` resolved; returns the thread's first comment.

    Its author, the pen-holders' people and the body's chairs may (else ``PermissionDenied``),
    in any state (``drafts.policy.may_resolve``). Resolving a resolved thread changes nothing.
    """
    return _mark_resolved(actor, comment, resolved=True)


@transaction.atomic
def reopen_comment(actor: User, comment: Comment) -> Comment:
    """Reopen the thread of ``comment``: the same people, while comments are taken (else
    ``CommentsClosed``; ``drafts.policy.may_reopen``)."""
    return _mark_resolved(actor, comment, resolved=False)


def _mark_resolved(actor: User, comment: Comment, *, resolved: bool) -> Comment:
    locked = lock(comment.statement)
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
