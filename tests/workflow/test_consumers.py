"""The statement page's socket: same predicate as the page, live changes, presence, revocation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.urls import reverse
from django.utils import translation

from config.asgi import application
from delegations.models import User
from drafts.models import Statement
from tests.conftest import StatementMaker, client_for, later, opened, proof_for
from workflow import actions
from workflow.models import Viewer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _cookie(user: User) -> tuple[bytes, bytes]:
    return (b"cookie", f"sessionid={client_for(user).cookies['sessionid'].value}".encode())


async def socket(user: User | None, statement: Statement) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://127.0.0.1")]
    if user is not None:
        headers.append(await database_sync_to_async(_cookie)(user))
    return WebsocketCommunicator(application, f"/ws/statements/{statement.pk}/", headers=headers)


async def presence(communicator: WebsocketCommunicator, change: str) -> dict[str, Any]:
    """The next presence frame of this kind: "list" (who was here), "join" or "leave"."""
    while True:
        message = await until(communicator, "presence")
        if message["change"] == change:
            return message


async def until(communicator: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = await communicator.receive_json_from(timeout=5)
        if message["type"] == kind:
            return message


async def test_only_those_who_may_see_the_statement_may_subscribe(
    make_statement: StatementMaker, other_signatory: User, pen_delegate: User
) -> None:
    draft = await database_sync_to_async(make_statement)("draft")
    refused = await socket(other_signatory, draft)  # Kenya does not hold the pen
    assert await opened(refused) == (False, 4403)
    anonymous = await socket(None, draft)
    assert await opened(anonymous) == (False, 4401)
    allowed = await socket(pen_delegate, draft)
    assert await opened(allowed) == (True, None)
    await allowed.disconnect()


async def test_unknown_statements_are_refused_like_hidden_ones(pen_delegate: User) -> None:
    communicator = WebsocketCommunicator(
        application,
        "/ws/statements/987654/",
        headers=[
            (b"origin", b"http://127.0.0.1"),
            await database_sync_to_async(_cookie)(pen_delegate),
        ],
    )
    assert await opened(communicator) == (False, 4403)


async def test_viewers_see_signatures_and_each_other_live(
    make_statement: StatementMaker, pen_signatory: User, other_signatory: User, chair: User
) -> None:
    statement = await database_sync_to_async(make_statement)("sign_on")
    chair_page = await socket(chair, statement)
    assert (await chair_page.connect())[0]
    signatory_page = await socket(other_signatory, statement)
    assert (await signatory_page.connect())[0]

    assert (await presence(chair_page, "list"))["people"] == []
    joined = await presence(chair_page, "join")
    assert (joined["name"], joined["affiliation"]) == (other_signatory.full_name, "Kenya")
    already_there = await presence(signatory_page, "list")
    assert [(p["name"], p["affiliation"]) for p in already_there["people"]] == [
        (chair.full_name, "Germany")
    ]

    proof = await database_sync_to_async(proof_for)(other_signatory)
    await database_sync_to_async(actions.sign_on)(other_signatory, statement, proof=proof)
    change = await until(chair_page, "statement")
    assert change["change"] == "sign_on"
    assert change["signed"] == 2  # France in the fixture, and now Kenya
    assert change["state_changed"] is False
    assert change["actor"] == f"{other_signatory} (Kenya)"

    await signatory_page.disconnect()
    left = await presence(chair_page, "leave")
    assert left["channel"] == joined["channel"]
    await chair_page.disconnect()
    assert not await database_sync_to_async(Viewer.objects.exists)(), "no page left behind"


async def test_losing_sight_of_a_statement_closes_the_socket(
    make_statement: StatementMaker, adviser: User, chair: User
) -> None:
    statement = await database_sync_to_async(make_statement)("consultation", advisers_invited=True)
    adviser_page = await socket(adviser, statement)
    assert (await adviser_page.connect())[0]
    await database_sync_to_async(actions.open_sign_on)(chair, statement, deadline=later())
    revoked = await until(adviser_page, "revoked")
    assert "no longer shared" in revoked["message"]
    closed = await adviser_page.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4403}


async def test_a_delegation_that_leaves_loses_its_open_pages_at_once(
    make_statement: StatementMaker, other_signatory: User, pen_delegate: User, coordinator: User
) -> None:
    """A coordinator unticks "Is member": its people's open statement pages are told and
    closed at once, as returning to drafting does; others' pages and its bell stay open."""
    from delegations import actions as delegation_actions

    statement = await database_sync_to_async(make_statement)("consultation")
    leaving = await socket(other_signatory, statement)  # Kenya
    staying = await socket(pen_delegate, statement)  # Canada
    assert await opened(leaving) == (True, None)
    assert await opened(staying) == (True, None)
    kenya = other_signatory.delegation
    assert kenya is not None
    await database_sync_to_async(delegation_actions.update_delegation)(
        coordinator, kenya, name=kenya.name, is_member=False
    )
    revoked = await until(leaving, "revoked")
    assert revoked["reason"] == "access_revoked"
    assert await leaving.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    assert await staying.receive_nothing(timeout=0.5)
    await staying.disconnect()


