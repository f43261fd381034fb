"""The pages as people use them: what they show, and what bad input gets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from delegations.models import Delegation, User
from drafts.models import Statement
from tests.conftest import TEXT, StatementMaker, client_for, proof_for
from workflow import actions

pytestmark = pytest.mark.django_db


def test_statement_page_shows_text_state_revision_hash_and_history(
    make_statement: StatementMaker, pen_signatory: User
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)
    frozen = statement.instrument_revision
    assert frozen is not None
    page = client_for(pen_signatory).get(reverse("workflow:statement", args=[statement.pk]))
    html = page.content.decode()
    assert "<h1>Joint statement on internet shutdowns</h1>" in html
    assert "<em>Recalling</em>" in html
    assert 'data-testid="state">Sign-on<' in html
    assert f'data-testid="revision-number">{frozen.number}<' in html
    assert frozen.content_hash[:12] in html
    assert "France" in html  # signed in the fixture
    assert "Opened sign-on" in html
    assert "Signed on for France" in html
    for button in ("Sign on", "Decline"):
        assert f'type="submit">{button}</button>' in html
    assert ">Publish</button>" not in html


@pytest.mark.parametrize(
    ("role", "state", "buttons"),
    [
        ("chair", "draft", ["Open consultation", "Withdraw statement"]),
        ("chair", "consultation", ["Open sign-on", "Return to drafting", "Withdraw statement"]),
        ("chair", "sign_on", ["Return to drafting", "Withdraw statement"]),
        ("coordinator", "sign_on", ["Publish", "Withdraw statement"]),
        ("pen_signatory", "sign_on", ["Sign on", "Decline"]),
        ("pen_delegate", "sign_on", []),
        ("coordinator", "published", []),
    ],
)
def test_each_person_sees_the_buttons_they_may_use(
    role: str,
    state: str,
    buttons: list[str],
    make_statement: StatementMaker,
    cast: dict[str, Any],
) -> None:
    statement = make_statement(state)
    html = client_for(cast[role]).get(reverse("workflow:statement", args=[statement.pk]))
    offered = {
        name
        for name in [
            "Open consultation",
            "Open sign-on",
            "Return to drafting",
            "Sign on",
            "Decline",
            "Withdraw signature",
            "Publish",
            "Withdraw statement",
        ]
        if f">{name}</button>" in html.content.decode()
    }
    assert offered == set(buttons)


def test_withdraw_signature_is_offered_once_signed(
    make_statement: StatementMaker, pen_signatory: User
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)
    client = client_for(pen_signatory)
    response = client.post(reverse("workflow:sign_on", args=[statement.pk]))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert ">Withdraw signature</button>" in html
    assert ">Sign on</button>" not in html
    assert "Your delegation has signed on." in html


def test_a_live_refresh_leaves_the_confirmation_for_the_page_the_person_sees(
    make_statement: StatementMaker, pen_signatory: User
) -> None:
    """The live page fetches itself when the statement changes, possibly while the browser
    follows the redirect of the person's own action: that fetch must not take their message."""
    statement = make_statement(Statement.State.SIGN_ON)
    client = client_for(pen_signatory)
    response = client.post(reverse("workflow:sign_on", args=[statement.pk]))
    page = response["Location"]
    live = client.get(page, headers={"X-Requested-With": "fetch"}).content.decode()
    assert "Your delegation has signed on." not in live
    assert ">Withdraw signature</button>" in live
    seen = client.get(page).content.decode()
    assert "Your delegation has signed on." in seen
    assert "Your delegation has signed on." not in client.get(page).content.decode()


def test_a_second_signature_for_the_same_delegation_is_409(
    make_statement: StatementMaker, pen_signatory: User, pen_delegate: User
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)
    actions.sign_on(pen_signatory, statement, proof=proof_for(pen_signatory))
    again = client_for(pen_signatory).post(reverse("workflow:sign_on", args=[statement.pk]))
    assert again.status_code == 409
    assert b"Canada has already signed on" in again.content
    assert statement.signatures.filter(delegation__code="CA").count() == 1


def test_a_signature_after_the_deadline_is_409_with_the_closing_time(
    make_statement: StatementMaker, pen_signatory: User
) -> None:
    statement = make_statement(Statement.State.SIGN_ON)
    closed = (timezone.now() - timedelta(days=1)).replace(hour=17, minute=0, second=0)
    Statement.objects.filter(pk=statement.pk).update(sign_on_deadline=closed)
    response = client_for(pen_signatory).post(reverse("workflow:sign_on", args=[statement.pk]))
    assert response.status_code == 409
    assert f"Sign-on closed on {closed.day} {closed:%b %Y} 17:00 UTC".encode() in response.content


