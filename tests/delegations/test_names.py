"""Delegations are named in the reader's language (CLDR, by ISO code) and listed in that
language's order; in English they keep the coalition's own short names and order."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from delegations.models import Delegation, User
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
