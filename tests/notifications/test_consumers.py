"""The bell's socket: who may connect, what it delivers, and how it survives bad messages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from config.asgi import application
from delegations.models import User
from drafts import notices as drafts_notices
from notifications.actions import notify
from notifications.consumers import MAX_MESSAGE_BYTES
from notifications.models import Notification
from notifications.wording import DetailCode, detail
from tests.conftest import StatementMaker, client_for, later, opened
from workflow import actions

# Consumers read the database from other threads, so test data must be committed; serialized
# rollback brings back the seeded delegations afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ORIGIN = (b"origin", b"http://127.0.0.1")


def session_cookie(user: User) -> tuple[bytes, bytes]:
    client = client_for(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


async def bell(
    user: User | None, *, origin: tuple[bytes, bytes] | None = ORIGIN
) -> WebsocketCommunicator:
    cookie = await database_sync_to_async(session_cookie)(user) if user else None
    headers = [h for h in (origin, cookie) if h is not None]
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


async def connected(communicator: WebsocketCommunicator) -> dict[str, Any]:
    ok, _ = await communicator.connect()
    assert ok
    first: dict[str, Any] = await communicator.receive_json_from()
    assert first["type"] == "count"
    return first


async def test_anonymous_sockets_are_refused() -> None:
    communicator = await bell(None)
    assert await opened(communicator) == (False, 4401)


async def test_foreign_and_missing_origins_are_refused(pen_signatory: User) -> None:
    for origin in [(b"origin", b"https://evil.example"), None]:
        communicator = await bell(pen_signatory, origin=origin)
        ok, _ = await communicator.connect()
        assert not ok


async def test_sign_on_opening_reaches_a_signatorys_bell(
    make_statement: StatementMaker, pen_signatory: User, chair: User
) -> None:
    statement = await database_sync_to_async(make_statement)("consultation")
    communicator = await bell(pen_signatory)
    start = await connected(communicator)
    await database_sync_to_async(actions.open_sign_on)(chair, statement, deadline=later())
    message = await communicator.receive_json_from(timeout=5)
    assert message["type"] == "notification"
    assert message["notification"]["event"] == "sign_on_opened"
    assert message["notification"]["title"] == statement.title
    assert message["notification"]["link"] == f"/statements/{statement.pk}/"
    assert "<" not in json.dumps(message["notification"]), "events carry text, not markup"
    # The bell counts lines: this joins the line of the statement's consultation, if unread.
    assert message["unread"] == max(start["unread"], 1)
    await communicator.disconnect()


async def test_a_french_signatorys_bell_hears_in_french_live_and_on_resuming(
    make_statement: StatementMaker, other_signatory: User, chair: User
) -> None:
    """The frame is worded for its recipient (language and time zone), not for the actor whose
    request pushed it; and so is what a reconnecting page catches up on."""

    @database_sync_to_async
    def in_french() -> None:
        other_signatory.language = "fr"
        other_signatory.time_zone = "Europe/Paris"
        other_signatory.save(update_fields=["language", "time_zone"])

    await in_french()
    statement = await database_sync_to_async(make_statement)("consultation")
    communicator = await bell(other_signatory)
    start = await connected(communicator)
    deadline = datetime(2031, 11, 4, 12, 0, tzinfo=UTC)
    await database_sync_to_async(actions.open_sign_on)(chair, statement, deadline=deadline)
    message = await communicator.receive_json_from(timeout=5)
    assert message["notification"]["label"] == "Ouverture à la signature"
    assert message["notification"]["detail"] == "Se termine le 4 Nov 2031 13:00 CET"
    await communicator.disconnect()

    again = await bell(other_signatory)
    await connected(again)
    await again.send_json_to({"type": "resume", "after": start["latest"]})
    missed = await again.receive_json_from(timeout=5)
    assert missed["notification"]["detail"] == "Se termine le 4 Nov 2031 13:00 CET"
    await again.disconnect()


async def test_an_action_that_rolls_back_tells_nobody(
    make_statement: StatementMaker, pen_signatory: User, chair: User
) -> None:
    statement = await database_sync_to_async(make_statement)("draft")
    communicator = await bell(pen_signatory)
    await connected(communicator)

    @database_sync_to_async
    def fail_after_notifying() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(
                drafts_notices.NEW_REVISION,
                actor=chair,
                subject=statement,
                recipients=[pen_signatory],
                link="/",
            )
            raise RuntimeError("the action failed after notify()")

    await fail_after_notifying()
    assert await communicator.receive_nothing(timeout=0.5)
    assert not await database_sync_to_async(Notification.objects.exists)()
    await communicator.disconnect()


async def test_reconnecting_resumes_without_gaps_or_duplicates(
    make_statement: StatementMaker, pen_signatory: User, chair: User
) -> None:
    statement = await database_sync_to_async(make_statement)("draft")

    @database_sync_to_async
    def tell(count: int) -> list[int]:
        ids = []
        for n in range(count):
            rows = notify(
                drafts_notices.NEW_REVISION,
                actor=chair,
                subject=statement,
                recipients=[pen_signatory],
                link="/",
                detail=detail(DetailCode.REVISION, number=n + 2),
            )
            ids.append(rows[0].pk)
        return ids

    seen = await tell(3)
    # The page was closed (laptop asleep) while three more came.
    missed = await tell(3)
    communicator = await bell(pen_signatory)
    await connected(communicator)
    await communicator.send_json_to({"type": "resume", "after": seen[-1]})
    received = []
    while True:
        message = await communicator.receive_json_from(timeout=5)
        if message["type"] == "count":
            break
        received.append(message["notification"]["id"])
    assert received == missed
    assert message["unread"] == 1, "six notifications on one statement, minutes apart: one line"
    await communicator.disconnect()


async def test_bad_messages_get_an_error_and_the_socket_carries_on(pen_signatory: User) -> None:
    communicator = await bell(pen_signatory)
    await connected(communicator)
    await communicator.send_to(text_data="x" * (1024 * 1024))
    assert (await communicator.receive_json_from())["code"] == "too_large"
    await communicator.send_to(text_data="{not json")
    assert (await communicator.receive_json_from())["code"] == "invalid_json"
    await communicator.send_json_to({"type": "launch_missiles"})
    assert (await communicator.receive_json_from())["code"] == "unknown_type"
    await communicator.send_json_to(["a", "list"])
    assert (await communicator.receive_json_from())["code"] == "unknown_type"
    await communicator.send_json_to({"type": "resume", "after": "yesterday"})
    assert (await communicator.receive_json_from())["code"] == "invalid_resume"
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await communicator.receive_json_from())["code"] == "text_only"
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    assert MAX_MESSAGE_BYTES < 1024 * 1024
    await communicator.disconnect()
