"""Each transition, its guards and its audit entry, reached the way people reach them."""

from __future__ import annotations

import hashlib
from datetime import UTC, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from audit.models import AuditEntry
from audit.selectors import entries_for
from core.errors import Conflict
from delegations.models import User
from drafts.models import Statement
from drafts.permissions import can_view
from tests.conftest import StatementMaker, later, proof_for
from workflow import actions
from workflow.models import Signature

State = Statement.State
pytestmark = pytest.mark.django_db


def actions_recorded(statement: Statement) -> list[str]:
    return list(entries_for(statement).values_list("action", flat=True))


def test_a_new_statement_is_a_draft_held_by_the_creators_delegation(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    assert statement.state == State.DRAFT
    assert {d.code for d in statement.pen_holders.all()} == {"CA", "NL"}
    assert statement.current_revision is not None
    assert statement.current_revision.number == 1
    assert len(statement.current_revision.content_hash) == 64
    assert actions_recorded(statement) == ["drafts.start_statement", "workflow.grant"]


def test_open_consultation_records_who_and_shows_it_to_every_member(
    make_statement: StatementMaker, chair: User, other_signatory: User
) -> None:
    statement = make_statement()
    assert not can_view(other_signatory, statement)
    deadline = later(10)
    actions.open_consultation(chair, statement, deadline=deadline)
    statement.refresh_from_db()
    assert statement.state == State.CONSULTATION
    assert statement.consultation_deadline == deadline
    assert can_view(other_signatory, statement)
    entry = AuditEntry.objects.filter(action="workflow.open_consultation").get()
    assert entry.actor == chair
    assert entry.actor_delegation == "Germany"
    assert entry.before == {"state": "draft"}
    assert entry.after["state"] == "consultation"
    assert "delegation:KE" in entry.after["grants"]["added"]["view_statement"]


def test_a_joint_statement_cannot_skip_consultation(
    make_statement: StatementMaker, chair: User
) -> None:
    statement = make_statement()
    with pytest.raises(Conflict, match="consultation before sign-on"):
        actions.open_sign_on(chair, statement, deadline=later())
    statement.refresh_from_db()
    assert statement.state == State.DRAFT
    assert statement.instrument_revision is None


def test_a_rapid_response_may_go_straight_to_sign_on(
    make_statement: StatementMaker, chair: User
) -> None:
    statement = make_statement(kind=Statement.Kind.RAPID_RESPONSE)
    actions.open_sign_on(chair, statement, deadline=later(1))
    statement.refresh_from_db()
    assert statement.state == State.SIGN_ON
    assert statement.instrument_revision == statement.current_revision


def test_opening_sign_on_freezes_the_current_revision(
    make_statement: StatementMaker, chair: User
) -> None:
    statement = make_statement(State.CONSULTATION)
    actions.open_sign_on(chair, statement, deadline=later())
    statement.refresh_from_db()
    assert statement.instrument_revision_id == statement.current_revision_id
    entry = AuditEntry.objects.get(action="workflow.open_sign_on")
    assert statement.instrument_revision is not None
    assert statement.instrument_revision.content_hash in entry.note


def test_deadlines_in_the_past_are_refused_and_change_nothing(
    make_statement: StatementMaker, chair: User
) -> None:
    statement = make_statement(State.CONSULTATION)
    with pytest.raises(Conflict, match="already passed"):
        actions.open_sign_on(chair, statement, deadline=timezone.now() - timedelta(hours=1))
    statement.refresh_from_db()
    assert statement.state == State.CONSULTATION


def test_a_signature_commits_to_the_instrument_and_its_hash(
    make_statement: StatementMaker, pen_signatory: User
) -> None:
    statement = make_statement(State.SIGN_ON)
    signature = actions.sign_on(pen_signatory, statement, proof=proof_for(pen_signatory))
    instrument = statement.instrument
    assert instrument is not None
    frozen = instrument.revision
    assert signature.delegation.code == "CA"
    assert signature.given_by == pen_signatory
    assert signature.instrument == instrument
    assert signature.content_hash == frozen.content_hash
    # The instrument's hash, as drafts.instrument defines it: anyone can recompute it.
    line = f"accord-instrument/1\noriginal\t{frozen.content_hash}\n"
    assert instrument.content_hash == hashlib.sha256(line.encode()).hexdigest()
    entry = AuditEntry.objects.filter(action="workflow.sign_on").last()
    assert entry is not None
    assert entry.after == {
        "delegation": "CA",
        "status": "signed",
        "revision": frozen.number,
        "hash": frozen.content_hash,
        "instrument": instrument.content_hash,
    }


def test_each_sign_on_freezes_a_new_instrument_and_the_old_one_stays_with_its_signatures(
    make_statement: StatementMaker, chair: User, pen_signatory: User
) -> None:
    statement = make_statement(State.SIGN_ON)  # France has signed
    first = statement.instrument
    assert first is not None
    statement = actions.return_to_drafting(chair, statement)
    assert statement.instrument is None
    statement = actions.open_consultation(chair, statement, deadline=later())
    statement = actions.open_sign_on(chair, statement, deadline=later())
    second = statement.instrument
    assert second is not None and second != first
    assert second.content_hash == first.content_hash, "the same text: the same instrument hash"
    france = Signature.objects.get(statement=statement, delegation__code="FR")
    assert (france.status, france.instrument) == (Signature.Status.VOID, first)
    canada = actions.sign_on(pen_signatory, statement, proof=proof_for(pen_signatory))
    assert canada.instrument == second
    with pytest.raises(ValueError, match="never changes"):
        first.save()


def test_a_delegation_signs_only_once(
    make_statement: StatementMaker, pen_signatory: User, pen_delegate: User
) -> None:
    statement = make_statement(State.SIGN_ON)
    actions.sign_on(pen_signatory, statement, proof=proof_for(pen_signatory))
    second_signatory = pen_signatory.__class__.objects.create_user(
        "second.ca@example.org",
        "x",
        full_name="Second",
        role="signatory",
        delegation_id=pen_signatory.delegation_id,
    )
    from delegations.actions import sync_groups

    sync_groups(second_signatory)
    with pytest.raises(Conflict, match="Canada has already signed on"):
        actions.sign_on(second_signatory, statement, proof=proof_for(second_signatory))
    assert statement.signatures.filter(delegation__code="CA").count() == 1


def test_signing_after_the_deadline_says_when_it_closed(
    make_statement: StatementMaker, pen_signatory: User
) -> None:
    statement = make_statement(State.SIGN_ON)
    closed = timezone.now() - timedelta(minutes=5)
    Statement.objects.filter(pk=statement.pk).update(sign_on_deadline=closed)
    expected = f"Sign-on closed on {closed.day} {closed:%b %Y %H:%M} UTC."
    with pytest.raises(Conflict) as refusal:
        actions.sign_on(pen_signatory, statement, proof=proof_for(pen_signatory))
    assert refusal.value.message == expected
    assert not statement.signatures.filter(delegation__code="CA").exists()


def test_decline_then_sign_then_withdraw(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    statement = make_statement(State.SIGN_ON)
    assert actions.decline(other_signatory, statement).status == Signature.Status.DECLINED
    with pytest.raises(Conflict, match="already declined"):
        actions.decline(other_signatory, statement)
    assert (
        actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory)).status
        == Signature.Status.SIGNED
    )
    with pytest.raises(Conflict, match="withdraw the signature first"):
        actions.decline(other_signatory, statement)
    withdrawn = actions.withdraw_signature(other_signatory, statement)
    assert withdrawn.status == Signature.Status.WITHDRAWN
    with pytest.raises(Conflict, match="nothing to withdraw"):
        actions.withdraw_signature(other_signatory, statement)
    kenya = statement.signatures.filter(delegation__code="KE")
    assert kenya.count() == 1, "one row per delegation: its answer changes, it is not duplicated"


