"""Audit actions are declared by the apps that record them; the record holds no code a page
cannot name."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from audit import kinds
from audit.actions import record
from audit.models import AuditEntry
from delegations.models import User
from tests.conftest import StatementMaker, client_for, delegation, person, proof_for
from workflow import actions

pytestmark = pytest.mark.django_db


def test_an_undeclared_action_is_refused_and_nothing_is_recorded(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    before = AuditEntry.objects.count()
    with pytest.raises(ValueError, match=r"drafts\.annotate"):
        record(pen_delegate, "drafts.annotate", statement)
    assert AuditEntry.objects.count() == before


def test_each_app_declares_what_it_records() -> None:
    apps = {code.split(".")[0] for code in kinds.codes()}
    assert apps == {"delegations", "drafts", "workflow"}
    assert "workflow.open_sign_on" in kinds.codes()
    assert "delegations.add_person" in kinds.codes()


def test_entries_read_in_the_readers_language_on_every_record(
    make_statement: StatementMaker, coordinator: User, chair: User
) -> None:
    statement = make_statement("sign_on")
    german = person("signatory.de@example.org", User.Role.SIGNATORY, delegation("DE"))
    actions.sign_on(german, statement, proof=proof_for(german))
    signed = AuditEntry.objects.get(action="workflow.sign_on", actor=german)
    opened = AuditEntry.objects.filter(action="workflow.open_sign_on").latest("sequence")
    with translation.override("fr"):
        assert kinds.describe(signed) == "A signé pour Allemagne"
        assert kinds.describe(opened) == "A ouvert la signature"
    coordinator.language = "es"
    coordinator.save(update_fields=["language"])
    page = client_for(coordinator).get(reverse("audit:record")).content.decode()
    assert "Firmó en nombre de Alemania" in page
    assert "<code>workflow.sign_on</code>" in page
