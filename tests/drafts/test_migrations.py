"""Data migrations, run on a database put back to the schema they ran on: outdated amendments'
English sentences turned into codes (forwards and backwards), and the signed instrument given
to the statements and signatures of before."""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from delegations.models import User
from drafts import actions
from drafts.models import Amendment, RevisionParagraph
from tests.conftest import TEXT, StatementMaker
from workflow.models import Signature

# Schema changes need a database outside a test transaction; the seeded delegations come back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_REMOVAL = ("drafts", "0008_outdated_reasons_as_codes")
CALL = "2. *Call upon* all states to refrain from shutting down access to the internet."


@pytest.fixture
def schema_before_removal() -> Iterator[Callable[[], Apps]]:
    """Puts the database back to the schema from before ``outdated_reason`` was removed and
    gives the models of then; the latest schema comes back afterwards."""

    def back() -> Apps:
        MigrationExecutor(connection).migrate([BEFORE_REMOVAL])
        return MigrationExecutor(connection).loader.project_state([BEFORE_REMOVAL]).apps

    yield back
    # Every app's latest migration: going back also undid what depends on drafts since.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


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


BEFORE_INSTRUMENT = [
    ("drafts", "0009_remove_amendment_outdated_reason"),
    ("workflow", "0004_signature_removal"),
]


def test_statements_and_signatures_of_before_get_their_signed_instrument(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User, other_signatory: User
) -> None:
    """A statement in sign-on from before instruments gets one of its frozen revision, hashed
    as drafts.instrument defines; each signature is bound to the instrument of the revision it
    signed, a void one of an earlier round to an instrument of its own."""
    statement = make_statement("consultation")
    statement.refresh_from_db()
    first = statement.current_revision
    assert first is not None
    second = actions.save_revision(pen_delegate, statement, text=TEXT + "\nMore.\n", base=first)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_INSTRUMENT)
    apps = MigrationExecutor(connection).loader.project_state(BEFORE_INSTRUMENT).apps
    try:
        old_statement: Any = apps.get_model("drafts", "Statement")
        old_signature: Any = apps.get_model("workflow", "Signature")
        old_statement.objects.filter(pk=statement.pk).update(
            state="sign_on", frozen_revision_id=second.pk
        )
        now = timezone.now()
        for signer, revision, status in (
            (pen_signatory, first, "void"),
            (other_signatory, second, "signed"),
        ):
            old_signature.objects.create(
                statement_id=statement.pk,
                delegation_id=signer.delegation_id,
                revision_id=revision.pk,
                content_hash=revision.content_hash,
                status=status,
                given_by_id=signer.pk,
                given_at=now,
                changed_at=now,
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    statement.refresh_from_db()
    instrument = statement.instrument
    assert instrument is not None and instrument.revision == second
    line = f"accord-instrument/1\noriginal\t{second.content_hash}\n"
    assert instrument.content_hash == hashlib.sha256(line.encode()).hexdigest()
    signed = Signature.objects.get(statement=statement, status="signed")
    void = Signature.objects.get(statement=statement, status="void")
    assert signed.instrument == instrument
    assert void.instrument != instrument and void.instrument.revision == first
    assert void.content_hash == first.content_hash
