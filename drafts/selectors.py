"""Reads of statements and revisions."""

from __future__ import annotations

from django.db.models import QuerySet

from drafts.models import Revision, Statement


def statements_with_details() -> QuerySet[Statement]:
    """Statements with what a list or page shows of each, fetched in a fixed number of queries."""
    return Statement.objects.select_related(
        "body",
        "current_revision",
        "current_revision__author",
        "current_revision__delegation",
        "frozen_revision",
    ).prefetch_related("pen_holders")


def revisions_of(statement: Statement) -> QuerySet[Revision]:
    return statement.revisions.select_related("author", "delegation").order_by("number")