async def test_state_changes_reach_everyone_on_the_page(
    make_statement: StatementMaker, pen_delegate: User, chair: User
) -> None:
    statement = await database_sync_to_async(make_statement)("draft")
    page = await socket(pen_delegate, statement)
    assert (await page.connect())[0]
    await database_sync_to_async(actions.open_consultation)(chair, statement, deadline=None)
    change = await until(page, "statement")
    assert (change["state"], change["state_changed"], change["state_label"]) == (
        "consultation",
        True,
        "Consultation",
    )
    await page.send_to(text_data="{oops")
    assert (await page.receive_json_from())["code"] == "invalid_json"
    await page.disconnect()


async def test_a_new_revision_reaches_the_page_with_a_link_to_the_changes(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    from drafts.actions import save_revision
    from notifications.models import Notification

    statement = await database_sync_to_async(make_statement)("draft")
    page = await socket(pen_delegate, statement)
    assert (await page.connect())[0]
    base = statement.current_revision
    assert base is not None
    await database_sync_to_async(save_revision)(
        pen_signatory, statement, text=base.text + "\n3. *Decide* to meet again.\n", base=base
    )
    change = await until(page, "statement")
    assert (change["change"], change["revision"]) == ("new_revision", 2)
    assert change["compare"] == f"/statements/{statement.pk}/compare/?from=1&to=2"
    assert change["actor"] == f"{pen_signatory} (Canada)"
    told = await database_sync_to_async(
        lambda: set(
            Notification.objects.filter(event="new_revision").values_list("recipient", flat=True)
        )
    )()
    assert pen_delegate.pk in told
    assert pen_signatory.pk not in told, "the author is not told of their own revision"
    await page.disconnect()


async def test_the_edit_page_shows_up_as_editing(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    statement = await database_sync_to_async(make_statement)("draft")
    reader = await socket(pen_delegate, statement)
    assert (await reader.connect())[0]
    editor = WebsocketCommunicator(
        application,
        f"/ws/statements/{statement.pk}/?editing=1",
        headers=[
            (b"origin", b"http://127.0.0.1"),
            await database_sync_to_async(_cookie)(pen_signatory),
        ],
    )
    assert (await editor.connect())[0]
    joined = await presence(reader, "join")
    assert (joined["name"], joined["editing"]) == (pen_signatory.full_name, True)
    here = (await presence(editor, "list"))["people"]
    assert [(p["name"], p["editing"]) for p in here] == [(pen_delegate.full_name, False)]
    await editor.disconnect()
    await reader.disconnect()


async def test_a_page_not_heard_of_for_minutes_no_longer_counts(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    statement = await database_sync_to_async(make_statement)("draft")
    gone = await socket(pen_delegate, statement)
    assert (await gone.connect())[0]
    # Its server died without saying goodbye: the row stays, its heartbeat stops.
    await database_sync_to_async(
        lambda: Viewer.objects.update(seen_at=timezone.now() - timedelta(minutes=10))
    )()
    newcomer = await socket(pen_signatory, statement)
    assert (await newcomer.connect())[0]
    assert (await presence(newcomer, "list"))["people"] == []
    await newcomer.send_json_to({"type": "ping"})
    assert (await until(newcomer, "pong")) == {"type": "pong"}
    await newcomer.disconnect()
    await gone.disconnect()


# --- one frame for every reader: codes, not the words of whoever acted -------------------------


def _speaks(person: User, language: str) -> User:
    person.language = language
    person.save(update_fields=["language"])
    return person


async def test_frames_carry_codes_not_the_words_of_whoever_acted(
    make_statement: StatementMaker, pen_delegate: User, adviser: User, chair: User
) -> None:
    """A French-speaking chair opens sign-on through the page: everyone on the statement's
    page gets the same frame, with the state and the change as codes and no French in it, and
    the invited adviser, who may no longer see it, is told why as a code."""
    statement = await database_sync_to_async(make_statement)("consultation", advisers_invited=True)
    await database_sync_to_async(_speaks)(chair, "fr")
    await database_sync_to_async(_speaks)(pen_delegate, "es")
    watcher = await socket(pen_delegate, statement)
    assert (await watcher.connect())[0]
    leaving = await socket(adviser, statement)
    assert (await leaving.connect())[0]

    chair_client = await database_sync_to_async(client_for)(chair)
    answer = await database_sync_to_async(chair_client.post)(
        reverse("workflow:open_sign_on", args=[statement.pk]), {"deadline": "2031-11-04T06:00"}
    )
    assert answer.status_code == 302
    assert answer.headers.get("Content-Language") == "fr", "the chair's own page is in French"

    change = await until(watcher, "statement")
    assert (change["change"], change["state"], change["state_changed"]) == (
        "open_sign_on",
        "sign_on",
        True,
    )
    assert change["state_label"] == "Sign-on", "the state's name is the same for every reader"
    assert change["actor"] == f"{chair} (Germany)"
    assert change["actor_person"] == {
        "name": chair.full_name,
        "affiliation": "Germany",
        "affiliation_code": "DE",  # each page words it: "Allemagne", "Alemania"
    }
    words = json.dumps(change, ensure_ascii=False)
    assert "Ouverture" not in words and "signature" not in words

    revoked = await until(leaving, "revoked")
    assert revoked == {
        "type": "revoked",
        "reason": "access_revoked",
        "message": "This statement is no longer shared with you.",
    }
    assert await leaving.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    await watcher.disconnect()


async def test_presence_names_accords_own_units_by_code(
    make_statement: StatementMaker, pen_delegate: User, coordinator: User, adviser: User
) -> None:
    """Delegations and organisations are named as they are; the coordination unit (Accord's own
    word, which each page translates) comes as a code, whatever language the server speaks."""
    statement = await database_sync_to_async(make_statement)("consultation", advisers_invited=True)
    page = await socket(pen_delegate, statement)
    assert (await page.connect())[0]
    with translation.override("fr"):
        staff = await socket(coordinator, statement)
        assert (await staff.connect())[0]
        joined = await presence(page, "join")
        outsider = await socket(adviser, statement)
        assert (await outsider.connect())[0]
        also = await presence(page, "join")
    assert (joined["affiliation"], joined["affiliation_code"]) == (
        "Coordination unit",
        "coordination_unit",
    )
    assert (also["affiliation"], also["affiliation_code"]) == ("Digital Rights Watch", "")
    here = (await presence(outsider, "list"))["people"]
    assert sorted((p["affiliation"], p["affiliation_code"]) for p in here) == [
        ("Canada", "CA"),
        ("Coordination unit", "coordination_unit"),
    ]
    for communicator in (outsider, staff, page):
        await communicator.disconnect()
