"""Amendments: proposed in consultation by a member delegation, accepted (a new revision credited
to it) or rejected with a reason; open ones rebased when the text changes under them, or marked
outdated when their change no longer applies; and bad input refused with nothing changed."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEntry
from delegations.models import User
from drafts import actions
from drafts.errors import (
    AmendmentCollides,
    AmendmentDecided,
    AmendmentsClosed,
    InvalidAmendment,
    ParagraphGone,
)
from drafts.models import Amendment, Paragraph, Revision, RevisionParagraph, Statement
from drafts.paragraphs import texts
from notifications.models import Notification
from tests.conftest import TEXT, StatementMaker, client_for, later
from tests.drafts.conftest import Listener
from workflow import actions as workflow_actions

pytestmark = pytest.mark.django_db

Kind = Amendment.Kind
Status = Amendment.Status
Because = Amendment.OutdatedBecause
CALL = "2. *Call upon* all states to refrain from shutting down access to the internet."
RECALLING = (
    "1. *Recalling* that the same rights that people have offline must also be protected online;"
)


def current(statement: Statement) -> Revision:
    revision = Statement.objects.get(pk=statement.pk).current_revision
    assert revision is not None
    return revision


def paragraph(statement: Statement, position: int) -> Paragraph:
    return RevisionParagraph.objects.get(revision=current(statement), position=position).paragraph


def keys(revision: Revision) -> list[str]:
    return list(revision.paragraphs.order_by("position").values_list("paragraph__key", flat=True))


def told(event: str) -> set[int]:
    return set(Notification.objects.filter(event=event).values_list("recipient", flat=True))


@pytest.fixture
def consultation(make_statement: StatementMaker) -> Statement:
    return make_statement("consultation")


@pytest.fixture
def propose(consultation: Statement, other_signatory: User) -> Callable[..., Amendment]:
    """Kenya proposes an amendment to paragraph ``position`` of the consultation."""

    def make(
        position: int = 4,
        kind: str = Kind.REPLACE,
        text: str = "",
        *,
        by: User = other_signatory,
        why: str = "Clearer.",
    ) -> Amendment:
        return actions.propose_amendment(
            by,
            consultation,
            paragraph=paragraph(consultation, position),
            kind=kind,
            text=text,
            justification=why,
        )

    return make


def replacing(old: str, new: str) -> str:
    return CALL.replace(old, new)


# --- proposing -------------------------------------------------------------------------------


def test_a_member_delegation_proposes_and_the_pen_holders_are_told(
    consultation: Statement,
    propose: Callable[..., Amendment],
    other_signatory: User,
    pen_delegate: User,
    pen_signatory: User,
) -> None:
    amendment = propose(text=replacing("refrain from", "never resort to"), why="Stronger.")
    assert amendment.status == Status.OPEN
    assert amendment.delegation.code == "KE"
    assert amendment.base_text == CALL
    assert amendment.base_revision == amendment.proposed_against == current(consultation)
    assert told("amendment_proposed") == {pen_delegate.pk, pen_signatory.pk}
    assert AuditEntry.objects.filter(action="drafts.propose_amendment").count() == 1
    html = client_for(pen_delegate).get(f"/statements/{consultation.pk}/").content.decode()
    assert f'id="a-{amendment.pk}"' in html
    assert "never resort to" in html and "Stronger." in html
    assert "Accept<span" in html and "Reject…" in html
    kenya_sees = client_for(other_signatory).get(f"/statements/{consultation.pk}/")
    assert b"Accept<span" not in kenya_sees.content


# --- accepting and rejecting -----------------------------------------------------------------


def test_accepting_makes_a_revision_credited_to_the_proposing_delegation(
    consultation: Statement,
    propose: Callable[..., Amendment],
    pen_delegate: User,
    other_signatory: User,
    listen: Listener,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    before = keys(current(consultation))
    amendment = propose(text=replacing("refrain from", "never resort to"))
    events = listen(consultation)
    with django_capture_on_commit_callbacks(execute=True):
        revision = actions.accept_amendment(pen_delegate, amendment)
    amendment.refresh_from_db()
    assert (amendment.status, amendment.decided_by) == (Status.ACCEPTED, pen_delegate)
    assert revision.number == 2
    assert revision.amendment == amendment
    assert revision.author == pen_delegate
    assert texts(revision.text)[3] == replacing("refrain from", "never resort to")
    assert keys(revision) == before, "the amended paragraph is still itself"
    assert current(consultation) == revision
    assert other_signatory.pk in told("amendment_accepted")
    assert pen_delegate.pk not in told("amendment_accepted")
    entry = AuditEntry.objects.get(action="drafts.accept_amendment")
    assert entry.after["proposed_by"] == "Kenya" and entry.after["revision"] == 2
    event = next(events)
    assert (event["change"], event["revision"], event["state_changed"]) == (
        "amendment_accepted",
        2,
        False,
    )
    assert event["compare"] == f"/statements/{consultation.pk}/compare/?from=1&to=2"
    history = client_for(pen_delegate).get(f"/statements/{consultation.pk}/history/")
    assert b"Amendment by Kenya accepted" in history.content
    page = client_for(pen_delegate).get(f"/statements/{consultation.pk}/")
    assert b"Accepted the amendment by Kenya: revision 2" in page.content


def test_rejecting_needs_a_reason_which_the_delegation_is_told(
    consultation: Statement,
    propose: Callable[..., Amendment],
    pen_signatory: User,
    other_signatory: User,
) -> None:
    amendment = propose(text=replacing("refrain from", "never resort to"))
    client = client_for(pen_signatory)
    url = reverse("drafts:reject_amendment", args=[consultation.pk, amendment.pk])
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert b"Give the reason" in refused.content
    amendment.refresh_from_db()
    assert amendment.status == Status.OPEN
    done = client.post(url, {"reason": "The current wording was agreed in Geneva."})
    assert done.status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == Status.REJECTED
    assert amendment.rejection_reason == "The current wording was agreed in Geneva."
    assert other_signatory.pk in told("amendment_rejected")
    notice = Notification.objects.get(event="amendment_rejected", recipient=other_signatory)
    assert notice.detail_line() == "Reason: The current wording was agreed in Geneva."
    assert current(consultation).number == 1, "a rejection changes no text"
    again = client.post(url, {"reason": "Twice."})
    assert again.status_code == 409
    assert b"rejected already" in again.content


def test_accepting_an_insertion_and_a_deletion(
    consultation: Statement, propose: Callable[..., Amendment], pen_delegate: User
) -> None:
    title, members, recalling, call = keys(current(consultation))
    insertion = propose(
        4, Kind.INSERT_AFTER, "3. *Decide* to remain seized of the matter.", why="Follow-up."
    )
    revision = actions.accept_amendment(pen_delegate, insertion)
    assert texts(revision.text)[-1] == "3. *Decide* to remain seized of the matter."
    added = keys(revision)
    assert added[:4] == [title, members, recalling, call] and len(added) == 5
    deletion = propose(2, Kind.DELETE, "whatever the box held", why="Redundant.")
    assert deletion.text == ""
    revision = actions.accept_amendment(pen_delegate, deletion)
    assert keys(revision) == [title, recalling, call, added[4]]
    assert "The members of the coalition" not in revision.text


def test_an_item_inserted_in_a_tight_list_keeps_it_tight(
    consultation: Statement, pen_delegate: User, propose: Callable[..., Amendment]
) -> None:
    tight = TEXT.replace(RECALLING + "\n\n", RECALLING + "\n")
    actions.save_revision(pen_delegate, consultation, text=tight, base=current(consultation))
    insertion = propose(4, Kind.INSERT_AFTER, "1bis. *Recall also* the Charter;")
    # "1bis." is no list marker: it would run into the item before it unless set apart.
    revision = actions.accept_amendment(pen_delegate, insertion)
    assert "protected online;\n2. *Call upon*" in revision.text
    assert "internet.\n\n1bis." in revision.text
    item = propose(4, Kind.INSERT_AFTER, "2. *Also call upon* all companies to refuse.")
    revision = actions.accept_amendment(pen_delegate, item)
    assert "internet.\n2. *Also call upon*" in revision.text


# --- rebasing and outdated amendments --------------------------------------------------------


def test_an_accepted_amendment_rebases_the_others_on_its_paragraph(
    consultation: Statement, propose: Callable[..., Amendment], pen_delegate: User, chair: User
) -> None:
    first = propose(text=replacing("all states", "all member states"))
    second = propose(
        text=replacing("the internet.", "the internet, in all circumstances."), by=chair
    )
    elsewhere = propose(3, text=RECALLING.replace("Recalling", "Reaffirming"))
    revision = actions.accept_amendment(pen_delegate, first)
    second.refresh_from_db()
    elsewhere.refresh_from_db()
    assert second.status == Status.OPEN
    assert second.base_revision == revision and second.proposed_against.number == 1
    assert second.was_rebased
    assert second.base_text == replacing("all states", "all member states")
    assert second.text == CALL.replace("all states", "all member states").replace(
        "the internet.", "the internet, in all circumstances."
    )
    assert not elsewhere.was_rebased, "its paragraph did not change"
    final = actions.accept_amendment(pen_delegate, second)
    assert "all member states" in final.text and "in all circumstances" in final.text
    entry = AuditEntry.objects.filter(action="drafts.accept_amendment").first()
    assert entry is not None
    assert entry.after["amendments"] == {"rebased": [second.pk], "outdated": []}


def test_an_amendment_to_the_same_words_becomes_outdated(
    consultation: Statement, propose: Callable[..., Amendment], pen_delegate: User, chair: User
) -> None:
    first = propose(text=replacing("refrain from", "never resort to"))
    rival = propose(text=replacing("refrain from", "abstain from"), by=chair)
    same = propose(text=replacing("refrain from", "never resort to"), by=pen_delegate)
    revision = actions.accept_amendment(pen_delegate, first)
    rival.refresh_from_db()
    same.refresh_from_db()
    assert rival.status == Status.OUTDATED
    assert rival.outdated_by == revision
    assert rival.outdated_because == Because.COLLIDES
    assert (
        rival.outdated_reason
        == "Revision 2 changed the same words of the paragraph as this amendment."
    )
    assert rival.text == replacing("refrain from", "abstain from"), "kept as proposed"
    assert same.status == Status.OUTDATED
    assert same.outdated_because == Because.ALREADY_SO
    assert "already words the paragraph as this amendment proposes" in same.outdated_reason
    with pytest.raises(AmendmentDecided):
        actions.accept_amendment(pen_delegate, rival)
    html = client_for(pen_delegate).get(f"/statements/{consultation.pk}/").content.decode()
    assert "Outdated: Revision 2 changed the same words" in html


def test_a_pen_holders_edit_rebases_or_outdates_open_amendments(
    consultation: Statement, propose: Callable[..., Amendment], pen_delegate: User, chair: User
) -> None:
    clean = propose(text=replacing("the internet.", "the internet, at any time."))
    clash = propose(text=replacing("refrain from", "cease"), by=chair)
    deletion = propose(4, Kind.DELETE, why="Say it elsewhere.", by=chair)
    insertion = propose(4, Kind.INSERT_AFTER, "3. *Decide* to meet again.", by=chair)
    on_gone = propose(3, text=RECALLING.replace("Recalling", "Reaffirming"))
    edited = TEXT.replace("refrain from", "refrain at all times from").replace(
        RECALLING + "\n\n", ""
    )
    revision = actions.save_revision(
        pen_delegate, consultation, text=edited, base=current(consultation)
    )
    for amendment in (clean, clash, deletion, insertion, on_gone):
        amendment.refresh_from_db()
    assert clean.status == Status.OPEN and clean.base_revision == revision
    assert clean.text == CALL.replace("refrain from", "refrain at all times from").replace(
        "the internet.", "the internet, at any time."
    )
    assert clash.status == Status.OUTDATED
    assert deletion.status == Status.OUTDATED
    assert deletion.outdated_because == Because.EDITED
    assert (
        deletion.outdated_reason == "Revision 2 edited the paragraph this amendment would delete."
    )
    assert insertion.status == Status.OPEN and insertion.base_revision == revision
    assert on_gone.status == Status.OUTDATED
    assert on_gone.outdated_because == Because.DELETED
    assert on_gone.outdated_reason == "Revision 2 deleted the paragraph."
    entry = AuditEntry.objects.filter(action="drafts.save_revision").latest("id")
    assert entry.after["amendments"] == {
        "rebased": [clean.pk, insertion.pk],
        "outdated": [clash.pk, deletion.pk, on_gone.pk],
    }
    final = actions.accept_amendment(pen_delegate, insertion)
    assert texts(final.text)[-1] == "3. *Decide* to meet again."


def test_why_an_amendment_is_outdated_reads_in_the_readers_language(
    consultation: Statement,
    propose: Callable[..., Amendment],
    pen_delegate: User,
    chair: User,
    other_signatory: User,
) -> None:
    first = propose(text=replacing("refrain from", "never resort to"))
    rival = propose(text=replacing("refrain from", "abstain from"), by=chair)
    on_gone = propose(3, text=RECALLING.replace("Recalling", "Reaffirming"))
    actions.accept_amendment(pen_delegate, first)
    without = TEXT.replace(RECALLING + "\n\n", "")
    actions.save_revision(pen_delegate, consultation, text=without, base=current(consultation))
    # Per language: how the page labels it, and the reasons of the rival and of on_gone.
    expected = {
        "en": (
            "Outdated: ",
            "Revision 2 changed the same words of the paragraph as this amendment.",
            "Revision 3 deleted the paragraph.",
        ),
        "fr": (
            "Caduc : ",
            "La révision 2 a modifié les mêmes mots du paragraphe que cet amendement.",
            "La révision 3 a supprimé le paragraphe.",
        ),
        "es": (
            "Caducada: ",
            "La revisión 2 cambió las mismas palabras del párrafo que esta enmienda.",
            "La revisión 3 suprimió el párrafo.",
        ),
    }
    for language, (outdated, collides, deleted) in expected.items():
        other_signatory.language = language
        other_signatory.save(update_fields=["language"])
        client = client_for(other_signatory)
        page = client.get(f"/statements/{consultation.pk}/").content.decode()
        assert outdated + collides in page, language
        assert outdated + deleted in page, language
        listed = {
            a["id"]: (a["outdated_because"], a["outdated_reason"])
            for a in client.get(f"/api/statements/{consultation.pk}/amendments/").json()
        }
        assert listed[rival.pk] == ("collides", collides)
        assert listed[on_gone.pk] == ("deleted", deleted)
        assert listed[first.pk] == ("", ""), "only an outdated amendment has a reason"


def test_the_data_migration_reads_the_four_sentences_back_into_codes() -> None:
    migration = importlib.import_module("drafts.migrations.0008_outdated_reasons_as_codes")
    code_of = migration.code_of
    assert code_of("Revision 12 changed the same words of the paragraph as this amendment.") == (
        Because.COLLIDES
    )
    assert code_of("Revision 2 already words the paragraph as this amendment proposes.") == (
        Because.ALREADY_SO
    )
    assert code_of("Revision 3 edited the paragraph this amendment would delete.") == (
        Because.EDITED
    )
    assert code_of("Revision 4 deleted the paragraph.") == Because.DELETED
    assert code_of("Revision x deleted the paragraph.") == ""
    assert code_of("Something else.") == ""
    assert set(migration.SENTENCES) == set(Because.values)


def test_a_proposal_on_an_older_wording_is_carried_onto_the_current_one_or_refused(
    consultation: Statement, pen_delegate: User, other_signatory: User
) -> None:
    read = current(consultation)
    call = paragraph(consultation, 4)
    actions.save_revision(
        pen_delegate,
        consultation,
        text=TEXT.replace("refrain from", "refrain at all times from"),
        base=read,
    )
    carried = actions.propose_amendment(
        other_signatory,
        consultation,
        paragraph=call,
        kind=Kind.REPLACE,
        text=replacing("the internet.", "the internet, anywhere."),
        justification="Everywhere.",
        read=read,
    )
    assert carried.proposed_against == read and carried.base_revision.number == 2
    assert "refrain at all times from" in carried.text and "anywhere" in carried.text
    # "refrain from" became "refrain at all times from": changing "refrain from" collides.
    with pytest.raises(AmendmentCollides):
        actions.propose_amendment(
            other_signatory,
            consultation,
            paragraph=call,
            kind=Kind.REPLACE,
            text=replacing("refrain from", "cease"),
            justification="Shorter.",
            read=read,
        )
    response = client_for(other_signatory).post(
        reverse("drafts:propose_amendment", args=[consultation.pk, call.key]),
        {
            "kind": "replace",
            "text": replacing("refrain from", "cease"),
            "justification": "Shorter.",
            "revision": "1",
        },
    )
    assert response.status_code == 409
    assert b"changed the same words" in response.content
    assert b"to cease shutting down" in response.content, "the proposal is kept on the page"
    assert Amendment.objects.count() == 1


# --- who and when ----------------------------------------------------------------------------


def test_amendments_belong_to_consultation(
    make_statement: StatementMaker,
    propose: Callable[..., Amendment],
    consultation: Statement,
    pen_delegate: User,
    other_signatory: User,
    chair: User,
) -> None:
    draft = make_statement(title="Another draft")
    with pytest.raises(AmendmentsClosed):
        actions.propose_amendment(
            pen_delegate,
            draft,
            paragraph=paragraph(draft, 4),
            kind=Kind.DELETE,
            text="",
            justification="x",
        )
    amendment = propose(text=replacing("refrain from", "abstain from"))
    workflow_actions.open_sign_on(chair, consultation, deadline=later())
    with pytest.raises(AmendmentsClosed):
        actions.accept_amendment(pen_delegate, amendment)
    with pytest.raises(AmendmentsClosed):
        propose(text=replacing("refrain from", "cease"))
    html = client_for(other_signatory).get(f"/statements/{consultation.pk}/").content.decode()
    assert "abstain" in html, "open amendments stay on the page"
    assert "Accept<span" not in html


def test_advisers_comment_but_do_not_amend_and_only_pen_holders_decide(
    make_statement: StatementMaker, adviser: User, other_signatory: User
) -> None:
    statement = make_statement("consultation", advisers_invited=True)
    with pytest.raises(PermissionDenied):
        actions.propose_amendment(
            adviser,
            statement,
            paragraph=paragraph(statement, 4),
            kind=Kind.DELETE,
            text="",
            justification="x",
        )
    amendment = actions.propose_amendment(
        other_signatory,
        statement,
        paragraph=paragraph(statement, 4),
        kind=Kind.DELETE,
        text="",
        justification="x",
    )
    with pytest.raises(PermissionDenied):
        actions.accept_amendment(other_signatory, amendment)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "status", "error"),
    [
        ({"kind": "replace", "text": "", "justification": "x"}, 400, "Write the wording"),
        ({"kind": "replace", "text": CALL, "justification": "x"}, 400, "paragraph's own wording"),
        ({"kind": "insert_after", "text": CALL, "justification": "x"}, 400, "own wording"),
        ({"kind": "replace", "text": "New.", "justification": " "}, 400, "Say why"),
        ({"kind": "rewrite", "text": "New.", "justification": "x"}, 400, "Select a valid choice"),
        (
            {"kind": "replace", "text": "New.", "justification": "x", "revision": "7"},
            400,
            "not one",
        ),
    ],
)
def test_bad_proposals_get_a_form_error_and_nothing_is_saved(
    consultation: Statement,
    other_signatory: User,
    data: dict[str, str],
    status: int,
    error: str,
) -> None:
    key = paragraph(consultation, 4).key
    response = client_for(other_signatory).post(
        reverse("drafts:propose_amendment", args=[consultation.pk, key]), data
    )
    assert response.status_code == status
    assert error in response.content.decode().replace("&#x27;", "'")
    assert Amendment.objects.count() == 0


def test_an_amendment_against_a_paragraph_that_does_not_exist_answers_404(
    consultation: Statement, other_signatory: User
) -> None:
    response = client_for(other_signatory).post(
        f"/statements/{consultation.pk}/paragraphs/p-nosuch/amend/",
        {"kind": "delete", "justification": "x"},
    )
    assert response.status_code == 404
    assert Amendment.objects.count() == 0


def test_an_amendment_to_a_removed_paragraph_or_emptying_the_text_is_refused(
    make_statement: StatementMaker, pen_delegate: User, other_signatory: User
) -> None:
    statement = make_statement("consultation")
    gone = paragraph(statement, 2)
    without = TEXT.replace("The members of the coalition,\n\n", "")
    actions.save_revision(pen_delegate, statement, text=without, base=current(statement))
    with pytest.raises(ParagraphGone):
        actions.propose_amendment(
            other_signatory, statement, paragraph=gone, kind=Kind.DELETE, text="",
            justification="x",
        )  # fmt: skip
    response = client_for(other_signatory).post(
        reverse("drafts:propose_amendment", args=[statement.pk, gone.key]),
        {"kind": "delete", "justification": "Redundant."},
    )
    assert response.status_code == 409
    one = make_statement("consultation", title="One paragraph")
    actions.save_revision(pen_delegate, one, text="Only this.\n", base=current(one))
    with pytest.raises(InvalidAmendment, match="cannot be empty"):
        actions.propose_amendment(
            other_signatory, one, paragraph=paragraph(one, 1), kind=Kind.DELETE, text="",
            justification="x",
        )  # fmt: skip
    assert Amendment.objects.count() == 0


def test_an_amendment_of_another_statement_answers_404(
    make_statement: StatementMaker,
    propose: Callable[..., Amendment],
    pen_delegate: User,
) -> None:
    amendment = propose(text=replacing("refrain from", "abstain from"))
    other = make_statement("consultation", title="Another consultation")
    response = client_for(pen_delegate).post(
        reverse("drafts:accept_amendment", args=[other.pk, amendment.pk])
    )
    assert response.status_code == 404
    amendment.refresh_from_db()
    assert amendment.status == Status.OPEN
