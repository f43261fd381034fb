"""What leaving the coalition means for a statement's signatures: a signature given while a
member stays on the record; while sign-on is open it no longer counts and is not published
(unless the delegation rejoins first); once published, leaving changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.errors import Conflict
from delegations import actions as delegation_actions
from drafts.models import Statement
from tests.conftest import StatementMaker, client_for, proof_for
from workflow import actions, policy
from workflow.models import Signature

pytestmark = pytest.mark.django_db
State = Statement.State


def leave(code_of: Any) -> None:
    delegation = code_of.delegation
    delegation_actions.update_delegation(None, delegation, name=delegation.name, is_member=False)


def test_a_signature_given_before_leaving_stays_on_the_record_but_is_not_published(
    make_statement: StatementMaker, other_signatory: Any, coordinator: Any, chair: Any
) -> None:
    statement = make_statement(State.SIGN_ON, min_signatures=2)  # France has signed
    actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory))  # Kenya
    assert policy.signed_count(statement) == 2
    leave(other_signatory)
    statement.refresh_from_db()
    assert policy.signed_count(statement) == 1

    page = client_for(chair).get(reverse("workflow:statement", args=[statement.pk]))
    html = page.content.decode()
    assert 'data-testid="signature-count">1<' in html
    assert "Signed, then left the coalition" in html and "Kenya" in html
    with pytest.raises(Conflict) as refused:
        actions.publish(coordinator, statement)
    assert refused.value.code == "quorum_not_met"

    statement.min_signatures = 1
    statement.save(update_fields=["min_signatures"])
    statement = actions.publish(coordinator, statement)
    kenya = Signature.objects.get(statement=statement, delegation__code="KE")
    assert kenya.status == Signature.Status.VOID  # on the record, not published
    public = client_for(None).get(reverse("workflow:public_detail", args=[statement.slug]))
    signatories = public.content.decode().split('data-testid="signatories"')[1].split("</ol>")[0]
    assert "France" in signatories and "Kenya" not in signatories
    entry = AuditEntry.objects.get(action="workflow.void_signatures_of_former_members")
    assert entry.after == {"delegations": ["KE"]}


def test_rejoining_before_publication_counts_again(
    make_statement: StatementMaker, other_signatory: Any
) -> None:
    statement = make_statement(State.SIGN_ON)
    actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory))
    leave(other_signatory)
    assert policy.signed_count(statement) == 1
    kenya = other_signatory.delegation
    delegation_actions.update_delegation(None, kenya, name=kenya.name, is_member=True)
    assert policy.signed_count(statement) == 2


def test_leaving_after_publication_changes_nothing(
    make_statement: StatementMaker, third_signatory: Any
) -> None:
    statement = make_statement(State.PUBLISHED)  # signed by France
    leave(third_signatory)
    statement.refresh_from_db()
    assert policy.signed_count(statement) == 1
    public = client_for(None).get(reverse("workflow:public_detail", args=[statement.slug]))
    assert "France" in public.content.decode().split('data-testid="signatories"')[1]
