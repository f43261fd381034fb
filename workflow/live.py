"""Live updates of a statement's page: what everyone viewing it is told, after commit."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from drafts.models import Statement
from workflow.models import Signature

logger = logging.getLogger(__name__)


def statement_group(statement_id: int) -> str:
    return f"statement.{statement_id}"


def _label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    delegation = getattr(actor, "delegation", None)
    return f"{actor} ({delegation})" if delegation else str(actor)


def announce(statement: Statement, *, change: str, actor: Any, state_changed: bool) -> None:
    """After commit, tell every page open on ``statement`` what changed.

    The event carries ids and short plain-text fields only; pages fetch anything else
    through the normal, permission-checked page.
    """
    statement_id = statement.pk
    actor_label = _label(actor)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        fresh = Statement.objects.select_related("current_revision").get(pk=statement_id)
        signed = Signature.objects.filter(
            statement_id=statement_id, status=Signature.Status.SIGNED
        ).count()
        try:
            async_to_sync(layer.group_send)(
                statement_group(statement_id),
                {
                    "type": "statement.changed",
                    "statement": statement_id,
                    "change": change,
                    "state": fresh.state,
                    "state_label": fresh.get_state_display(),
                    "state_changed": state_changed,
                    "revision": fresh.current_revision.number if fresh.current_revision else None,
                    "signed": signed,
                    "actor": actor_label,
                },
            )
        except Exception:
            logger.exception("Could not announce a change to statement %s", statement_id)

    transaction.on_commit(send)
