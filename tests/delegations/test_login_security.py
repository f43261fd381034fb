"""Logging in: the throttle on failed logins, one message for every failure, fresh session
keys, and sessions that really end (logout, a disabled account) with their sockets."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from audit.models import AuditEntry
from config.asgi import application
from delegations import actions, login
from delegations.models import User
from tests.api.conftest import token_client_for
from tests.conftest import PASSWORD, client_for, second_factor_device, totp_code

LOGIN = "/accounts/login/"


def attempt(email: str, password: str, address: str = "10.0.0.1") -> Any:
    """A try from a browser never seen before."""
    return Client().post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(pen_delegate: User) -> None:
    unknown = attempt("nobody@example.org", "whatever-it-is")
    wrong = attempt(pen_delegate.email, "whatever-it-is")
    assert unknown.status_code == wrong.status_code == 200

    def without_token_and_email(response: Any, email: str) -> str:
        page = response.content.decode()
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        return page.replace(email, "EMAIL")

    assert without_token_and_email(unknown, "nobody@example.org") == without_token_and_email(
        wrong, pen_delegate.email
    )
    assert "Please enter a correct" in wrong.content.decode()


def attempt_in(browser: Client, email: str, password: str, address: str) -> Any:
    return browser.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def refused(answer: Any) -> bool:
    return bool(answer.status_code == 429)


@pytest.mark.django_db
def test_an_attacker_elsewhere_cannot_lock_the_person_out(pen_delegate: User) -> None:
    """Guessing at a person's password from other addresses never keeps them out of the
    browser they use: the guesser's address is locked out of the account, and unknown browsers
    are slowed down, but the right password from the person's own browser goes through."""
    own = Client()
    assert attempt_in(own, pen_delegate.email, PASSWORD, "192.0.2.10").status_code == 302
    own.post("/accounts/logout/")

    # Five wrong passwords from one address lock that address out of the account...
    for failure in range(1, 5):
        assert attempt(pen_delegate.email, "wrong", "10.0.0.1").status_code == 200, failure
    assert refused(attempt(pen_delegate.email, "wrong", "10.0.0.1"))
    print("[measure] failed logins before an address is locked out of an account: 5")
    assert refused(attempt(pen_delegate.email, PASSWORD, "10.0.0.1"))
    # ... and a crowd of addresses, four tries each, makes every unknown browser wait.
    # The crowd takes its time: each try comes once the delay before it is over, so each is
    # counted, and the delay grows to its longest (the clock moves the failures back instead).
    failures = AccessFailureLog.objects.filter(username=pen_delegate.email)
    for n in range(2, 12):
        for __ in range(4):
            failures.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
            assert attempt(pen_delegate.email, "wrong", f"10.0.1.{n}").status_code == 200
    assert failures.count() == 5 + 40
    stranger = attempt(pen_delegate.email, PASSWORD, "198.51.100.7")
    assert refused(stranger), "an unknown browser is slowed down"
    assert "_auth_user_id" not in str([s.get_decoded() for s in Session.objects.all()])

    # The person's own browser: in, with the right password, at once.
    assert attempt_in(own, pen_delegate.email, PASSWORD, "192.0.2.10").status_code == 302
    # From a new browser they are slowed, never locked: once the delay since the latest
    # failure has passed, the right password goes through.
    AccessFailureLog.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(pen_delegate.email, PASSWORD, "198.51.100.7").status_code == 302

    locked = AuditEntry.objects.filter(action="delegations.login_locked_out")
    assert {entry.target_id for entry in locked} == {str(pen_delegate.pk)}


