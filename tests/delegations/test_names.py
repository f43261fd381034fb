"""Delegations are named in the reader's language (CLDR, by ISO code) and listed in that
language's order; in English they keep the coalition's own short names and order."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from delegations.models import Delegation, User
from delegations.names import recorded_name
from drafts.models import Statement
from tests.conftest import StatementMaker, client_for, delegation, person, proof_for
from workflow import actions

pytestmark = pytest.mark.django_db


def test_names_follow_the_readers_language() -> None:
    korea = Delegation(name="Republic of Korea", code="KR")
    germany = Delegation(name="Germany", code="DE")
    with translation.override("en"):
        assert (korea.shown_name, germany.shown_name) == ("Republic of Korea", "Germany")
    with translation.override("fr"):
        assert (korea.shown_name, germany.shown_name) == ("Corée du Sud", "Allemagne")
    with translation.override("es"):
        assert germany.shown_name == "Alemania"


def test_a_french_reader_sees_french_names_in_french_order(
    make_statement: StatementMaker, other_signatory: Any, pen_signatory: Any, chair: Any
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)  # France has signed
    german = person("signatory.de@example.org", User.Role.SIGNATORY, delegation("DE"))
    for signatory in (other_signatory, pen_signatory, german):  # Kenya, Canada, Germany
        actions.sign_on(signatory, statement, proof=proof_for(signatory))
    chair.language = "fr"
    chair.save(update_fields=["language"])
    page = client_for(chair).get(reverse("workflow:statement", args=[statement.pk])).content
    listed = page.decode().split('data-testid="signatories"')[1].split("</ol>")[0]
    names = re.findall(r"<strong>([^<]+)</strong>", listed)
    # Germany is "Allemagne": first in French, where English lists it after France.
    assert names == ["Allemagne", "Canada", "France", "Kenya"]
    chair.language = "en"
    chair.save(update_fields=["language"])
    english = client_for(chair).get(reverse("workflow:statement", args=[statement.pk]))
    listed = english.content.decode().split('data-testid="signatories"')[1].split("</ol>")[0]
    assert re.findall(r"<strong>([^<]+)</strong>", listed) == [
        "Canada",
        "France",
        "Germany",
        "Kenya",
    ]


def test_the_record_names_delegations_in_the_readers_language(
    make_statement: StatementMaker, chair: Any, coordinator: Any
) -> None:
    """The record keeps the name a delegation had when it acted, in English (the chain never
    changes); each reader reads it in their language, on the page's history, the statement's
    record and the audit record."""
    statement = make_statement(Statement.State.SIGN_ON)
    german = person("signatory.de@example.org", User.Role.SIGNATORY, delegation("DE"))
    actions.sign_on(german, statement, proof=proof_for(german))
    chair.language = "es"
    chair.save(update_fields=["language"])
    page = client_for(chair).get(reverse("workflow:statement", args=[statement.pk]))
    assert "Firmó en nombre de Alemania" in page.content.decode()
    assert "(Germany)" not in page.content.decode()
    record = client_for(chair).get(reverse("workflow:record", args=[statement.pk]))
    assert "Alemania" in record.content.decode()
    assert ">Germany<" not in record.content.decode()
    coordinator.language = "fr"
    coordinator.save(update_fields=["language"])
    audit = client_for(coordinator).get(reverse("audit:record"))
    assert "pour Allemagne" in audit.content.decode()


def test_a_recorded_name_no_delegation_bears_is_shown_as_recorded() -> None:
    with translation.override("fr"):
        assert recorded_name("Germany") == "Allemagne"
        assert recorded_name("Federal Republic of Nowhere") == "Federal Republic of Nowhere"
        assert recorded_name("") == ""
