"""``statement.<id>``: everyone on a statement's page sees it change, and who else is there."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from drafts.models import Statement
from drafts.permissions import can_view
from notifications.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, GuardedJsonConsumer
from workflow.live import statement_group


class StatementConsumer(GuardedJsonConsumer):
    """Asks the statement page's own predicate (``can_view``) on connect and again whenever the
    state changes; someone who may no longer see the statement is told and disconnected.

    Presence needs no shared store: a newcomer announces itself to the group, and every page
    already there answers the newcomer directly.
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.statement_id = int(self.scope["url_route"]["kwargs"]["pk"])
        if not await self._may_view():
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = statement_group(self.statement_id)
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        # The edit page connects with ?editing=1, so others see who has the text open.
        self.person = {**await self._person(), "editing": query.get("editing") == ["1"]}
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.channel_layer.group_send(
            self.group,
            {"type": "presence.join", "person": self.person, "channel": self.channel_name},
        )

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_send(
                self.group, {"type": "presence.leave", "channel": self.channel_name}
            )

    async def presence_join(self, event: dict[str, Any]) -> None:
        if event["channel"] == self.channel_name:
            return
        await self.send_json(
            {"type": "presence", "change": "join", "channel": event["channel"], **event["person"]}
        )
        await self.channel_layer.send(
            event["channel"],
            {"type": "presence.here", "person": self.person, "channel": self.channel_name},
        )

    async def presence_here(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {"type": "presence", "change": "join", "channel": event["channel"], **event["person"]}
        )

    async def presence_leave(self, event: dict[str, Any]) -> None:
        if event["channel"] != self.channel_name:
            await self.send_json(
                {"type": "presence", "change": "leave", "channel": event["channel"]}
            )

    async def statement_changed(self, event: dict[str, Any]) -> None:
        if event.get("state_changed") and not await self._may_view():
            await self.send_json(
                {"type": "revoked", "message": "This statement is no longer shared with you."}
            )
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_json(
            {key: value for key, value in event.items() if key != "type"} | {"type": "statement"}
        )

    @database_sync_to_async
    def _may_view(self) -> bool:
        statement = Statement.objects.filter(pk=self.statement_id).select_related("body").first()
        if statement is None:
            return False
        self.user.refresh_from_db(fields=["is_active", "role", "delegation"])
        return can_view(self.user, statement)

    @database_sync_to_async
    def _person(self) -> dict[str, Any]:
        delegation = self.user.delegation
        return {
            "id": self.user.pk,
            "name": self.user.full_name,
            "affiliation": delegation.name if delegation else self.user.affiliation,
        }
