"""The migrations that turned outdated amendments' English sentences into codes, run on a
database put back to the schema they ran on, forwards and backwards."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from delegations.models import User
from drafts import actions
from drafts.models import Amendment, RevisionParagraph
from tests.conftest import TEXT, StatementMaker

# Schema changes need a database outside a test transaction; the seeded delegations come back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_REMOVAL = ("drafts", "0008_outdated_reasons_as_codes")
LATEST = ("drafts", "0009_remove_amendment_outdated_reason")
CALL = "2. *Call upon* all states to refrain from shutting down access to the internet."


@pytest.fixture
def schema_before_removal() -> Iterator[Callable[[], Apps]]:
    """Puts the database back to the schema from before ``outdated_reason`` was removed and
    gives the models of then; the latest schema comes back afterwards."""

    def back() -> Apps:
        MigrationExecutor(connection).migrate([BEFORE_REMOVAL])
        return MigrationExecutor(connection).loader.project_state([BEFORE_REMOVAL]).apps

    yield back
    MigrationExecutor(connection).migrate([LATEST])


def test_outdated_sentences_become_codes_and_come_back(
    make_statement: StatementMaker,
    pen_delegate: User,
    other_signatory: User,
    schema_before_removal: Callable[[], Apps],
) -> None:
    statement = make_statement("consultation")
    statement.refresh_from_db()
    revision = statement.current_revision
    assert revision is not None

    def propose(position: int, kind: str, text: str) -> Amendment:
        return actions.propose_amendment(
            other_signatory,
            statement,
            paragraph=RevisionParagraph.objects.get(revision=revision, position=position).paragraph,
            kind=kind,
            text=text,
            justification="Clearer.",
        )

    clash = propose(4, Amendment.Kind.REPLACE, CALL.replace("refrain from", "cease"))
    deletion = propose(4, Amendment.Kind.DELETE, "")
    on_gone = propose(2, Amendment.Kind.REPLACE, "The member states of the coalition,")
    edited = TEXT.replace("refrain from", "refrain at all times from").replace(
        "The members of the coalition,\n\n", ""
    )
    actions.save_revision(pen_delegate, statement, text=edited, base=revision)
    assert set(Amendment.objects.values_list("status", flat=True)) == {"outdated"}

    apps = schema_before_removal()
    old: Any = apps.get_model("drafts", "Amendment")  # with outdated_reason, unlike today's
    sentences = {
        clash.pk: "Revision 2 changed the same words of the paragraph as this amendment.",
        deletion.pk: "Revision 2 edited the paragraph this amendment would delete.",
        on_gone.pk: "Revision 2 deleted the paragraph.",
    }
    # As the actions left them before codes: the sentence, and no code.
    for pk, sentence in sentences.items():
        old.objects.filter(pk=pk).update(outdated_reason=sentence, outdated_because="")

    migration = importlib.import_module("drafts.migrations.0008_outdated_reasons_as_codes")
    migration.sentences_to_codes(apps, None)
    codes = dict(old.objects.values_list("pk", "outdated_because"))
    assert codes == {clash.pk: "collides", deletion.pk: "edited", on_gone.pk: "deleted"}

    old.objects.update(outdated_reason="")
    migration.codes_to_sentences(apps, None)
    assert dict(old.objects.values_list("pk", "outdated_reason")) == sentences