@pytest.mark.django_db
def test_a_password_still_cannot_be_guessed_from_many_addresses(pen_delegate: User) -> None:
    """Past five failures from anywhere, each further try at the account from an unknown
    browser waits twice as long after the latest failure as the one before, up to the limit;
    a try made too early checks no password at all (the right one included)."""
    for n in range(5):
        assert attempt(pen_delegate.email, "wrong", f"10.1.0.{n}").status_code == 200
    delays = []
    for n in range(12):
        latest = AccessFailureLog.objects.order_by("-attempt_time").first()
        assert latest is not None
        # Too early: refused unchecked, even with the right password, and nothing counted.
        assert refused(attempt(pen_delegate.email, PASSWORD, f"10.2.0.{n}"))
        assert refused(attempt(pen_delegate.email, "wrong", f"10.3.0.{n}"))
        counted = AccessFailureLog.objects.count()
        # Time passes until the delay is over (the failures move back instead).
        wait = login.account_pause(
            RequestFactory().post(LOGIN, REMOTE_ADDR="10.4.0.1"),
            {"username": pen_delegate.email},
        )
        assert wait is not None
        delays.append(round((wait - latest.attempt_time).total_seconds()))
        AccessFailureLog.objects.update(
            attempt_time=F("attempt_time") - (wait - latest.attempt_time)
        )
        assert attempt(pen_delegate.email, "wrong", f"10.5.0.{n}").status_code == 200
        assert AccessFailureLog.objects.count() == counted + 1
    assert delays == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    per_day = 5 + 86400 // 900
    print(f"[measure] guesses at one account per day, from any number of addresses: {per_day}")


@pytest.mark.django_db
def test_an_address_is_locked_after_twenty_failures_over_any_accounts(
    pen_delegate: User, pen_signatory: User
) -> None:
    guessed = [f"guess{n}@example.org" for n in range(5)]
    for n in range(19):  # four per account: no account reaches its own limit
        assert attempt(guessed[n % 5], "wrong").status_code == 200, n
    # Below the address's limit another account logs in from the same address.
    assert attempt(pen_delegate.email, PASSWORD).status_code == 302
    assert attempt(guessed[4], "wrong").status_code == 429  # the twentieth
    print("[measure] failed logins before lockout, per address: 20")
    assert attempt(pen_signatory.email, PASSWORD).status_code == 429
    # From another address the same account is fine.
    assert attempt(pen_signatory.email, PASSWORD, address="10.9.9.9").status_code == 302


def back_in_time(minutes: int) -> None:
    moment = timezone.now() - timedelta(minutes=minutes)
    AccessAttempt.objects.update(attempt_time=moment)
    AccessFailureLog.objects.update(attempt_time=moment)