def test_create_page_makes_a_draft(plenary: Any, pen_delegate: User) -> None:
    netherlands = Delegation.objects.get(code="NL")
    response = client_for(pen_delegate).post(
        reverse("workflow:create"),
        {
            "title": "On the safety of journalists online",
            "kind": "joint_statement",
            "body": plenary.pk,
            "pen_holders": [netherlands.pk],
            "min_signatures": 5,
            "text": TEXT,
        },
    )
    assert response.status_code == 302
    statement = Statement.objects.get(title="On the safety of journalists online")
    assert statement.state == Statement.State.DRAFT
    assert {d.code for d in statement.pen_holders.all()} == {"CA", "NL"}
    assert statement.min_signatures == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "   "}, b"Give the statement a title."),
        ({"text": ""}, b"The text cannot be empty."),
        ({"pen_holders": [999999]}, b"Select a valid choice"),
        ({"min_signatures": 0}, b"greater than or equal to 1"),
        ({"body": 999999}, b"Select a valid choice"),
        ({"kind": "decree"}, b"Select a valid choice"),
    ],
)
def test_create_page_bad_input_gets_form_errors(
    plenary: Any, pen_delegate: User, change: dict[str, Any], message: bytes
) -> None:
    data = {
        "title": "A title",
        "kind": "joint_statement",
        "body": plenary.pk,
        "min_signatures": 1,
        "text": TEXT,
        **change,
    }
    response = client_for(pen_delegate).post(reverse("workflow:create"), data)
    assert response.status_code == 400
    assert message in response.content
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("open_sign_on", {}, b"This field is required."),
        ("open_sign_on", {"deadline": "2020-01-01T10:00"}, b"The deadline must be in the future."),
        ("open_sign_on", {"deadline": "next tuesday"}, b"Enter a valid date/time."),
        ("withdraw", {"reason": "  "}, b"Give the reason for withdrawing"),
    ],
)
def test_transition_forms_refuse_bad_input(
    make_statement: StatementMaker,
    chair: User,
    step: str,
    data: dict[str, str],
    message: bytes,
) -> None:
    statement = make_statement(Statement.State.CONSULTATION)
    response = client_for(chair).post(reverse(f"workflow:{step}", args=[statement.pk]), data)
    assert response.status_code == 400
    assert message in response.content
    statement.refresh_from_db()
    assert statement.state == Statement.State.CONSULTATION


def test_unknown_statements_and_actions_are_404(pen_delegate: User) -> None:
    client = client_for(pen_delegate)
    assert client.get("/statements/987654/").status_code == 404
    assert client.post("/statements/987654/sign-on/").status_code == 404
    assert client.post("/statements/1/levitate/").status_code == 404
    assert client.get("/published/987654/").status_code == 404


def test_actions_only_accept_post(make_statement: StatementMaker, chair: User) -> None:
    statement = make_statement()
    response = client_for(chair).get(reverse("workflow:open_consultation", args=[statement.pk]))
    assert response.status_code == 405


def test_public_pages_show_signatories_in_collation_order(
    make_statement: StatementMaker, chair: User, coordinator: User, cast: dict[str, Any]
) -> None:
    statement = make_statement(Statement.State.CONSULTATION)
    actions.open_sign_on(chair, statement, deadline=timezone.now() + timedelta(days=2))
    for code in ("NL", "AR", "MV", "KR"):
        signatory = User.objects.create_user(
            f"s.{code.lower()}@example.org",
            "x",
            full_name=f"Signatory {code}",
            role="signatory",
            delegation=Delegation.objects.get(code=code),
        )
        from delegations.actions import sync_groups

        sync_groups(signatory)
        actions.sign_on(signatory, statement, proof=proof_for(signatory))
    statement = actions.publish(coordinator, statement)
    anonymous = client_for(None)
    listing = anonymous.get(reverse("workflow:public_list")).content.decode()
    assert "Joint statement on internet shutdowns" in listing
    page = anonymous.get(reverse("workflow:public_detail", args=[statement.slug])).content.decode()
    order = ["Argentina", "Republic of Korea", "The Maldives", "The Netherlands"]
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions)
    assert "Joint statement of 4 members of the coalition" in page
    statement.refresh_from_db()
    frozen = statement.instrument_revision
    assert frozen is not None
    assert frozen.content_hash in page


def test_dashboard_shows_what_needs_each_person(
    make_statement: StatementMaker, cast: dict[str, Any]
) -> None:
    draft = make_statement(title="Draft on encryption")
    consultation = make_statement(Statement.State.CONSULTATION, title="Consulting on AI")
    sign_on = make_statement(Statement.State.SIGN_ON, title="Signing on shutdowns")

    def dashboard(role: str) -> str:
        return client_for(cast[role]).get(reverse("workflow:dashboard")).content.decode()

    pen = dashboard("pen_signatory")
    assert "Drafts Canada holds the pen on" in pen
    assert draft.title in pen and consultation.title in pen
    assert "Sign-on awaiting Canada" in pen and sign_on.title in pen
    other = dashboard("other_signatory")
    assert draft.title not in other
    assert "Open for consultation" in other and consultation.title in other
    assert sign_on.title in other
    chair = dashboard("chair")
    assert "Statements of the bodies you chair" in chair
    assert all(s.title in chair for s in (draft, consultation, sign_on))
    coordinator = dashboard("coordinator")
    assert "Ready to publish" in coordinator and sign_on.title in coordinator
    assert "Nothing needs you right now" in dashboard("adviser")
