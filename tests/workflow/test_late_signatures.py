"""After publication: members that cleared the text late sign it, and a coordinator may take a
signature off, with the reason on the record. The text never changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEntry
from core.errors import Conflict
from delegations.models import User
from drafts.models import Statement
from notifications.models import Notification
from tests.conftest import StatementMaker, client_for, delegation, person, proof_for
from workflow import actions, selectors
from workflow import notices as workflow_notices
from workflow.models import Signature

pytestmark = pytest.mark.django_db
State = Statement.State


def sign_late(client: Any, statement: Statement) -> Any:
    return client.post(reverse("workflow:sign_on", args=[statement.pk]))


def public_page(statement: Statement) -> str:
    return client_for(None).get(statement_url(statement)).content.decode()


def statement_url(statement: Statement) -> str:
    return reverse("workflow:public_detail", args=[statement.slug])


def test_a_chair_opens_late_signatures_and_a_member_signs_the_same_text(
    make_statement: StatementMaker, chair: User, other_signatory: User, coordinator: User
) -> None:
    statement = make_statement(State.PUBLISHED)
    frozen = statement.instrument_revision
    assert frozen is not None

    opened = client_for(chair).post(reverse("workflow:open_late_signatures", args=[statement.pk]))
    assert opened.status_code == 302
    statement.refresh_from_db()
    assert statement.accepts_late_signatures
    assert AuditEntry.objects.filter(action="workflow.open_late_signatures").count() == 1

    assert sign_late(client_for(other_signatory), statement).status_code == 302
    late = Signature.objects.get(statement=statement, delegation__code="KE")
    assert late.status == Signature.Status.SIGNED
    assert late.instrument.revision_id == frozen.pk
    assert late.content_hash == frozen.content_hash
    assert late.is_late
    statement.refresh_from_db()
    assert statement.instrument_revision_id == frozen.pk  # the text is the one published
    assert statement.state == State.PUBLISHED

    page = public_page(statement)
    assert "Joint statement of 2 members of the coalition" in page
    assert page.index("France") < page.index("Kenya")  # collation order, late ones included
    kenya_row = page[page.index("Kenya") :].split("</li>")[0]
    assert "after publication" in kenya_row
    assert f'datetime="{late.given_at.isoformat()}"' in kenya_row.replace("+00:00", "+00:00")
    france_row = page[page.index("France") :].split("</li>")[0]
    assert "after publication" not in france_row

    entry = AuditEntry.objects.filter(action="workflow.sign_on").latest("id")
    assert entry.after["late"] is True
    told = set(
        Notification.objects.filter(event=workflow_notices.SIGNATURE_GIVEN.code).values_list(
            "recipient__email", flat=True
        )
    )
    assert {chair.email, coordinator.email} <= told


def test_only_the_chairs_of_the_body_open_or_close_late_signatures(
    make_statement: StatementMaker, cast: dict[str, Any]
) -> None:
    statement = make_statement(State.PUBLISHED)
    url = reverse("workflow:open_late_signatures", args=[statement.pk])
    for role in ("coordinator", "other_chair", "pen_signatory", "other_signatory"):
        response = client_for(cast[role]).post(url)
        assert response.status_code == 403, role
        assert b"Only the chairs of Plenary" in response.content
    assert client_for(None).post(url).status_code == 302  # to the login page
    statement.refresh_from_db()
    assert not statement.accepts_late_signatures
    with pytest.raises(PermissionDenied):
        actions.close_late_signatures(cast["coordinator"], statement)


@pytest.mark.parametrize("state", [State.DRAFT, State.CONSULTATION, State.SIGN_ON])
def test_late_signatures_are_for_published_statements_only(
    state: str, make_statement: StatementMaker, chair: User
) -> None:
    statement = make_statement(state)
    response = client_for(chair).post(reverse("workflow:open_late_signatures", args=[statement.pk]))
    assert response.status_code == 409
    assert b"Only a published statement takes late signatures" in response.content
    statement.refresh_from_db()
    assert not statement.accepts_late_signatures


def test_opening_twice_or_closing_when_closed_is_refused(
    make_statement: StatementMaker, chair: User
) -> None:
    statement = make_statement(State.PUBLISHED)
    with pytest.raises(Conflict, match="does not take late signatures"):
        actions.close_late_signatures(chair, statement)
    actions.open_late_signatures(chair, statement)
    with pytest.raises(Conflict, match="already takes late signatures"):
        actions.open_late_signatures(chair, statement)
    actions.close_late_signatures(chair, statement)
    statement.refresh_from_db()
    assert not statement.accepts_late_signatures


def test_a_published_statement_takes_no_signature_unless_opened(
    make_statement: StatementMaker, chair: User, other_signatory: User
) -> None:
    statement = make_statement(State.PUBLISHED)
    refused = sign_late(client_for(other_signatory), statement)
    assert refused.status_code == 409
    assert b"no longer takes signatures" in refused.content
    actions.open_late_signatures(chair, statement)
    actions.close_late_signatures(chair, statement)
    assert sign_late(client_for(other_signatory), statement).status_code == 409
    assert not Signature.objects.filter(statement=statement, delegation__code="KE").exists()


def test_who_may_sign_late(
    make_statement: StatementMaker,
    chair: User,
    cast: dict[str, Any],
) -> None:
    statement = make_statement(State.PUBLISHED)
    actions.open_late_signatures(chair, statement)
    # A delegate (not a signatory), a chair who is a delegate: 403. A non-member and an
    # adviser never saw the sign-on: for them the statement's internal page does not exist.
    for role in ("pen_delegate", "chair", "coordinator"):
        assert sign_late(client_for(cast[role]), statement).status_code == 403, role
    for role in ("non_member_delegate", "adviser"):
        assert sign_late(client_for(cast[role]), statement).status_code == 404, role
    # France signed before publication: signing again is refused.
    france = Signature.objects.get(statement=statement, delegation__code="FR")
    with pytest.raises(Conflict, match="already signed"):
        actions.sign_on(france.given_by, statement, proof=proof_for(france.given_by))
    assert sign_late(client_for(cast["pen_signatory"]), statement).status_code == 302


def test_no_decline_or_withdrawal_after_publication(
    make_statement: StatementMaker, chair: User, other_signatory: User, third_signatory: User
) -> None:
    statement = make_statement(State.PUBLISHED)
    actions.open_late_signatures(chair, statement)
    actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory))
    for step, who in (("withdraw_signature", third_signatory), ("decline", other_signatory)):
        response = client_for(who).post(reverse(f"workflow:{step}", args=[statement.pk]))
        assert response.status_code == 409, step
        assert b"A signature on a published statement is final" in response.content
    assert Signature.objects.filter(statement=statement, status="signed").count() == 2


def test_a_delegation_that_declined_in_sign_on_may_sign_late(
    make_statement: StatementMaker, chair: User, other_signatory: User
) -> None:
    statement = make_statement(State.SIGN_ON)
    actions.decline(other_signatory, statement)
    coordinator = User.objects.get(role=User.Role.COORDINATOR)
    statement = actions.publish(coordinator, statement)
    actions.open_late_signatures(chair, statement)
    signature = actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory))
    assert signature.status == Signature.Status.SIGNED
    assert signature.is_late


def test_buttons_offered_after_publication(
    make_statement: StatementMaker, chair: User, other_signatory: User, coordinator: User
) -> None:
    statement = make_statement(State.PUBLISHED)

    def offered(user: User) -> set[str]:
        fresh = selectors.statement_for(user, statement.pk)
        mine = next(
            (s for s in selectors.signatures_of(fresh) if s.delegation_id == user.delegation_id),
            None,
        )
        return selectors.available_actions(user, fresh, mine)

    assert offered(chair) == {"open_late_signatures"}
    assert offered(other_signatory) == set()
    assert offered(coordinator) == {"remove_signature"}
    actions.open_late_signatures(chair, statement)
    assert offered(chair) == {"close_late_signatures"}
    assert offered(other_signatory) == {"sign_on"}
    page = client_for(other_signatory).get(reverse("workflow:statement", args=[statement.pk]))
    assert b">Sign on</button>" in page.content
    assert b"takes late signatures" in page.content
    actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory))
    assert offered(other_signatory) == set()


# --- removal -------------------------------------------------------------------------------


def remove(client: Any, statement: Statement, code: str, reason: str) -> Any:
    return client.post(
        reverse("workflow:remove_signature", args=[statement.pk]),
        {"delegation": code, "reason": reason, "confirmed": "yes"},
    )


def test_a_coordinator_removes_a_signature_with_a_reason_on_the_record(
    make_statement: StatementMaker,
    chair: User,
    coordinator: User,
    other_signatory: User,
    third_signatory: User,
) -> None:
    statement = make_statement(State.PUBLISHED)
    actions.open_late_signatures(chair, statement)
    actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory))
    assert "Joint statement of 2 members" in public_page(statement)

    done = remove(client_for(coordinator), statement, "FR", "  Signed by mistake.  ")
    assert done.status_code == 302
    removed = Signature.objects.get(statement=statement, delegation__code="FR")
    assert removed.status == Signature.Status.REMOVED
    assert removed.removal_reason == "Signed by mistake."
    assert removed.removed_by_id == coordinator.pk

    page = public_page(statement)
    assert "Joint statement of 1 member of the coalition" in page
    assert "France" not in page
    entry = AuditEntry.objects.get(action="workflow.remove_signature")
    assert entry.after == {"delegation": "FR", "status": "removed", "reason": "Signed by mistake."}
    assert Notification.objects.filter(
        recipient=third_signatory, event=workflow_notices.SIGNATURE_REMOVED.code
    ).exists()

    inside = client_for(chair).get(reverse("workflow:statement", args=[statement.pk]))
    html = inside.content.decode()
    assert "<del>France</del>" in html
    assert "Signed by mistake." in html
    assert "Removed a signature" in html  # in the history

    # The removed delegation cannot sign this statement again, even while it takes late
    # signatures: the record keeps one answer per delegation.
    again = sign_late(client_for(third_signatory), statement)
    assert again.status_code == 409
    assert b"cannot sign it again" in again.content


def test_only_coordinators_remove_signatures(
    make_statement: StatementMaker, cast: dict[str, Any]
) -> None:
    statement = make_statement(State.PUBLISHED)
    for role in ("chair", "pen_signatory", "other_signatory", "other_chair"):
        response = remove(client_for(cast[role]), statement, "FR", "No reason at all.")
        assert response.status_code == 403, role
    adviser = remove(client_for(cast["adviser"]), statement, "FR", "No reason at all.")
    assert adviser.status_code == 404  # an adviser never sees a published statement's record
    assert Signature.objects.get(statement=statement).status == Signature.Status.SIGNED


def test_removal_needs_a_reason_and_keeps_what_was_typed(
    make_statement: StatementMaker, coordinator: User
) -> None:
    statement = make_statement(State.PUBLISHED)
    response = remove(client_for(coordinator), statement, "FR", "   ")
    assert response.status_code == 400
    assert b"Give the reason for removing the signature." in response.content
    unknown = remove(client_for(coordinator), statement, "ZZ", "A reason.")
    assert unknown.status_code == 400
    assert Signature.objects.get(statement=statement).status == Signature.Status.SIGNED
    with pytest.raises(Conflict, match="Give the reason"):
        actions.remove_signature(coordinator, statement, delegation("FR"), reason=" ")


def test_removal_only_of_a_signature_on_a_published_statement(
    make_statement: StatementMaker, coordinator: User
) -> None:
    in_sign_on = make_statement(State.SIGN_ON, title="Still in sign-on")
    refused = remove(client_for(coordinator), in_sign_on, "FR", "A reason.")
    assert refused.status_code == 409
    assert b"Only a signature on a published statement can be removed" in refused.content
    published = make_statement(State.PUBLISHED, title="Published one")
    not_signed = remove(client_for(coordinator), published, "KE", "A reason.")
    assert not_signed.status_code == 409
    assert b"Kenya has not signed this statement" in not_signed.content
    actions.remove_signature(coordinator, published, delegation("FR"), reason="Mistake.")
    with pytest.raises(Conflict, match="France has not signed"):
        actions.remove_signature(coordinator, published, delegation("FR"), reason="Twice.")


def test_the_coordinator_sees_a_removal_form_per_signatory(
    make_statement: StatementMaker, coordinator: User, chair: User
) -> None:
    statement = make_statement(State.PUBLISHED)
    html = client_for(coordinator).get(reverse("workflow:statement", args=[statement.pk]))
    assert b"Remove the signature of France" in html.content
    as_chair = client_for(chair).get(reverse("workflow:statement", args=[statement.pk]))
    assert b"Remove the signature of France" not in as_chair.content


def test_late_signatories_must_be_of_a_member_delegation(
    make_statement: StatementMaker, chair: User, non_member_delegate: User
) -> None:
    statement = make_statement(State.PUBLISHED)
    actions.open_late_signatures(chair, statement)
    left = non_member_delegate.delegation
    assert left is not None
    signatory = person("signatory.xo@example.org", User.Role.SIGNATORY, left)
    with pytest.raises(PermissionDenied):
        actions.sign_on(signatory, statement, proof=proof_for(signatory))
