"""The hash chain that makes the audit record tamper-evident.

Every entry carries its position in the chain (``sequence``: 1, 2, 3… with no gaps), the hash of
the entry before it (``previous_hash``; sixty-four ``0`` for the first) and its own hash
(``entry_hash``). Changing, inserting or deleting any entry by hand breaks a link that
``manage.py verify_audit`` reports.

The canonical form, so that anyone can recompute a hash without this code
-------------------------------------------------------------------------

``entry_hash`` is the lowercase hexadecimal SHA-256 of the UTF-8 bytes of one JSON object with
exactly these thirteen keys::

    action            the action code, e.g. "workflow.open_sign_on"            (string)
    actor             the acting person's id as a decimal string, or null for the system
    actor_delegation  the delegation the person acted for, "" if none          (string)
    actor_name        how the person was named at the time, or "system"        (string)
    after             the stored "after" object                                (object)
    before            the stored "before" object                               (object)
    created_at        UTC time as YYYY-MM-DDTHH:MM:SS.ffffffZ, always six digits of microseconds
    note              the note, "" if none                                     (string)
    previous_hash     the previous entry's entry_hash (64 lowercase hex digits)
    sequence          the entry's position, 1 for the first                    (integer)
    target_id         the target's id as a string                              (string)
    target_repr       how the target was named at the time                     (string)
    target_type       the target's model as "app_label.model", e.g. "drafts.statement"

serialised as JSON with keys sorted at every level (``before`` and ``after`` included), no
whitespace between tokens (separators ``,`` and ``:``), non-ASCII characters written as
themselves rather than ``\\u`` escapes, and the default JSON escaping otherwise (Python's
``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``). The database
id of the row is not part of it: ``sequence`` is the entry's place in the record.

Example: the entry with sequence 1, previous hash "0"*64, created at 2026-01-02 03:04:05.000006
UTC, actor 7 "Ana" for "Canada", action "drafts.comment" on drafts.statement 12 "Title", before
{}, after {"b": 1, "a": "é"} and no note is hashed from the bytes of::

    {"action":"drafts.comment","actor":"7","actor_delegation":"Canada","actor_name":"Ana",
    "after":{"a":"é","b":1},"before":{},"created_at":"2026-01-02T03:04:05.000006Z","note":"",
    "previous_hash":"000…000","sequence":1,"target_id":"12","target_repr":"Title",
    "target_type":"drafts.statement"}

(one line, no line breaks; "000…000" stands for the sixty-four zeros), whose SHA-256 is
927107eaa511d74c45917f2b30a44a09f9d8dc32abfc3383d8f486863339e9e2.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_time(moment: datetime) -> str:
    """``moment`` in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def canonical_json(value: Any) -> Any:
    """``value`` as it reads back from a JSON column: tuples become lists, keys strings."""
    return json.loads(json.dumps(value))


def canonical_bytes(
    *,
    sequence: int,
    previous_hash: str,
    created_at: datetime,
    actor_id: int | str | None,
    actor_name: str,
    actor_delegation: str,
    action: str,
    target_type: str,
    target_id: str,
    target_repr: str,
    before: dict[str, Any],
    after: dict[str, Any],
    note: str,
) -> bytes:
    """The bytes whose SHA-256 is the entry's hash (the canonical form described above)."""
    content = {
        "action": action,
        "actor": None if actor_id is None else str(actor_id),
        "actor_delegation": actor_delegation,
        "actor_name": actor_name,
        "after": after,
        "before": before,
        "created_at": canonical_time(created_at),
        "note": note,
        "previous_hash": previous_hash,
        "sequence": sequence,
        "target_id": str(target_id),
        "target_repr": target_repr,
        "target_type": target_type,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def entry_hash(**fields: Any) -> str:
    """The hex SHA-256 of ``canonical_bytes(**fields)``."""
    return hashlib.sha256(canonical_bytes(**fields)).hexdigest()
