"""A signature commits a state: when the session's last two-factor code is older than the
installation's limit, signing asks for a current one, on the page and in the API."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from delegations import two_factor
from delegations.models import User
from drafts.models import Statement
from tests.api.conftest import api_client_for, token_client_for
from tests.conftest import (
    StatementMaker,
    client_for,
    proof_for,
    second_factor_device,
    totp_code,
)
from workflow import actions
from workflow.models import Signature

pytestmark = pytest.mark.django_db


def age_the_check(client: Client, seconds: float = 901) -> None:
    session = client.session
    session[two_factor.SECOND_FACTOR_AT] = time.time() - seconds
    session.save()


def signed(statement: Statement, user: User) -> bool:
    return Signature.objects.filter(
        statement=statement, delegation=user.delegation, status=Signature.Status.SIGNED
    ).exists()


def test_an_old_check_asks_for_a_code_and_nothing_is_signed_without_a_right_one(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)
    client = client_for(other_signatory)
    page = reverse("workflow:statement", args=[statement.pk])
    sign = reverse("workflow:sign_on", args=[statement.pk])
    assert 'name="code"' not in client.get(page).content.decode()  # checked just now

    age_the_check(client)
    assert 'data-testid="sign-with-code"' in client.get(page).content.decode()
    missing = client.post(sign)
    assert missing.status_code == 403
    assert "Nothing was signed" in missing.content.decode()
    wrong = client.post(sign, {"code": "000000"})
    assert wrong.status_code == 403 and "did not work" in wrong.content.decode()
    assert not signed(statement, other_signatory)

    device = second_factor_device(other_signatory)
    assert device is not None
    device.throttle_reset()
    done = client.post(sign, {"code": totp_code(device)})
    assert done.status_code == 302 and signed(statement, other_signatory)
    age = two_factor.last_check_age(client.session)
    assert age is not None and age < 60  # refreshed


def test_declining_does_not_ask_for_a_code(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    """Declining and withdrawing commit the state to nothing, so they do not ask again."""
    statement = make_statement(Statement.State.SIGN_ON)
    client = client_for(other_signatory)
    age_the_check(client)
    assert client.post(reverse("workflow:decline", args=[statement.pk])).status_code == 302


def test_the_limit_comes_from_the_settings(
    make_statement: StatementMaker, other_signatory: User, settings: object
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)
    settings.ACCORD_SIGNATURE_REAUTH_SECONDS = 3600  # type: ignore[attr-defined]
    client = client_for(other_signatory)
    age_the_check(client, 1800)
    assert client.post(reverse("workflow:sign_on", args=[statement.pk])).status_code == 302


def test_the_api_applies_the_same_rule_to_a_session(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)
    client = api_client_for(other_signatory)
    age_the_check(client)
    url = f"/api/statements/{statement.pk}/signatures/"
    refused = client.post(url, {"action": "sign_on"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "second_factor_required"
    wrong = client.post(url, {"action": "sign_on", "code": "abcdefgh"}, format="json")
    assert wrong.status_code == 403 and wrong.json()["code"] == "second_factor_invalid"
    assert not signed(statement, other_signatory)
    device = second_factor_device(other_signatory)
    assert device is not None
    given = client.post(url, {"action": "sign_on", "code": totp_code(device)}, format="json")
    assert given.status_code == 200 and signed(statement, other_signatory)


def test_a_token_signs_only_with_a_current_code(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)
    device = second_factor_device(other_signatory)
    assert device is not None
    client = token_client_for(other_signatory)
    url = f"/api/statements/{statement.pk}/signatures/"
    refused = client.post(url, {"action": "sign_on"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "second_factor_required"
    assert client.get(url).status_code == 200  # reading needs no code
    declined = client.post(url, {"action": "decline"}, format="json")
    assert declined.status_code == 200
    given = client.post(url, {"action": "sign_on", "code": totp_code(device)}, format="json")
    assert given.status_code == 200 and signed(statement, other_signatory)


def test_the_action_itself_weighs_the_proof_whoever_calls_it(
    make_statement: StatementMaker, other_signatory: User, pen_signatory: User
) -> None:
    """A signature arriving by a new way (a command, the admin, a socket) is held to the same
    rule: the action refuses a missing, stale or borrowed proof, and signs with a current one."""
    statement = make_statement(Statement.State.SIGN_ON)
    device = second_factor_device(other_signatory)
    assert device is not None
    refusals = {
        "none": two_factor.proof_without_code(other_signatory),
        "stale": two_factor.Proof(other_signatory.pk, time.time() - 901),
        "borrowed": proof_for(pen_signatory),
    }
    for name, proof in refusals.items():
        with pytest.raises(two_factor.SecondFactorRefused) as refused:
            actions.sign_on(other_signatory, statement, proof=proof)
        assert refused.value.code == "second_factor_required", name
        assert not signed(statement, other_signatory), name
    current = two_factor.proof_from_code(other_signatory, totp_code(device))
    actions.sign_on(other_signatory, statement, proof=current)
    assert signed(statement, other_signatory)
    # A code is a proof only if it is right (and not spent already).
    with pytest.raises(two_factor.WrongCode):
        two_factor.proof_from_code(other_signatory, totp_code(device))


def test_a_required_role_without_a_device_cannot_sign_until_it_sets_one_up(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)
    assert two_factor.required_for(other_signatory)
    assert not two_factor.has_device(other_signatory)
    with pytest.raises(two_factor.SecondFactorRefused) as refused:
        actions.sign_on(
            other_signatory, statement, proof=two_factor.proof_without_code(other_signatory)
        )
    assert "Set up two-factor authentication" in str(refused.value)
    assert not signed(statement, other_signatory)
