"""Reads of statements, revisions, and what is said about their paragraphs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from drafts.diff import Segment, word_diff
from drafts.merge import merge
from drafts.models import Amendment, Comment, Paragraph, Revision, RevisionParagraph, Statement
from drafts.permissions import can_view
from drafts.text import canonical_text, plain_text, render_markdown


def statements_with_details() -> QuerySet[Statement]:
    """Statements with what a list or page shows of each, fetched in a fixed number of queries."""
    return Statement.objects.select_related(
        "body", "current_revision", "instrument__revision"
    ).prefetch_related("pen_holders")


def statement_for(user: Any, pk: int, checker: ObjectPermissionChecker | None = None) -> Statement:
    """The statement ``pk`` if ``user`` may see it; else ``Http404``, as if it did not exist.

    Pass the request's ``checker`` to share guardian's permission cache with later predicates.
    """
    statement = statements_with_details().filter(pk=pk).first()
    if statement is None or not can_view(user, statement, checker):
        raise Http404(_("No such statement."))
    return statement


def revisions_of(statement: Statement) -> QuerySet[Revision]:
    return statement.revisions.select_related("author", "delegation").order_by("number")


def revision_history(statement: Statement) -> list[Revision]:
    """Every revision of the statement, newest first, with its author, delegation, the
    revision it was begun from and its co-authors: three queries, however many revisions."""
    co_authors = get_user_model().objects.select_related("delegation").order_by("full_name")
    return list(
        statement.revisions.select_related(
            "author", "delegation", "started_from", "parent", "amendment__delegation"
        )
        .prefetch_related(Prefetch("co_authors", queryset=co_authors))
        .order_by("-number")
    )


def revisions_numbered(statement: Statement, numbers: Iterable[int]) -> dict[int, Revision]:
    """The statement's revisions with these numbers, by number (missing numbers left out)."""
    return {
        revision.number: revision
        for revision in revisions_of(statement).filter(number__in=set(numbers))
    }


