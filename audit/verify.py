"""Checking the audit record's hash chain from the first entry to the last.

Used by ``manage.py verify_audit`` and the coordinators' audit page. The check streams the
entries in ``sequence`` order, a chunk at a time and only the columns the hash covers, so its
memory stays flat however long the record grows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from audit.chain import GENESIS_HASH, entry_hash
from audit.models import AuditEntry, ChainVerification

CHUNK = 2000

COLUMNS = (
    "id",
    "sequence",
    "previous_hash",
    "entry_hash",
    "created_at",
    "actor_id",
    "actor_name",
    "actor_delegation",
    "action",
    "target_type_id",
    "target_id",
    "target_repr",
    "before",
    "after",
    "note",
)


@dataclass(frozen=True)
class ChainReport:
    """What a check found: either an intact chain of ``entries``, or the first broken link.

    ``broken_at`` is the sequence number where the chain first breaks, ``broken_id`` the id of
    the row found there (``None`` when that entry is missing altogether) and ``problem`` says
    what is wrong, in words. ``truncated_after`` is set when entries were deleted from the end
    of the chain (which its links alone cannot show): the last entry known to be still there.
    """

    entries: int
    last_hash: str
    broken_at: int | None = None
    broken_id: int | None = None
    problem: str = ""
    truncated_after: int | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None

    def __str__(self) -> str:
        if self.intact:
            return f"Audit chain intact: {self.entries} entries, last hash {self.last_hash}"
        if self.truncated_after is not None:
            return f"Truncated after #{self.truncated_after}: {self.problem}"
        row = "none" if self.broken_id is None else self.broken_id
        return f"Broken at entry #{self.broken_at} (id {row}): {self.problem}"


def verify_chain(*, chunk_size: int = CHUNK) -> ChainReport:
    """Recompute every entry's hash and check every link; report the first break, if any.

    Finds an edited entry (its content no longer matches its hash), a deleted one (a gap in
    the sequence), an inserted or rehashed one (its predecessor's hash no longer matches).
    """
    models = {
        pk: f"{app_label}.{model}"
        for pk, app_label, model in ContentType.objects.values_list("pk", "app_label", "model")
    }
    rows = AuditEntry.objects.order_by("sequence").values_list(*COLUMNS)
    expected = 1
    previous = GENESIS_HASH
    for (
        pk,
        sequence,
        previous_hash,
        stored_hash,
        created_at,
        actor_id,
        actor_name,
        actor_delegation,
        action,
        target_type_id,
        target_id,
        target_repr,
        before,
        after,
        note,
    ) in rows.iterator(chunk_size=chunk_size):
        if sequence != expected:
            missing = (
                f"entry #{expected} is missing"
                if sequence == expected + 1
                else f"entries #{expected} to #{sequence - 1} are missing"
            )
            return ChainReport(
                expected - 1, previous, expected, None, f"{missing} (deleted); next is #{sequence}"
            )
        if previous_hash != previous:
            return ChainReport(
                expected - 1,
                previous,
                sequence,
                pk,
                "its previous_hash does not match the hash of the entry before it"
                " (an entry before it was replaced or rehashed)",
            )
        recomputed = entry_hash(
            sequence=sequence,
            previous_hash=previous_hash,
            created_at=created_at,
            actor_id=actor_id,
            actor_name=actor_name,
            actor_delegation=actor_delegation,
            action=action,
            target_type=models.get(target_type_id, f"unknown.{target_type_id}"),
            target_id=target_id,
            target_repr=target_repr,
            before=before,
            after=after,
            note=note,
        )
        if recomputed != stored_hash:
            return ChainReport(
                expected - 1,
                previous,
                sequence,
                pk,
                "its content does not match its stored hash (the entry was edited)",
            )
        previous = stored_hash
        expected += 1
    return ChainReport(expected - 1, previous)


def verify_record(*, chunk_size: int = CHUNK) -> ChainReport:
    """``verify_chain``, and whether the chain still reaches as far as earlier checks saw.

    The links cannot show entries deleted from the end: what is left is a shorter chain, intact.
    Every intact check stored its length and last hash, so the chain must still be at least that
    long, with that hash at that place. If not, the report says after which entry it was cut:
    exactly when the chain simply ends too soon; when the end was cut and new entries appended
    since, after the highest earlier check whose entry is still there.
    """
    report = verify_chain(chunk_size=chunk_size)
    if not report.intact:
        return report
    checked = ChainVerification.objects.filter(intact=True, entries__gt=0)
    last = checked.order_by("-entries", "-checked_at", "-id").first()
    if last is None:
        return report
    when = f"{last.checked_at:%Y-%m-%d %H:%M} UTC"
    if report.entries < last.entries:
        return _truncated(
            report,
            report.entries,
            f"the record ends at entry #{report.entries}, but a check on {when} found "
            f"{last.entries} entries: entries #{report.entries + 1} to #{last.entries} were "
            "deleted from its end",
        )
    found = dict(
        AuditEntry.objects.filter(
            sequence__in=checked.values_list("entries", flat=True)
        ).values_list("sequence", "entry_hash")
    )
    if found.get(last.entries) == last.last_hash:
        return report
    still_there = [
        entries
        for entries, last_hash in checked.values_list("entries", "last_hash")
        if found.get(entries) == last_hash
    ]
    kept = max(still_there, default=0)
    return _truncated(
        report,
        kept,
        f"entry #{last.entries} is not the one a check on {when} found there: entries after "
        f"#{kept} were deleted and others written in their place",
    )


def _truncated(report: ChainReport, kept: int, problem: str) -> ChainReport:
    return ChainReport(
        report.entries,
        report.last_hash,
        broken_at=kept + 1,
        problem=problem,
        truncated_after=kept,
    )
