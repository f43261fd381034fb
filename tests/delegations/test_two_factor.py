"""Two-factor authentication: setting up an app, the code at login, recovery codes, turning
it off, and the roles that must use it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from config.asgi import application
from delegations.models import User
from tests.conftest import PASSWORD, client_for, opened, second_factor_device, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SETUP = "/accounts/two-factor/"


def logged_in_with_password(user: User) -> Client:
    client = Client()
    answer = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert answer.status_code == 302
    return client


def actions_of(user: User) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_id=str(user.pk), action__contains="two_factor")
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def set_up(client: Client, user: User) -> list[str]:
    """Set up an app from the profile the way a person does; returns the recovery codes."""
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(SETUP, {"code": totp_code(device)})
    assert done.status_code == 201
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())


def test_a_delegate_sets_up_an_app_with_a_qr_code_that_the_csp_accepts(
    pen_delegate: User,
) -> None:
    client = client_for(pen_delegate)
    profile = client.get("/accounts/profile/").content.decode()
    assert "Two-factor authentication" in profile and "Set up two-factor" in profile
    page = client.get(SETUP)
    html = page.content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg is not None and "<path" in svg.group(0)
    assert "style" not in svg.group(0) and "<script" not in svg.group(0)
    device = TOTPDevice.objects.get(user=pen_delegate, confirmed=False)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html)
    assert secret is not None and len(secret.group(1).replace(" ", "")) == 32
    assert client.get(SETUP).content.decode().count(secret.group(1)) == 1  # the same secret

    wrong = client.post(SETUP, {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "not the one your app shows" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=pen_delegate, confirmed=True).exists()

    device.throttle_reset()
    done = client.post(SETUP, {"code": totp_code(device)})
    assert done.status_code == 201
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.filter(user=pen_delegate, confirmed=True).count() == 1
    assert actions_of(pen_delegate) == ["delegations.enable_two_factor"]
    assert "10 recovery codes left" in client.get("/accounts/profile/").content.decode()


def test_turning_it_on_logs_out_the_other_sessions(pen_delegate: User) -> None:
    elsewhere = client_for(pen_delegate)
    here = client_for(pen_delegate)
    set_up(here, pen_delegate)
    assert elsewhere.get("/").status_code == 302  # to the login page
    assert here.get("/").status_code == 200


def test_with_an_app_logging_in_asks_for_the_code_before_anything_else(
    pen_delegate: User,
) -> None:
    codes = set_up(client_for(pen_delegate), pen_delegate)
    device = TOTPDevice.objects.get(user=pen_delegate)
    client = logged_in_with_password(pen_delegate)
    for path in ("/", "/accounts/profile/", f"/statements/{1}/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/code/")
    api = client.get("/api/me/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    assert client.get("/published/").status_code == 200

    wrong = client.post("/accounts/login/code/", {"code": "12345x"})
    assert wrong.status_code == 403 and "did not work" in wrong.content.decode()
    assert client.get("/").status_code == 302
    # The app's next code: the one shown at set-up was spent there.
    done = client.post(
        "/accounts/login/code/", {"code": totp_code(device, steps_ahead=1), "next": "/"}
    )
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/api/me/").status_code == 200
    assert codes


def test_before_the_code_a_page_shows_nothing_of_the_person_and_opens_no_socket(
    pen_signatory: User,
) -> None:
    """The password alone proves too little: the code page and the public pages it may open
    show no name, role, delegation or notifications, and load no live script."""
    second_factor_device(pen_signatory)
    assert pen_signatory.delegation is not None
    client = logged_in_with_password(pen_signatory)
    for path in ("/accounts/login/code/", "/published/"):
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.content.decode()
        for shown in (
            pen_signatory.full_name,
            pen_signatory.delegation.name,
            "Notifications",
            "data-bell",
            "data-user",
            "live.js",
            "words.js",
        ):
            assert shown not in html, (path, shown)
        assert 'action="/accounts/logout/"' in html, path  # a way out
    # Past the code, the header is theirs.
    done = client_for(pen_signatory).get("/published/").content.decode()
    assert pen_signatory.full_name in done and "live.js" in done


def test_a_recovery_code_logs_in_once(pen_delegate: User) -> None:
    codes = set_up(client_for(pen_delegate), pen_delegate)
    first = logged_in_with_password(pen_delegate)
    used = first.post("/accounts/login/code/", {"code": codes[0].upper()}, follow=True)
    assert used.status_code == 200 and "recovery code" in used.content.decode()
    assert StaticToken.objects.filter(device__user=pen_delegate).count() == 9
    assert "delegations.use_recovery_code" in AuditEntry.objects.filter(
        target_id=str(pen_delegate.pk)
    ).values_list("action", flat=True)

    again = logged_in_with_password(pen_delegate)
    assert again.post("/accounts/login/code/", {"code": codes[0]}).status_code == 403
    assert again.get("/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(pen_delegate: User) -> None:
    client = client_for(pen_delegate)
    old = set_up(client, pen_delegate)
    made = client.post("/accounts/two-factor/recovery-codes/")
    assert made.status_code == 201
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", made.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    login = logged_in_with_password(pen_delegate)
    assert login.post("/accounts/login/code/", {"code": old[1]}).status_code == 403
    StaticDevice.objects.get(user=pen_delegate).throttle_reset()  # no wait after a failure
    assert login.post("/accounts/login/code/", {"code": new[1]}).status_code == 302


def test_turning_it_off_needs_a_current_code(pen_delegate: User) -> None:
    client = client_for(pen_delegate)
    set_up(client, pen_delegate)
    device = TOTPDevice.objects.get(user=pen_delegate)
    assert client.get("/accounts/two-factor/off/").status_code == 200
    refused = client.post("/accounts/two-factor/off/", {"code": "abcdefgh"})
    assert refused.status_code == 403
    assert TOTPDevice.objects.filter(user=pen_delegate).exists()
    done = client.post("/accounts/two-factor/off/", {"code": totp_code(device, steps_ahead=1)})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=pen_delegate).exists()
    assert not StaticToken.objects.filter(device__user=pen_delegate).exists()
    assert actions_of(pen_delegate)[-1] == "delegations.disable_two_factor"
    assert client.get("/").status_code == 200  # a delegate need not have it
    assert logged_in_with_password(pen_delegate).get("/").status_code == 200


def test_a_required_role_without_an_app_must_set_one_up_first(pen_signatory: User) -> None:
    client = logged_in_with_password(pen_signatory)
    for path in ("/", "/accounts/profile/", "/notifications/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"].startswith(SETUP), path
    token = client.post("/accounts/profile/tokens/", {"name": "Script"})
    assert token.status_code == 302 and not pen_signatory.api_tokens.exists()
    api = client.get("/api/statements/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    assert client.get("/published/").status_code == 200
    page = client.get(SETUP).content.decode()
    assert "Your role requires two-factor authentication" in page
    device = TOTPDevice.objects.get(user=pen_signatory, confirmed=False)
    assert client.post(SETUP, {"code": totp_code(device)}).status_code == 201
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


@pytest.mark.parametrize("required", ["", "coordinator"])
def test_the_installation_chooses_the_required_roles(
    required: str, pen_signatory: User, settings: Any
) -> None:
    settings.ACCORD_TWO_FACTOR_REQUIRED_ROLES = [r for r in required.split(",") if r]
    assert logged_in_with_password(pen_signatory).get("/").status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_a_socket_of_a_session_that_owes_its_code_is_refused(pen_signatory: User) -> None:
    await database_sync_to_async(second_factor_device)(pen_signatory)
    owing = await database_sync_to_async(logged_in_with_password)(pen_signatory)
    verified = await database_sync_to_async(client_for)(pen_signatory)
    for client, accepted in ((owing, False), (verified, True)):
        cookie = (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())
        socket = WebsocketCommunicator(
            application, "/ws/notifications/", headers=[(b"origin", b"http://127.0.0.1"), cookie]
        )
        connected, code = await opened(socket)
        assert connected is accepted, code
        if accepted:
            await socket.disconnect()
        else:
            assert code == 4401


def test_demo_code_prints_a_demo_accounts_code_and_refuses_others(
    pen_signatory: User,
) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    from delegations import two_factor
    from tests.conftest import person

    demo = person(
        f"signatory.zz@{two_factor.DEMO_DOMAIN}", User.Role.SIGNATORY, pen_signatory.delegation
    )
    device = TOTPDevice.objects.create(
        user=demo, name="Demo", key=two_factor.DEMO_TOTP_KEY, confirmed=True
    )
    out = StringIO()
    call_command("demo_code", demo.email, stdout=out, stderr=StringIO())
    assert out.getvalue().strip() == totp_code(device)
    second_factor_device(pen_signatory)
    with pytest.raises(CommandError, match="Only demo accounts"):
        call_command("demo_code", pen_signatory.email)
