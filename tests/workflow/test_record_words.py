"""What the record and the comparisons say is in the reader's language: the notes Accord
writes on the record (in English, never rewritten) are worded at display."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from drafts.models import Statement
from tests.conftest import StatementMaker, client_for

pytestmark = pytest.mark.django_db


def in_language(person: Any, language: str, address: str) -> str:
    person.language = language
    person.save(update_fields=["language"])
    return client_for(person).get(address).content.decode()


def test_the_record_of_a_published_statement_reads_in_french(
    make_statement: StatementMaker, chair: Any
) -> None:
    statement = make_statement(Statement.State.PUBLISHED)
    frozen = statement.instrument_revision
    assert frozen is not None
    page = in_language(chair, "fr", reverse("workflow:record", args=[statement.pk]))
    assert f"Révision {frozen.number} figée, empreinte {frozen.content_hash}" in page
    assert "1 signataire" in page
    assert "frozen, hash" not in page and "signatories" not in page


def test_an_english_note_counts_in_the_singular() -> None:
    from audit.models import AuditEntry
    from workflow.templatetags.workflow_tags import note

    assert note(AuditEntry(note="1 signatories")) == "1 signatory"
    assert note(AuditEntry(note="3 signature(s) made void")) == "3 signatures made void"
    assert note(AuditEntry(note="France: typed by a person")) == "France: typed by a person"


def test_comparisons_tell_screen_readers_in_the_readers_language(
    make_statement: StatementMaker, pen_delegate: Any
) -> None:
    from drafts import actions
    from tests.conftest import TEXT

    statement = make_statement()
    base = statement.current_revision
    assert base is not None
    actions.save_revision(
        pen_delegate, statement, text=TEXT.replace("refrain", "abstain"), base=base
    )
    address = reverse("drafts:compare", args=[statement.pk]) + "?from=1&to=2"
    page = in_language(pen_delegate, "es", address)
    assert "[insertado: </span>" in page and "[eliminado: </span>" in page
    assert "[inserted:" not in page
