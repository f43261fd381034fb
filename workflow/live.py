"""Live updates of a statement's page: what everyone viewing it is told, after commit."""

from __future__ import annotations

from typing import Any

from drafts.live import actor_label, statement_frame
from drafts.models import Statement
from notifications.live import broadcast_on_commit, statement_group
from workflow.models import Signature

__all__ = ["announce", "statement_group"]


def announce(statement: Statement, *, change: str, actor: Any, state_changed: bool) -> None:
    """After commit, tell every page open on ``statement`` what changed.

    The event (``drafts.live.statement_frame``, plus ``signed``: how many delegations have
    signed) carries codes, ids and names only, the same for every reader whatever their
    language; pages put it into words themselves and fetch anything else through the normal,
    permission-checked page.
    """
    statement_id = statement.pk
    actor_name = actor_label(actor)

    def event() -> dict[str, Any]:
        fresh = Statement.objects.select_related("current_revision").get(pk=statement_id)
        signed = Signature.objects.filter(
            statement_id=statement_id, status=Signature.Status.SIGNED
        ).count()
        return statement_frame(
            fresh,
            change=change,
            actor=actor_name,
            state_changed=state_changed,
            revision=fresh.current_revision.number if fresh.current_revision else None,
        ) | {"signed": signed}

    broadcast_on_commit(statement_group(statement_id), event)