def bases_saved_from(user: Any, statement: Statement) -> list[int]:
    """The numbers of the revisions from which ``user``'s saved edits of the statement began.

    The edit page gives them to the browser, which then knows that an edit it kept, begun from
    one of them, reached the server and can be forgotten.
    """
    if not user.is_authenticated:
        return []
    return sorted(
        statement.revisions.filter(author=user, started_from__isnull=False)
        .order_by()
        .values_list("started_from__number", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class MergePreview:
    """What saving ``text`` begun from ``base`` would give against the current revision."""

    current: Revision
    text: str
    collisions: int


def preview_merge(statement: Statement, *, base: Revision, text: str) -> MergePreview:
    """Merge ``text`` (begun from ``base``) with the current revision, saving nothing.

    With collisions, ``text`` keeps the person's words where the two sides collide, as a save
    would propose.
    """
    current = statement.current_revision or base
    mine = canonical_text(text)
    if current.pk == base.pk:
        return MergePreview(current=current, text=mine, collisions=0)
    result = merge(base.text, current.text, mine)
    return MergePreview(current=current, text=result.text, collisions=len(result.conflicts))


# --- paragraphs, comments and amendments -----------------------------------------------------

ADVISERS = "advisers"  # in a filter by delegation: the advisory network, which has none


def paragraph_for(statement: Statement, key: str) -> Paragraph:
    """The statement's paragraph ``key``; ``Http404`` with a message if it has none."""
    paragraph = Paragraph.objects.filter(statement=statement, key=key).first()
    if paragraph is None:
        raise Http404(_("This statement has no paragraph “%(key)s”.") % {"key": key[:20]})
    return paragraph


def comment_for(statement: Statement, pk: int) -> Comment:
    """The comment ``pk`` on ``statement``; ``Http404`` if it has none such."""
    comment = Comment.objects.filter(statement=statement, pk=pk).select_related("paragraph").first()
    if comment is None:
        raise Http404(_("This statement has no such comment."))
    comment.statement = statement
    return comment


def amendment_for(statement: Statement, pk: int) -> Amendment:
    """The amendment ``pk`` to ``statement``; ``Http404`` if it has none such."""
    amendment = (
        Amendment.objects.filter(statement=statement, pk=pk)
        .select_related("paragraph", "delegation")
        .first()
    )
    if amendment is None:
        raise Http404(_("This statement has no such amendment."))
    amendment.statement = statement
    return amendment


def wording_in(revision: Revision | None, paragraph: Paragraph) -> RevisionParagraph | None:
    """The paragraph as ``revision`` has it (its place and words), if it has it."""
    if revision is None:
        return None
    return (
        RevisionParagraph.objects.filter(revision=revision, paragraph=paragraph)
        .select_related("paragraph", "revision")
        .first()
    )


@dataclass
class ThreadView:
    """A comment and its replies, read against the wording the page shows."""

    comment: Comment
    replies: list[Comment] = field(default_factory=list)
    older_wording: bool = False
    changes: tuple[Segment, ...] = ()  # from the wording it was written on to the one shown
    quote_missing: bool = False
    may_resolve: bool = False  # set by the page, which knows who is looking
    may_reopen: bool = False

    @property
    def comments(self) -> list[Comment]:
        return [self.comment, *self.replies]

    @property
    def speakers(self) -> set[str]:
        return {c.delegation.code if c.delegation else ADVISERS for c in self.comments}


@dataclass
class AmendmentView:
    amendment: Amendment
    changes: tuple[Segment, ...]  # what it does to the wording it is based on


@dataclass
class ParagraphView:
    """One paragraph of the text shown, with its open amendments and comment threads."""

    paragraph: Paragraph
    position: int
    text: str
    html: str
    threads: list[ThreadView] = field(default_factory=list)
    open_amendments: list[AmendmentView] = field(default_factory=list)
    closed_amendments: list[AmendmentView] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.paragraph.key


@dataclass
class Discussion:
    """The text shown, paragraph by paragraph, and what is said about it.

    Threads and amendments on paragraphs the shown revision no longer has are kept apart
    (``removed_threads``, ``removed_amendments``): they stay on the record.
    """

    paragraphs: list[ParagraphView]
    removed_threads: list[ThreadView]
    removed_amendments: list[AmendmentView]
    speakers: list[tuple[str, str]]  # (delegation code or ADVISERS, name) of all who commented
    thread_count: int  # before filtering
    shown_thread_count: int
    open_thread_count: int
    open_amendment_count: int

    def threads(self) -> Iterator[ThreadView]:
        for paragraph in self.paragraphs:
            yield from paragraph.threads
        yield from self.removed_threads


def thread_of(comment: Comment) -> ThreadView:
    """The thread ``comment`` is in: its first comment and the replies, oldest first."""
    first = comment.parent_id or comment.pk
    comments = list(
        Comment.objects.filter(Q(pk=first) | Q(parent_id=first))
        .select_related("author", "delegation", "resolved_by", "revision")
        .order_by("created_at", "id")
    )
    return ThreadView(comments[0], comments[1:])


def amendment_view(amendment: Amendment) -> AmendmentView:
    """The amendment with what it does to the wording it is based on, word by word."""
    if amendment.kind == Amendment.Kind.REPLACE:
        changes = word_diff(amendment.base_text, amendment.text)
    elif amendment.kind == Amendment.Kind.INSERT_AFTER:
        changes = (Segment("insert", amendment.text),)
    else:
        changes = (Segment("delete", amendment.base_text),)
    return AmendmentView(amendment, changes)


# The revisions a comment or an amendment refers to, which the page names by number.
_COMMENT_REVISIONS = ("revision",)
_AMENDMENT_REVISIONS = ("proposed_against", "base_revision", "outdated_by")


def _attach_revision_numbers(
    statement: Statement, comments: list[Comment], amendments: list[Amendment]
) -> None:
    """Give the comments and amendments the revisions they refer to (and an accepted
    amendment the revision that took it in), number only, from one query over the statement's
    revisions: five more joins to the revisions table in the two queries above cost more (the
    planner weighs every one) than reading the numbers once."""
    if not comments and not amendments:
        return
    revisions = list(statement.revisions.only("pk", "number", "statement", "amendment"))
    by_pk = {revision.pk: revision for revision in revisions}
    by_amendment = {revision.amendment_id: revision for revision in revisions}
    groups = (
        (Comment, comments, _COMMENT_REVISIONS),
        (Amendment, amendments, _AMENDMENT_REVISIONS),
    )
    for model, objects, links in groups:
        for name in links:
            link = getattr(model, name).field  # the ForeignKey behind the descriptor
            for item in objects:
                pk = getattr(item, link.attname)
                link.set_cached_value(item, None if pk is None else by_pk[pk])
    taken_in = Amendment.resulting_revision.related  # the other side of Revision.amendment
    for amendment in amendments:
        taken_in.set_cached_value(amendment, by_amendment.get(amendment.pk))


def discussion_of(
    statement: Statement, revision: Revision | None, *, status: str = "all", speaker: str = ""
) -> Discussion:
    """``revision``'s paragraphs with the statement's comment threads and amendments on each:
    three queries, however many paragraphs, comments and amendments.

    Threads can be narrowed to the ``open`` or ``resolved`` ones (``status``), and to those a
    delegation (its code, or ``ADVISERS``) took part in (``speaker``).
    """
    rows = (
        list(revision.paragraphs.select_related("paragraph").order_by("position"))
        if revision is not None
        else []
    )
    comments = list(
        Comment.objects.filter(statement=statement)
        .select_related("author", "delegation", "resolved_by", "paragraph")
        .order_by("created_at", "id")
    )
    amendments = list(
        Amendment.objects.filter(statement=statement)
        .select_related("paragraph", "delegation", "author", "decided_by")
        .order_by("created_at", "id")
    )
    _attach_revision_numbers(statement, comments, amendments)
    views = {
        row.paragraph_id: ParagraphView(
            row.paragraph, row.position, row.text, render_markdown(row.text)
        )
        for row in rows
    }
    threads: dict[int, ThreadView] = {}
    for comment in comments:
        if comment.parent_id is None:
            threads[comment.pk] = ThreadView(comment)
        elif comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    speakers: dict[str, str] = {}
    for comment in comments:
        if comment.delegation is not None:
            speakers[comment.delegation.code] = comment.delegation.shown_name
        else:
            speakers[ADVISERS] = _("Advisory network")
    plain: dict[int, str] = {}
    removed_threads: list[ThreadView] = []
    shown = 0
    for thread in threads.values():
        if (status == "open" and thread.comment.is_resolved) or (
            status == "resolved" and not thread.comment.is_resolved
        ):
            continue
        if speaker and speaker not in thread.speakers:
            continue
        shown += 1
        view = views.get(thread.comment.paragraph_id)
        if view is None:
            removed_threads.append(thread)
            continue
        if thread.comment.wording != view.text:
            thread.older_wording = True
            thread.changes = word_diff(thread.comment.wording, view.text)
        if thread.comment.quote:
            if view.paragraph.pk not in plain:
                plain[view.paragraph.pk] = plain_text(view.text)
            thread.quote_missing = thread.comment.quote not in plain[view.paragraph.pk]
        view.threads.append(thread)
    removed_amendments: list[AmendmentView] = []
    for amendment in amendments:
        view = views.get(amendment.paragraph_id)
        if view is None:
            removed_amendments.append(amendment_view(amendment))
        elif amendment.is_open:
            view.open_amendments.append(amendment_view(amendment))
        else:
            view.closed_amendments.append(amendment_view(amendment))
    return Discussion(
        paragraphs=list(views.values()),
        removed_threads=removed_threads,
        removed_amendments=removed_amendments,
        speakers=sorted(
            speakers.items(), key=lambda item: (item[0] == ADVISERS, item[1].casefold())
        ),
        thread_count=len(threads),
        shown_thread_count=shown,
        open_thread_count=sum(1 for t in threads.values() if not t.comment.is_resolved),
        open_amendment_count=sum(1 for a in amendments if a.is_open),
    )


def threads_of(statement: Statement) -> list[Comment]:
    """The statement's comment threads, oldest first, each with ``thread_replies`` (oldest
    first): two queries, however many comments."""
    people = ("author", "delegation", "resolved_by", "paragraph", "revision")
    replies = Comment.objects.select_related(*people).order_by("created_at", "id")
    return list(
        Comment.objects.filter(statement=statement, parent__isnull=True)
        .select_related(*people)
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="thread_replies"))
        .order_by("created_at", "id")
    )


def amendments_of(statement: Statement) -> list[Amendment]:
    """The statement's amendments, oldest first, with who proposed and decided them and the
    revisions they refer to: one query, however many amendments."""
    return list(
        Amendment.objects.filter(statement=statement)
        .select_related(
            "paragraph",
            "delegation",
            "author",
            "decided_by",
            "proposed_against",
            "base_revision",
            "outdated_by",
            "resulting_revision",
        )
        .order_by("created_at", "id")
    )


def merge_comparison(revision: Revision) -> str | None:
    """For a merged save: the comparison of the newer text it was merged into (its parent)
    with the result, where two people's changes to the same sentence meet."""
    if not revision.is_merge or revision.parent is None:
        return None
    compare = reverse("drafts:compare", args=[revision.statement_id])
    return f"{compare}?from={revision.parent.number}&to={revision.number}"
