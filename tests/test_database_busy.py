"""A database too busy to take a write answers 503 with Retry-After (a page, or the API's
``{"code": "busy"}``), never a 500, and nothing of the refused write is saved."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from audit.models import AuditEntry
from drafts import actions as drafts_actions
from drafts.models import Comment, RevisionParagraph, Statement
from tests.api.conftest import api_client_for
from tests.conftest import StatementMaker, client_for


def first_paragraph(statement: Statement) -> str:
    row = RevisionParagraph.objects.filter(revision=statement.current_revision).first()
    assert row is not None
    return str(row.paragraph.key)


def written(statement: Statement) -> tuple[int, int]:
    return Comment.objects.filter(statement=statement).count(), AuditEntry.objects.count()


@pytest.mark.django_db
def test_a_locked_database_gives_the_page_and_the_api_a_503_to_retry(
    make_statement: StatementMaker, pen_delegate: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = make_statement("consultation")
    key = first_paragraph(statement)

    def locked(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(drafts_actions, "comment_on_paragraph", locked)
    page = client_for(pen_delegate).post(
        reverse("drafts:comment", args=[statement.pk, key]), {"body": "Agreed."}
    )
    assert page.status_code == 503
    assert page["Retry-After"] == "10"
    assert b"send it again" in page.content
    api = api_client_for(pen_delegate).post(
        f"/api/statements/{statement.pk}/comments/",
        {"paragraph": key, "body": "Agreed."},
        format="json",
    )
    assert api.status_code == 503
    assert api["Retry-After"] == "10"
    assert api["Content-Type"] == "application/json"
    assert api.json()["code"] == "busy" and api.json()["detail"]


@pytest.mark.django_db
def test_other_database_errors_are_not_disguised_as_busy(
    make_statement: StatementMaker, pen_delegate: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = make_statement("consultation")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("no such table: drafts_comment")

    monkeypatch.setattr(drafts_actions, "comment_on_paragraph", broken)
    with pytest.raises(OperationalError):
        client_for(pen_delegate).post(
            reverse("drafts:comment", args=[statement.pk, first_paragraph(statement)]),
            {"body": "Agreed."},
        )


@pytest.fixture
def short_wait() -> Iterator[None]:
    """Give up waiting for SQLite's write lock after 50 ms instead of 20 s."""
    options = connection.settings_dict["OPTIONS"]
    before = options.get("timeout")
    connection.close()
    options["timeout"] = 0.05
    yield
    connection.close()
    options["timeout"] = before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite locks the whole database")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_while_another_connection_holds_the_lock_is_a_503_and_saves_nothing(
    make_statement: StatementMaker, pen_delegate: Any, short_wait: None
) -> None:
    statement = make_statement("consultation")
    key = first_paragraph(statement)
    page_client, api_client = client_for(pen_delegate), api_client_for(pen_delegate)
    before = written(statement)
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process writing, holding the write lock
        page = page_client.post(
            reverse("drafts:comment", args=[statement.pk, key]), {"body": "Agreed."}
        )
        api = api_client.post(
            f"/api/statements/{statement.pk}/comments/",
            {"paragraph": key, "body": "Agreed."},
            format="json",
        )
        # Reading goes on meanwhile (WAL): the statement page still opens.
        reading = page_client.get(reverse("workflow:statement", args=[statement.pk]))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert page.status_code == 503 and page["Retry-After"]
    assert api.status_code == 503 and api.json()["code"] == "busy"
    assert reading.status_code == 200
    assert written(statement) == before
    # Once the lock is released, the same comment goes through.
    again = page_client.post(
        reverse("drafts:comment", args=[statement.pk, key]), {"body": "Agreed."}
    )
    assert again.status_code == 302
    assert written(statement)[0] == before[0] + 1