@pytest.mark.django_db
def test_a_lockout_ends_after_the_cool_off(pen_delegate: User) -> None:
    for _ in range(5):
        attempt(pen_delegate.email, "wrong")
    locked = attempt(pen_delegate.email, PASSWORD)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Try again in about 15 minutes" in page
    assert "coordination unit" in page
    back_in_time(14)
    assert attempt(pen_delegate.email, PASSWORD).status_code == 429
    back_in_time(16)
    assert attempt(pen_delegate.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_login_clears_that_addresss_failures(pen_delegate: User) -> None:
    browser = Client()
    for _ in range(4):
        attempt_in(browser, pen_delegate.email, "wrong", "10.0.0.1")
    assert attempt_in(browser, pen_delegate.email, PASSWORD, "10.0.0.1").status_code == 302
    browser.post("/accounts/logout/")
    for _ in range(4):
        answer = attempt_in(browser, pen_delegate.email, "wrong", "10.0.0.1")
        assert answer.status_code == 200
    assert attempt_in(browser, pen_delegate.email, PASSWORD, "10.0.0.1").status_code == 302


@pytest.mark.django_db
def test_the_admin_logs_in_through_accords_login() -> None:
    answer = Client().get("/admin/login/?next=/admin/")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/?next=/admin/"


@pytest.mark.django_db
def test_logging_in_and_giving_the_code_each_rotate_the_session_key(
    pen_signatory: User,
) -> None:
    device = second_factor_device(pen_signatory)
    assert device is not None
    client = Client()
    session = client.session
    session["seen"] = True
    session.save()
    before = client.cookies["sessionid"].value
    assert client.post(LOGIN, {"username": pen_signatory.email, "password": PASSWORD}).status_code
    after_password = client.cookies["sessionid"].value
    assert after_password != before
    assert not Session.objects.filter(session_key=before).exists()
    done = client.post("/accounts/login/code/", {"code": totp_code(device)})
    assert done.status_code == 302
    after_code = client.cookies["sessionid"].value
    assert after_code not in (before, after_password)
    assert client.get("/").status_code == 200


# --- sessions that end, and their sockets ----------------------------------------------------

ORIGIN = (b"origin", b"http://127.0.0.1")


async def bell_of(client: Client) -> WebsocketCommunicator:
    cookie = (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())
    socket = WebsocketCommunicator(application, "/ws/notifications/", headers=[ORIGIN, cookie])
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "count"
    return socket


async def closed_with(socket: WebsocketCommunicator) -> tuple[dict[str, Any], int]:
    message = await socket.receive_json_from(timeout=5)
    closing = await socket.receive_output(timeout=5)
    assert closing["type"] == "websocket.close"
    return message, closing["code"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_logging_out_ends_the_session_and_closes_its_sockets_only(
    pen_signatory: User,
) -> None:
    leaving = await database_sync_to_async(client_for)(pen_signatory)
    staying = await database_sync_to_async(client_for)(pen_signatory)
    leaving_socket = await bell_of(leaving)
    staying_socket = await bell_of(staying)
    key = leaving.cookies["sessionid"].value

    answer = await database_sync_to_async(leaving.post)("/accounts/logout/")
    assert answer.status_code == 302

    message, code = await closed_with(leaving_socket)
    assert message["type"] == "session_ended" and code == 4401
    # The page says why in its own language, from the code; the English is for other clients.
    assert (message["reason"], message["message"]) == ("logged_out", "You logged out.")
    assert await staying_socket.receive_nothing(timeout=0.3)
    assert not await database_sync_to_async(Session.objects.filter(session_key=key).exists)()
    await staying_socket.send_json_to({"type": "ping"})
    assert (await staying_socket.receive_json_from())["type"] == "pong"
    await staying_socket.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_disabling_an_account_ends_every_session_and_closes_every_socket(
    pen_signatory: User, coordinator: User
) -> None:
    first = await database_sync_to_async(client_for)(pen_signatory)
    second = await database_sync_to_async(client_for)(pen_signatory)
    sockets = [await bell_of(first), await bell_of(second)]
    other = await bell_of(await database_sync_to_async(client_for)(coordinator))
    api = await database_sync_to_async(token_client_for)(pen_signatory)

    # The coordinator works in French; the person disabled may read another language.
    with translation.override("fr"):
        await database_sync_to_async(actions.change_person)(
            coordinator,
            pen_signatory,
            role=pen_signatory.role,
            delegation=pen_signatory.delegation,
            is_active=False,
        )

    for socket in sockets:
        message, code = await closed_with(socket)
        assert message["type"] == "session_ended" and code == 4401
        assert (message["reason"], message["message"]) == (
            "account_disabled",
            "This account was disabled.",
        )
    assert await other.receive_nothing(timeout=0.3)
    await other.disconnect()

    def after() -> None:
        owners = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
        assert str(pen_signatory.pk) not in owners
        assert first.get("/").status_code == 302  # back to the login page
        # The API token is refused while the account is disabled, but not revoked.
        assert api.get("/api/me/").status_code == 401
        token = pen_signatory.api_tokens.get()
        assert token.revoked_at is None
        entry = AuditEntry.objects.filter(action="delegations.change_person").latest("sequence")
        assert entry.after["is_active"] is False and entry.after["sessions_ended"] == 2

    await database_sync_to_async(after)()


@pytest.mark.django_db
def test_a_disabled_person_is_told_the_same_as_a_wrong_password(pen_delegate: User) -> None:
    actions.change_person(
        None,
        pen_delegate,
        role=pen_delegate.role,
        delegation=pen_delegate.delegation,
        is_active=False,
    )
    answer = attempt(pen_delegate.email, PASSWORD)
    assert answer.status_code == 200
    assert "Please enter a correct" in answer.content.decode()
