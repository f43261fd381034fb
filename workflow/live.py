"""Live updates of a statement's page: what everyone viewing it is told, after commit."""

from __future__ import annotations

from typing import Any

from drafts.models import Statement
from notifications.live import broadcast_on_commit, statement_group
from workflow.models import Signature

__all__ = ["announce", "statement_group"]


def announce(statement: Statement, *, change: str, actor: Any, state_changed: bool) -> None:
    """After commit, tell every page open on ``statement`` what changed.

    The event carries ids and short plain-text fields only; pages fetch anything else
    through the normal, permission-checked page.
    """
    statement_id = statement.pk
    actor_label = actor.label if actor is not None and actor.is_authenticated else ""

    def event() -> dict[str, Any]:
        fresh = Statement.objects.select_related("current_revision").get(pk=statement_id)
        signed = Signature.objects.filter(
            statement_id=statement_id, status=Signature.Status.SIGNED
        ).count()
        return {
            "type": "statement.changed",
            "statement": statement_id,
            "change": change,
            "state": fresh.state,
            "state_label": fresh.get_state_display(),
            "state_changed": state_changed,
            "revision": fresh.current_revision.number if fresh.current_revision else None,
            "signed": signed,
            "actor": actor_label,
        }

    broadcast_on_commit(statement_group(statement_id), event)
