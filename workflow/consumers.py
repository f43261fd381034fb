"""``statement.<id>``: everyone on a statement's page sees it change, and who else is there."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.utils import timezone

from delegations.live import person_of
from delegations.models import User
from drafts.models import Statement
from drafts.permissions import can_view
from notifications.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, GuardedJsonConsumer
from workflow.live import statement_group
from workflow.models import Viewer

logger = logging.getLogger(__name__)

# Pages send a heartbeat every minute; one not heard of for this long is gone.
VIEWER_TIMEOUT = timedelta(minutes=3)

# Told to someone who may no longer see the statement, before the socket closes with 4403.
# ``reason`` is what the page says, in its reader's language; ``message`` is the same in
# English, for clients written against the first version of the frame.
REVOKED = {
    "type": "revoked",
    "reason": "access_revoked",
    "message": "This statement is no longer shared with you.",
}


def presence_of(person: User) -> dict[str, Any]:
    """How a person on the page is shown to the others: id and name, and ``affiliation``, in
    English (``delegations.live.person_of``): each page words it in its reader's language."""
    return {"id": person.pk, **person_of(person)}


class StatementConsumer(GuardedJsonConsumer):
    """Asks the statement page's own predicate (``can_view``) on connect and again whenever the
    state changes; someone who may no longer see the statement is told and disconnected.

    Every frame is the same for every reader, whatever their language: it carries codes
    (``state``, ``change``, ``reason``, ``affiliation_code``), numbers and names, and each page
    puts them into words with its own JavaScript catalogue.

    Presence: each open page is a ``Viewer`` row. A newcomer gets the list of who is there in
    one frame, and the others hear of it through one group message, so a join costs the same
    whether three people or five hundred have the statement open. Presence is best effort: a
    busy channel layer may drop a presence message, never the page's live updates.
    """

    accepted_types = frozenset({"ping"})

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.statement_id = int(self.scope["url_route"]["kwargs"]["pk"])
        if not await self._may_view():
            await self.refuse(CLOSE_FORBIDDEN)
            return
        self.group = statement_group(self.statement_id)
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        # The edit page connects with ?editing=1, so others see who has the text open.
        self.person = {**await self._person(), "editing": query.get("editing") == ["1"]}
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        others = await self._arrive()
        await self.send_json({"type": "presence", "change": "list", "people": others})
        await self._tell_group(
            {"type": "presence.join", "person": self.person, "channel": self.channel_name}
        )

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self._leave()
            await self._tell_group({"type": "presence.leave", "channel": self.channel_name})

    async def on_ping(self, content: dict[str, Any]) -> None:
        if hasattr(self, "group"):
            await self._renew()
        await self.send_json({"type": "pong"})

    async def _tell_group(self, event: dict[str, Any]) -> None:
        try:
            await self.channel_layer.group_send(self.group, event)
        except Exception:
            logger.warning("Presence message to %s dropped", self.group, exc_info=True)

    async def presence_join(self, event: dict[str, Any]) -> None:
        if event["channel"] != self.channel_name:
            await self.send_json(
                {
                    "type": "presence",
                    "change": "join",
                    "channel": event["channel"],
                    **event["person"],
                }
            )

    async def presence_leave(self, event: dict[str, Any]) -> None:
        if event["channel"] != self.channel_name:
            await self.send_json(
                {"type": "presence", "change": "leave", "channel": event["channel"]}
            )

    async def access_changed(self, event: dict[str, Any]) -> None:
        """The person's access changed (their delegation left): may they still see it?"""
        if not await self._may_view():
            await self.send_json(REVOKED)
            await self.close(code=CLOSE_FORBIDDEN)

    async def statement_changed(self, event: dict[str, Any]) -> None:
        if event.get("state_changed") and not await self._may_view():
            await self.send_json(REVOKED)
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
        if self.user.delegation_id is not None:
            # Its membership too: the delegation may have left the coalition since.
            self.user.delegation.refresh_from_db(fields=["is_member"])
        return can_view(self.user, statement)

    @database_sync_to_async
    def _arrive(self) -> list[dict[str, Any]]:
        """Record this page, forget pages not heard of for a while, list the others."""
        now = timezone.now()
        Viewer.objects.filter(
            statement_id=self.statement_id, seen_at__lt=now - VIEWER_TIMEOUT
        ).delete()
        Viewer.objects.update_or_create(
            channel_name=self.channel_name,
            defaults={
                "statement_id": self.statement_id,
                "person": self.user,
                "editing": self.person["editing"],
                "seen_at": now,
            },
        )
        return [
            {
                "channel": viewer.channel_name,
                **presence_of(viewer.person),
                "editing": viewer.editing,
            }
            for viewer in Viewer.objects.filter(
                statement_id=self.statement_id, seen_at__gte=now - VIEWER_TIMEOUT
            )
            .exclude(channel_name=self.channel_name)
            .select_related("person__delegation")
        ]

    @database_sync_to_async
    def _renew(self) -> None:
        Viewer.objects.filter(channel_name=self.channel_name).update(seen_at=timezone.now())

    @database_sync_to_async
    def _leave(self) -> None:
        Viewer.objects.filter(channel_name=self.channel_name).delete()

    @database_sync_to_async
    def _person(self) -> dict[str, Any]:
        return presence_of(self.user)
