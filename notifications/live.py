"""Sending an event to the pages subscribed to a group, once the transaction has committed."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def broadcast_on_commit(group: str, build: Callable[[], dict[str, Any]]) -> None:
    """After commit, send ``build()`` to every consumer in ``group``.

    ``build`` runs after the commit, so it can read what the transaction wrote. A failure to
    reach the channel layer is logged, never raised: the action it follows has succeeded.
    """

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(group, build())
        except Exception:
            logger.exception("Could not send a live event to %s", group)

    transaction.on_commit(send)


def statement_group(statement_id: int) -> str:
    """The group of the pages open on one statement."""
    return f"statement.{statement_id}"


def session_group(session_key: str) -> str:
    """The group of the sockets opened by one login session. Named after a digest of the
    session key: the key itself is a credential and must not travel in group names."""
    return "session." + hashlib.sha256(session_key.encode("utf-8")).hexdigest()[:40]


def account_group(user_id: int) -> str:
    """The group of every socket a person holds, whichever page and session opened it."""
    return f"account.{user_id}"


def close_sockets_on_commit(groups: list[str], *, reason: str, message: str) -> None:
    """After commit, tell every socket in ``groups`` that its session has ended; each sends
    ``{"type": "session_ended", "reason": reason, "message": message}`` and closes with 4401.

    ``reason`` is a code (``logged_out``, ``account_disabled``…) that each page puts into its
    reader's words; ``message`` says the same in English, for clients that show it as it is.
    """
    for group in groups:
        broadcast_on_commit(
            group, lambda: {"type": "sockets.close", "reason": reason, "message": message}
        )


def recheck_access_on_commit(user_ids: list[int]) -> None:
    """After commit, have every socket of these people ask again whether they may still see
    what it shows (their delegation left the coalition, or joined it): a statement page they
    may no longer see is told so and closed with 4403 at once."""
    for user_id in user_ids:
        broadcast_on_commit(account_group(user_id), lambda: {"type": "access.changed"})
