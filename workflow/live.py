"""Live updates of a statement's page: the workflow's part of every frame (how many
delegations have signed), registered with ``drafts.live``, which builds and sends the one
frame every app announces with."""

from __future__ import annotations

from typing import Any

from drafts.live import announce
from notifications.live import statement_group
from workflow import policy

__all__ = ["announce", "signed_part", "statement_group"]


def signed_part(statement_id: int) -> dict[str, Any]:
    """``signed``: how many delegations have signed (what the page shows as the count)."""
    from drafts.models import Statement

    statement = Statement.objects.get(pk=statement_id)
    return {"signed": policy.signed_count(statement)}
