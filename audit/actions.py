"""``record()``: the one way to append to the audit record; and storing a check of its chain."""

import time
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from audit import chain, kinds
from audit.models import AuditEntry, ChainVerification
from audit.verify import ChainReport, verify_record

# The key of the PostgreSQL advisory lock that queues appends to the chain ("audi" in ASCII).
CHAIN_LOCK = 0x61756469


def _lock_chain() -> None:
    """Hold the chain's append lock until the surrounding transaction ends.

    On PostgreSQL a transaction-scoped advisory lock: two appends cannot both read the same
    last entry. On SQLite nothing to do: Accord opens every transaction IMMEDIATE, which takes
    the database's single write lock at its start, so writers already follow one another.
    Either way the unique ``sequence`` refuses a fork should the lock ever be bypassed.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def record(
    actor: Any,
    action: str,
    target: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    delegation: str = "",
    note: str = "",
) -> AuditEntry:
    """Append an entry: ``actor`` did ``action`` (e.g. ``workflow.open_sign_on``) to ``target``.

    ``delegation`` names the delegation the actor acted for, if any. Call it inside the
    action's transaction, so a rolled-back action leaves no entry; called outside one, it
    opens its own. The entry is chained to the last one under the chain's lock, which is held
    until the transaction ends.
    """
    if kinds.find(action) is None:
        raise ValueError(f"No app declares the audit action {action!r} (audit.kinds)")
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    target_type = ContentType.objects.get_for_model(target)
    entry = AuditEntry(
        actor=actor if is_person else None,
        actor_name=str(actor) if is_person else "system",
        actor_delegation=delegation,
        action=action,
        target_type=target_type,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        # Stored and hashed exactly as they will read back from the JSON column.
        before=chain.canonical_json(before or {}),
        after=chain.canonical_json(after or {}),
        note=note,
    )
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash")
        sequence, previous_hash = last.first() or (0, chain.GENESIS_HASH)
        # Taken under the lock, so times follow the chain's order.
        entry.created_at = timezone.now()
        entry.sequence = sequence + 1
        entry.previous_hash = previous_hash
        entry.entry_hash = chain.entry_hash(
            sequence=entry.sequence,
            previous_hash=previous_hash,
            created_at=entry.created_at,
            actor_id=entry.actor_id,
            actor_name=entry.actor_name,
            actor_delegation=entry.actor_delegation,
            action=entry.action,
            target_type=f"{target_type.app_label}.{target_type.model}",
            target_id=entry.target_id,
            target_repr=entry.target_repr,
            before=entry.before,
            after=entry.after,
            note=entry.note,
        )
        entry.save(force_insert=True)
    return entry


def check_chain(checked_by: str) -> ChainReport:
    """Verify the whole chain now, keep the outcome for the audit page, and return it.

    ``checked_by`` names who asked (a person, or the command). Reads the chain outside any
    lock: entries appended meanwhile are simply not part of this check.
    """
    started = time.perf_counter()
    report = verify_record()
    ChainVerification.objects.create(
        checked_at=timezone.now(),
        checked_by=checked_by[:160],
        intact=report.intact,
        entries=report.entries,
        last_hash=report.last_hash,
        broken_at=report.broken_at,
        problem=report.problem,
        seconds=time.perf_counter() - started,
    )
    return report