def test_returning_to_drafting_voids_signatures_but_keeps_them(
    make_statement: StatementMaker, chair: User, pen_signatory: User
) -> None:
    statement = make_statement(State.SIGN_ON)
    actions.sign_on(pen_signatory, statement, proof=proof_for(pen_signatory))
    actions.return_to_drafting(chair, statement)
    statement.refresh_from_db()
    assert statement.state == State.DRAFT
    assert statement.instrument_revision is None
    assert set(statement.signatures.values_list("status", flat=True)) == {"void"}
    assert statement.signatures.count() == 2
    entry = AuditEntry.objects.get(action="workflow.return_to_drafting")
    assert entry.note == "2 signature(s) made void"
    # A second sign-on round starts afresh: the void signatures don't block new ones.
    actions.open_consultation(chair, statement, deadline=None)
    actions.open_sign_on(chair, statement, deadline=later())
    assert (
        actions.sign_on(pen_signatory, statement, proof=proof_for(pen_signatory)).status
        == Signature.Status.SIGNED
    )
    assert statement.signatures.count() == 3


def test_publishing_needs_the_minimum_signatures(
    make_statement: StatementMaker, coordinator: User, pen_signatory: User
) -> None:
    statement = make_statement(State.SIGN_ON, min_signatures=2)
    with pytest.raises(Conflict, match="at least 2 signature"):
        actions.publish(coordinator, statement)
    statement.refresh_from_db()
    assert statement.state == State.SIGN_ON
    actions.sign_on(pen_signatory, statement, proof=proof_for(pen_signatory))
    actions.publish(coordinator, statement)
    statement.refresh_from_db()
    assert statement.state == State.PUBLISHED
    assert statement.published_at is not None
    assert AuditEntry.objects.get(action="workflow.publish").note == "2 signatories"


