"""Who may read the whole audit record: those given ``audit.view_auditentry`` (the
coordination unit's group has it). Everyone else reads a statement's record through the
statement's own predicates, in ``workflow``."""

from __future__ import annotations

from typing import Any

READ_RECORD = "audit.view_auditentry"


def can_read_record(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm(READ_RECORD))
