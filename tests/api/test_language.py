"""The API answers a person in the language and time zone saved on their profile, whether they
call it with their session (as the browser does) or with a personal token (as a program does).

A token call is authenticated inside DRF, after the middleware that speaks to a logged-in
person has run: these tests hold the token's owner to the same rule as a session's person. A
saved language wins over ``Accept-Language``; without one, ``Accept-Language`` decides.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from delegations import actions as delegation_actions
from delegations.models import User
from drafts.models import Statement
from tests.api.conftest import api_client_for, token_client_for
from tests.conftest import StatementMaker
from workflow import actions

pytestmark = pytest.mark.django_db

MISSING = "/api/statements/987654/"


def speaks(person: User, language: str, time_zone: str = "UTC") -> User:
    person.language = language
    person.time_zone = time_zone
    person.save(update_fields=["language", "time_zone"])
    return person


def asking_for(client: APIClient, language: str) -> APIClient:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def test_a_token_call_answers_in_the_owners_saved_language_over_accept_language(
    make_statement: StatementMaker, chair: User
) -> None:
    draft = make_statement("draft")
    api = asking_for(token_client_for(speaks(chair, "fr")), "en")

    missing = api.get(MISSING)
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "detail": "Déclaration introuvable."}
    assert missing["Content-Language"] == "fr"

    refused = api.post(f"/api/statements/{draft.pk}/transitions/return_to_drafting/")
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "transition_not_allowed",
        "detail": "Seule une déclaration en consultation ou ouverte à la signature peut être "
        "renvoyée à la rédaction ; celle-ci est à l'état « projet ».",
    }
    assert Statement.objects.get(pk=draft.pk).state == "draft"

    # DRF's own words too: the choices a filter takes.
    bad_filter = api.get("/api/statements/", {"state": "nowhere"})
    assert bad_filter.status_code == 400
    assert bad_filter.json()["errors"]["state"] == ["«\xa0nowhere\xa0» n'est pas un choix valide."]


def test_a_token_call_of_someone_with_no_saved_language_follows_accept_language(
    pen_delegate: User,
) -> None:
    assert pen_delegate.language == ""
    spanish = asking_for(token_client_for(pen_delegate), "es").get(MISSING)
    assert spanish.json()["detail"] == "No existe esa declaración."
    assert spanish["Content-Language"] == "es"
    english = token_client_for(pen_delegate).get(MISSING)
    assert english.json()["detail"] == "No such statement."


def test_the_token_speaks_for_its_owner_not_for_a_session_sent_with_it(
    pen_delegate: User, chair: User, other_signatory: User
) -> None:
    """A browser logged in as one person, who reads Spanish, that sends another's token (as
    the API's documentation page may) is answered as the token's owner would be."""
    _, french_secret = delegation_actions.create_api_token(speaks(chair, "fr"), name="Script")
    _, plain_secret = delegation_actions.create_api_token(pen_delegate, name="Script")
    browser = asking_for(api_client_for(speaks(other_signatory, "es")), "en")
    assert browser.get(MISSING).json()["detail"] == "No existe esa declaración."

    browser.credentials(HTTP_AUTHORIZATION=f"Bearer {french_secret}")
    assert browser.get("/api/me/").json()["email"] == chair.email
    assert browser.get(MISSING).json()["detail"] == "Déclaration introuvable."

    # This token's owner saved no language: the browser's Accept-Language decides, not the
    # Spanish saved by the session's person.
    browser.credentials(HTTP_AUTHORIZATION=f"Bearer {plain_secret}")
    assert browser.get("/api/me/").json()["email"] == pen_delegate.email
    assert browser.get(MISSING).json()["detail"] == "No such statement."


def test_a_session_call_is_unchanged(pen_delegate: User) -> None:
    french = asking_for(api_client_for(speaks(pen_delegate, "fr")), "en").get(MISSING)
    assert french.json()["detail"] == "Déclaration introuvable."
    speaks(pen_delegate, "")
    spanish = asking_for(api_client_for(pen_delegate), "es").get(MISSING)
    assert spanish.json()["detail"] == "No existe esa declaración."


def test_times_come_in_the_owners_time_zone_by_token_as_by_session(
    make_statement: StatementMaker, chair: User
) -> None:
    statement = make_statement("consultation")
    actions.open_sign_on(chair, statement, deadline=datetime(2031, 11, 4, 12, 0, tzinfo=UTC))
    speaks(chair, "", "Europe/Paris")
    url = f"/api/statements/{statement.pk}/"

    by_token = token_client_for(chair).get(url).json()["sign_on_deadline"]
    by_session = api_client_for(chair).get(url).json()["sign_on_deadline"]
    assert by_token == by_session == "2031-11-04T13:00:00+01:00"
