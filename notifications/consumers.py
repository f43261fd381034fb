"""WebSocket consumers: the notification bell, and the guarded JSON base both apps use."""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from notifications import selectors
from notifications.actions import user_group
from notifications.live import account_group, session_group

# Browsers send small control messages; anything bigger is a mistake or an attack.
MAX_MESSAGE_BYTES = 16 * 1024

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class GuardedJsonConsumer(AsyncJsonWebsocketConsumer):
    """A JSON consumer that answers oversized, malformed and unknown messages with an error
    frame and carries on, and dispatches ``{"type": "x"}`` to ``on_x(content)``."""

    accepted_types: frozenset[str] = frozenset({"ping"})

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        """Join the groups through which the socket is closed when its login session ends
        (logging out) or its person's account does (deactivation), then connect as usual."""
        user = self.scope.get("user")
        session = self.scope.get("session")
        session_key = getattr(session, "session_key", None)
        if user is not None and user.is_authenticated and session_key:
            self.groups = [session_group(session_key), account_group(user.pk)]
        await super().websocket_connect(message)

    async def refuse(self, code: int) -> None:
        """Refuse the connection with ``code`` (4401 not logged in, 4403 may not see), as the
        README documents: accepted first and then closed, because a socket closed before it
        is accepted reaches the browser as a bare 1006, without the code."""
        await self.accept()
        await self.close(code=code)

    async def access_changed(self, event: dict[str, Any]) -> None:
        """What the person may see changed (``recheck_access_on_commit``); the bell shows
        only their own notifications, so nothing to do here. Pages that show a statement
        check again."""

    async def sockets_close(self, event: dict[str, Any]) -> None:
        """The session or the account ended: say so, and close as if never logged in."""
        await self.send_json(
            {"type": "session_ended", "reason": event["reason"], "message": event["message"]}
        )
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self.send_error("text_only", "Send JSON text frames.")
            return
        if len(text_data.encode("utf-8")) > MAX_MESSAGE_BYTES:
            await self.send_error(
                "too_large", f"Messages are limited to {MAX_MESSAGE_BYTES} bytes."
            )
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error("invalid_json", "That message was not valid JSON.")
            return
        kind = content.get("type") if isinstance(content, dict) else None
        if kind not in self.accepted_types:
            await self.send_error("unknown_type", "Unknown message type.")
            return
        await getattr(self, f"on_{kind}")(content)

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    async def on_ping(self, content: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})


class NotificationConsumer(GuardedJsonConsumer):
    """``user.<id>``: the bell. New notifications and the unread count, live; on reconnect the
    page sends ``{"type": "resume", "after": <last id seen>}`` and gets every one it missed."""

    accepted_types = frozenset({"ping", "resume"})

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        unread, latest = await self._state()
        await self.send_json({"type": "count", "unread": unread, "latest": latest})

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def on_resume(self, content: dict[str, Any]) -> None:
        after = content.get("after")
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            await self.send_error("invalid_resume", "'after' must be the last id seen (≥ 0).")
            return
        for row in await self._missed(after):
            await self.send_json({"type": "notification", "notification": row})
        await self.send_json({"type": "count", "unread": await self._unread()})

    async def notification_new(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {
                "type": "notification",
                "notification": event["notification"],
                "unread": event["unread"],
            }
        )

    async def notification_count(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "count", "unread": event["unread"]})

    @database_sync_to_async
    def _unread(self) -> int:
        return selectors.unread_count(self.user)

    @database_sync_to_async
    def _state(self) -> tuple[int, int]:
        return selectors.unread_count(self.user), selectors.latest_id(self.user)

    @database_sync_to_async
    def _missed(self, after: int) -> list[dict[str, object]]:
        return [row.as_event() for row in selectors.missed_since(self.user, after)]
