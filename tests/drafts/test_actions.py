"""Saving revisions: the pen, the base revision, merging with newer revisions, and what happens
once sign-on opens."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from delegations.models import User
from drafts import actions
from drafts.errors import EditingClosed, InvalidText, MergeConflict, StaleEdit
from drafts.models import Revision, Statement
from tests.conftest import TEXT, StatementMaker, later

pytestmark = pytest.mark.django_db


def test_a_save_becomes_the_next_revision(
    make_statement: StatementMaker, pen_signatory: User
) -> None:
    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    revision = actions.save_revision(pen_signatory, statement, text=TEXT + "\nMore.\n", base=first)
    assert revision.number == 2
    assert revision.parent == first
    assert revision.author == pen_signatory
    assert revision.delegation is not None and revision.delegation.code == "CA"
    assert revision.statement_state == "draft"
    statement.refresh_from_db()
    assert statement.current_revision == revision
    assert AuditEntry.objects.filter(action="drafts.save_revision").count() == 1


def test_two_editors_from_the_same_base_both_survive_and_are_credited(
    make_statement: StatementMaker, pen_signatory: User, pen_delegate: User
) -> None:
    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    theirs = TEXT.replace("*Call upon* all states", "*Urge* all states")
    mine = TEXT.replace("must also be protected online", "must equally be protected online")
    newer = actions.save_revision(pen_delegate, statement, text=theirs, base=first)

    merged = actions.save_revision(pen_signatory, statement, text=mine, base=first)

    assert merged.number == 3
    assert merged.parent == newer
    assert merged.started_from == first
    assert merged.is_merge
    assert "*Urge* all states" in merged.text
    assert "must equally be protected online" in merged.text
    assert merged.author == pen_signatory
    assert list(merged.co_authors.all()) == [pen_delegate]
    statement.refresh_from_db()
    assert statement.current_revision == merged
    entry = AuditEntry.objects.filter(action="drafts.save_revision").latest("id")
    assert entry.before == {"revision": 2, "hash": newer.content_hash}
    assert entry.after == {
        "revision": 3,
        "hash": merged.content_hash,
        "merged": {"started_from": 1, "merged_with": [2], "co_authors": [str(pen_delegate)]},
    }


def test_overlapping_edits_conflict_and_nothing_is_saved(
    make_statement: StatementMaker, pen_signatory: User, pen_delegate: User
) -> None:
    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    newer = actions.save_revision(
        pen_delegate, statement, text=TEXT.replace("*Call upon*", "*Urge*"), base=first
    )
    mine = TEXT.replace("*Call upon*", "*Demand of*").replace("The members", "We, the members")
    audited = AuditEntry.objects.count()

    with pytest.raises(MergeConflict, match="Revision 2 was saved after you began") as raised:
        actions.save_revision(pen_signatory, statement, text=mine, base=first)

    statement.refresh_from_db()
    assert statement.current_revision == newer
    assert statement.revisions.count() == 2
    assert AuditEntry.objects.count() == audited
    conflict = raised.value
    assert isinstance(conflict, StaleEdit)
    assert conflict.text == mine  # the person's own text, whole
    assert conflict.current == newer and conflict.base == first
    (passage,) = conflict.conflicts
    assert ("*Urge*" in passage.theirs, "*Demand of*" in passage.mine) == (True, True)
    # What they are offered to settle it: their edits, and the newer ones that do not collide.
    assert "We, the members" in conflict.proposal
    assert "*Demand of*" in conflict.proposal


def test_a_stale_save_the_newer_text_already_holds_makes_no_revision(
    make_statement: StatementMaker, pen_signatory: User, pen_delegate: User
) -> None:
    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    same_change = TEXT.replace("*Call upon*", "*Urge*")
    newer = actions.save_revision(pen_delegate, statement, text=same_change, base=first)
    assert actions.save_revision(pen_signatory, statement, text=same_change, base=first) == newer
    assert statement.revisions.count() == 2


def test_a_base_of_another_statement_is_refused(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement, other = make_statement(), make_statement(title="Another statement")
    foreign = other.current_revision
    assert foreign is not None
    with pytest.raises(StaleEdit, match="belongs to another statement"):
        actions.save_revision(pen_delegate, statement, text="Changed.\n", base=foreign)
    assert statement.revisions.count() == 1


def test_a_merge_that_would_pass_the_size_limit_is_refused(
    make_statement: StatementMaker, pen_signatory: User, pen_delegate: User, settings: Any
) -> None:
    settings.ACCORD_MAX_TEXT_BYTES = len(TEXT) + 35  # room for either addition, not both
    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    actions.save_revision(
        pen_delegate, statement, text=TEXT + "\nTheirs: thirty bytes of it.\n", base=first
    )
    with pytest.raises(InvalidText, match="the most a statement may hold"):
        actions.save_revision(
            pen_signatory,
            statement,
            text=TEXT.replace("# Joint", "# A joint") + "\nMine.\n",
            base=first,
        )
    assert statement.revisions.count() == 2


def test_saving_the_same_text_makes_no_new_revision(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    assert actions.save_revision(pen_delegate, statement, text=TEXT + "\n\n", base=first) == first
    assert statement.revisions.count() == 1


def test_editing_closes_when_sign_on_opens(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)
    base = statement.current_revision
    assert base is not None
    with pytest.raises(EditingClosed):
        actions.save_revision(pen_delegate, statement, text="Late change.\n", base=base)
    assert statement.revisions.count() == 1


def test_only_pen_holders_edit(make_statement: StatementMaker, chair: User) -> None:
    statement = make_statement()
    base = statement.current_revision
    assert base is not None
    with pytest.raises(PermissionDenied):
        actions.save_revision(chair, statement, text="Chair's text.\n", base=base)


def test_a_saved_revision_never_changes(make_statement: StatementMaker) -> None:
    revision = Revision.objects.get(statement=make_statement())
    revision.text = "Rewritten"
    with pytest.raises(ValueError, match="never changes"):
        revision.save()


def test_edit_page_keeps_the_persons_text_on_a_conflicting_save(
    make_statement: StatementMaker, pen_signatory: User, pen_delegate: User
) -> None:
    from tests.conftest import client_for

    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    actions.save_revision(pen_delegate, statement, text="Someone else's newer text.\n", base=first)
    response = client_for(pen_signatory).post(
        f"/statements/{statement.pk}/edit/", {"text": "My careful wording.", "base_revision": 1}
    )
    assert response.status_code == 409
    assert b"My careful wording." in response.content
    assert b"was saved after you began editing" in response.content
    statement.refresh_from_db()
    assert statement.current_revision is not None
    assert statement.current_revision.text == "Someone else's newer text.\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   \n  ", "base_revision": 1}, b"The text cannot be empty."),
        ({"text": "x" * 200_001, "base_revision": 1}, b"the most a statement may hold is 200 KB"),
        ({"text": "Fine.", "base_revision": 99}, b"not one of this statement"),
        ({"text": "Fine.", "base_revision": "abc"}, b"not one of this statement"),
    ],
)
def test_bad_edits_get_form_errors(
    make_statement: StatementMaker, pen_delegate: User, data: dict[str, object], message: bytes
) -> None:
    from tests.conftest import client_for

    statement = make_statement()
    response = client_for(pen_delegate).post(f"/statements/{statement.pk}/edit/", data)
    assert response.status_code == 400
    assert message in response.content
    assert statement.revisions.count() == 1


def test_coordinators_change_details_while_the_state_allows(
    make_statement: StatementMaker, coordinator: User, chair: User
) -> None:
    from workflow import actions as workflow_actions

    statement = make_statement(Statement.State.CONSULTATION)
    with pytest.raises(PermissionDenied):
        actions.change_details(chair, statement, title="Chair's title", min_signatures=1)
    changed = actions.change_details(coordinator, statement, title="Better title", min_signatures=3)
    assert (changed.title, changed.min_signatures) == ("Better title", 3)
    workflow_actions.open_sign_on(chair, statement, deadline=later())
    with pytest.raises(EditingClosed, match="its title can no longer change"):
        actions.change_details(coordinator, statement, title="Late title", min_signatures=3)
    assert (
        actions.change_details(
            coordinator, statement, title="Better title", min_signatures=2
        ).min_signatures
        == 2
    )
    entries = AuditEntry.objects.filter(action="drafts.change_details").order_by("id")
    assert [e.after for e in entries] == [
        {"min_signatures": 3, "title": "Better title"},
        {"min_signatures": 2},
    ]
