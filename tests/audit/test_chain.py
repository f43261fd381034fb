"""The audit record is a hash chain: each entry seals the one before it.

An edited entry, a deleted one, or one rehashed to hide an edit: ``verify_audit`` names the
first entry where the chain breaks, and says what is wrong there.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from audit import chain
from audit.actions import record
from audit.models import AuditEntry, ChainVerification
from audit.verify import verify_chain
from delegations.models import Delegation, User
from tests.audit.helpers import tamper
from tests.conftest import delegation

pytestmark = pytest.mark.django_db


def appended(actor: User | None, count: int) -> list[AuditEntry]:
    """``count`` entries about Canada, as actions write them."""
    canada = delegation("CA")
    return [
        record(
            actor,
            "delegations.update_delegation",
            canada,
            before={"name": f"Canada {n}"},
            after={"name": f"Canada {n + 1}", "members": ["é", n]},
            delegation="Canada",
            note=f"change {n}",
        )
        for n in range(count)
    ]


def test_entries_are_numbered_and_each_carries_the_hash_of_the_one_before(
    pen_delegate: User,
) -> None:
    already = AuditEntry.objects.count()  # adding the delegate was recorded too
    first, second, third = appended(pen_delegate, 3)
    start = already + 1
    assert [first.sequence, second.sequence, third.sequence] == [start, start + 1, start + 2]
    assert first.previous_hash == AuditEntry.objects.get(sequence=already).entry_hash
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    assert len({first.entry_hash, second.entry_hash, third.entry_hash}) == 3
    report = verify_chain()
    assert report.intact
    assert report.entries == already + 3
    assert report.last_hash == third.entry_hash


def test_an_entry_hash_can_be_recomputed_from_the_row_without_accord(pen_delegate: User) -> None:
    """What an outside auditor does: read the row, build the canonical JSON, hash it."""
    (entry,) = appended(pen_delegate, 1)
    row = AuditEntry.objects.select_related("target_type").get(pk=entry.pk)
    content = {
        "action": row.action,
        "actor": str(row.actor_id),
        "actor_delegation": row.actor_delegation,
        "actor_name": row.actor_name,
        "after": row.after,
        "before": row.before,
        "created_at": row.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "note": row.note,
        "previous_hash": row.previous_hash,
        "sequence": row.sequence,
        "target_id": row.target_id,
        "target_repr": row.target_repr,
        "target_type": "delegations.delegation",
    }
    serialised = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(serialised.encode("utf-8")).hexdigest() == row.entry_hash


def test_the_canonical_form_of_a_known_entry_is_stable() -> None:
    """The documented example, written out byte for byte: a change to the canonical form
    (and so to every hash already in the record) cannot pass unnoticed."""
    written_out = (
        '{"action":"drafts.comment","actor":"7","actor_delegation":"Canada","actor_name":"Ana",'
        '"after":{"a":"é","b":1},"before":{},"created_at":"2026-01-02T03:04:05.000006Z",'
        '"note":"","previous_hash":"' + "0" * 64 + '","sequence":1,"target_id":"12",'
        '"target_repr":"Title","target_type":"drafts.statement"}'
    )
    fields: dict[str, Any] = {
        "sequence": 1,
        "previous_hash": "0" * 64,
        "created_at": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        "actor_id": 7,
        "actor_name": "Ana",
        "actor_delegation": "Canada",
        "action": "drafts.comment",
        "target_type": "drafts.statement",
        "target_id": "12",
        "target_repr": "Title",
        "before": {},
        "after": {"b": 1, "a": "é"},
        "note": "",
    }
    assert chain.canonical_bytes(**fields) == written_out.encode("utf-8")
    expected = hashlib.sha256(written_out.encode("utf-8")).hexdigest()
    assert chain.entry_hash(**fields) == expected
    # as `printf %s "<the line above>" | sha256sum` prints it
    assert expected == "927107eaa511d74c45917f2b30a44a09f9d8dc32abfc3383d8f486863339e9e2"


def test_the_first_entry_follows_sixty_four_zeros_and_the_system_is_no_actor() -> None:
    entry = record(None, "delegations.update_delegation", delegation("KE"))
    assert (entry.sequence, entry.previous_hash) == (1, "0" * 64)
    assert (entry.actor_id, entry.actor_name) == (None, "system")
    assert verify_chain().intact


def test_an_entry_edited_by_hand_is_reported(pen_delegate: User) -> None:
    entries = appended(pen_delegate, 4)
    tamper("UPDATE audit_auditentry SET note = %s WHERE id = %s", ["nothing", entries[1].pk])

    edited = entries[1]
    report = verify_chain()
    assert not report.intact
    assert report.broken_at == edited.sequence
    assert report.broken_id == edited.pk
    assert report.entries == edited.sequence - 1  # the part before the break still holds
    with pytest.raises(CommandError) as refused:
        call_command("verify_audit")
    assert str(refused.value).startswith(f"Broken at entry #{edited.sequence} (id {edited.pk}): ")
    assert "edited" in str(refused.value)


def test_an_edit_to_what_changed_is_reported(pen_delegate: User) -> None:
    entries = appended(pen_delegate, 3)
    tamper(
        "UPDATE audit_auditentry SET after = %s WHERE id = %s",
        ['{"name": "Canada 9", "members": ["é", 2]}', entries[2].pk],
    )
    assert verify_chain().broken_at == entries[2].sequence


def test_an_edit_hidden_by_rehashing_the_entry_breaks_the_next_link(pen_delegate: User) -> None:
    entries = appended(pen_delegate, 3)
    forged = AuditEntry.objects.select_related("target_type").get(pk=entries[1].pk)
    forged_hash = chain.entry_hash(
        sequence=forged.sequence,
        previous_hash=forged.previous_hash,
        created_at=forged.created_at,
        actor_id=forged.actor_id,
        actor_name="Someone else",
        actor_delegation=forged.actor_delegation,
        action=forged.action,
        target_type="delegations.delegation",
        target_id=forged.target_id,
        target_repr=forged.target_repr,
        before=forged.before,
        after=forged.after,
        note=forged.note,
    )
    tamper(
        "UPDATE audit_auditentry SET actor_name = %s, entry_hash = %s WHERE id = %s",
        ["Someone else", forged_hash, forged.pk],
    )
    report = verify_chain()
    assert (report.broken_at, report.broken_id) == (entries[2].sequence, entries[2].pk)
    assert "previous_hash" in report.problem


def test_a_deleted_entry_is_reported_as_a_gap(pen_delegate: User) -> None:
    entries = appended(pen_delegate, 5)
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].pk])

    gap = entries[2].sequence
    report = verify_chain()
    assert report.broken_at == gap
    assert report.broken_id is None
    assert f"entry #{gap} is missing" in report.problem
    with pytest.raises(CommandError, match=rf"^Broken at entry #{gap} \(id none\): entry #{gap} "):
        call_command("verify_audit")


def test_deleting_the_first_entries_is_reported() -> None:
    entries = appended(None, 4)
    tamper("DELETE FROM audit_auditentry WHERE id IN (%s, %s)", [entries[0].pk, entries[1].pk])
    report = verify_chain()
    assert report.broken_at == 1
    assert "entries #1 to #2 are missing" in report.problem


def test_verify_audit_reports_an_intact_chain_and_keeps_the_outcome(
    pen_delegate: User, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = appended(pen_delegate, 3)
    last = entries[-1]
    call_command("verify_audit")
    assert capsys.readouterr().out.strip() == (
        f"Audit chain intact: {last.sequence} entries, last hash {last.entry_hash}"
    )
    kept = ChainVerification.objects.get()
    assert (kept.intact, kept.entries, kept.last_hash) == (True, last.sequence, last.entry_hash)
    assert kept.checked_by == "manage.py verify_audit"


def test_verify_audit_keeps_a_broken_outcome_too(pen_delegate: User) -> None:
    entries = appended(pen_delegate, 3)
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit")
    kept = ChainVerification.objects.get()
    assert (kept.intact, kept.broken_at) == (False, entries[1].sequence)
    assert "missing" in kept.problem


def test_an_empty_record_is_intact(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("verify_audit", "--no-store")
    assert capsys.readouterr().out.strip() == f"Audit chain intact: 0 entries, last hash {'0' * 64}"
    assert not ChainVerification.objects.exists()


def test_two_entries_cannot_take_the_same_place_in_the_chain(pen_delegate: User) -> None:
    """Even if the lock were bypassed, a fork is refused by the database."""
    (entry,) = appended(pen_delegate, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.create(
            created_at=entry.created_at,
            actor_name="Fork",
            action="delegations.update_delegation",
            target_type=ContentType.objects.get_for_model(Delegation),
            target_id=entry.target_id,
            target_repr=entry.target_repr,
            sequence=entry.sequence,
            previous_hash=entry.previous_hash,
            entry_hash="f" * 64,
        )


def test_json_that_reads_back_differently_is_hashed_as_stored(pen_delegate: User) -> None:
    """A tuple is stored as a list, an integer key as a string: the hash is of what is kept."""
    after: dict[Any, Any] = {1: ("a", "b")}
    entry = record(pen_delegate, "delegations.set_chairs", delegation("CA"), after=after)
    assert AuditEntry.objects.get(pk=entry.pk).after == {"1": ["a", "b"]}
    assert verify_chain().intact


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_record_outside_a_transaction_opens_its_own() -> None:
    first = record(None, "delegations.update_delegation", delegation("CA"))
    second = record(None, "delegations.update_delegation", delegation("KE"))
    assert (first.sequence, second.sequence) == (1, 2)
    assert verify_chain().intact