def test_only_coordinators_publish(make_statement: StatementMaker, chair: User) -> None:
    statement = make_statement(State.SIGN_ON)
    with pytest.raises(PermissionDenied):
        actions.publish(chair, statement)
    statement.refresh_from_db()
    assert statement.state == State.SIGN_ON


def test_withdraw_keeps_the_reason_and_voids_signatures(
    make_statement: StatementMaker, coordinator: User
) -> None:
    statement = make_statement(State.SIGN_ON)
    actions.withdraw(coordinator, statement, reason="Events moved on.")
    statement.refresh_from_db()
    assert statement.state == State.WITHDRAWN
    assert statement.withdrawal_reason == "Events moved on."
    assert set(statement.signatures.values_list("status", flat=True)) == {"void"}
    with pytest.raises(Conflict):
        actions.withdraw(coordinator, statement, reason="Again")


def test_a_published_statement_never_moves_again(
    make_statement: StatementMaker, chair: User, coordinator: User
) -> None:
    statement = make_statement(State.PUBLISHED)
    for attempt in (
        lambda: actions.return_to_drafting(chair, statement),
        lambda: actions.withdraw(coordinator, statement, reason="No"),
        lambda: actions.publish(coordinator, statement),
        lambda: actions.open_consultation(chair, statement, deadline=None),
    ):
        with pytest.raises(Conflict):
            attempt()
    statement.refresh_from_db()
    assert statement.state == State.PUBLISHED


def test_the_state_field_cannot_be_set_directly(make_statement: StatementMaker) -> None:
    statement = make_statement()
    with pytest.raises(AttributeError):
        statement.state = State.PUBLISHED
    with pytest.raises(TransitionNotAllowed):
        statement.publish(at=timezone.now(), slug="x")


def test_a_delegation_that_leaves_stops_seeing_unpublished_work(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    from delegations.actions import update_delegation
    from workflow.selectors import statements_visible_to

    statement = make_statement(State.CONSULTATION)
    assert can_view(other_signatory, statement)
    kenya = other_signatory.delegation
    assert kenya is not None
    update_delegation(None, kenya, name=kenya.name, is_member=False)
    other_signatory = User.objects.get(pk=other_signatory.pk)
    assert not can_view(other_signatory, statement)
    assert not statements_visible_to(other_signatory).exists()
    with pytest.raises(PermissionDenied):
        actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory))


def test_publication_gives_a_permanent_address_with_the_date_and_title(
    make_statement: StatementMaker, coordinator: User
) -> None:
    first = make_statement("published", title="Joint Statement on Internet Shutdowns!")
    assert first.published_at is not None
    day = first.published_at.astimezone(UTC).strftime("%Y-%m-%d")
    assert first.slug == f"{day}-joint-statement-on-internet-shutdowns"
    second = make_statement("published", title="Joint statement on internet shutdowns")
    assert second.slug == f"{day}-joint-statement-on-internet-shutdowns-2"
