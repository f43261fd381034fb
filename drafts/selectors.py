"""Reads of statements and revisions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from guardian.core import ObjectPermissionChecker

from drafts.merge import merge
from drafts.models import Revision, Statement
from drafts.permissions import can_view
from drafts.text import canonical_text


def statements_with_details() -> QuerySet[Statement]:
    """Statements with what a list or page shows of each, fetched in a fixed number of queries."""
    return Statement.objects.select_related(
        "body",
        "current_revision",
        "current_revision__author",
        "current_revision__delegation",
        "frozen_revision",
    ).prefetch_related("pen_holders")


def statement_for(user: Any, pk: int, checker: ObjectPermissionChecker | None = None) -> Statement:
    """The statement ``pk`` if ``user`` may see it; else ``Http404``, as if it did not exist."""
    statement = statements_with_details().filter(pk=pk).first()
    if statement is None or not can_view(user, statement, checker):
        raise Http404("No such statement.")
    return statement


def revisions_of(statement: Statement) -> QuerySet[Revision]:
    return statement.revisions.select_related("author", "delegation").order_by("number")


def revision_history(statement: Statement) -> list[Revision]:
    """Every revision of the statement, newest first, with its author, delegation, the
    revision it was begun from and its co-authors: three queries, however many revisions."""
    co_authors = get_user_model().objects.select_related("delegation").order_by("full_name")
    return list(
        statement.revisions.select_related("author", "delegation", "started_from", "parent")
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
