"""``manage.py seed_scale``: a full-size coalition whose rows are what the actions would have
written, so that what people see of it, and what pages cost, can be measured on it."""

from __future__ import annotations

import hashlib
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from delegations.models import Body, Delegation, User
from drafts.models import (
    Amendment,
    Comment,
    Paragraph,
    Revision,
    RevisionParagraph,
    Statement,
    StatementGroupObjectPermission,
)
from drafts.paragraphs import texts
from drafts.text import canonical_text
from tests.conftest import client_for
from workflow.grants import wanted_grants
from workflow.management.commands.seed_scale import SCALE_DOMAIN
from workflow.models import Signature
from workflow.selectors import dashboard_for, statements_visible_to

State = Statement.State
pytestmark = pytest.mark.django_db

MODELS = [
    Delegation,
    User,
    Body,
    Statement,
    Revision,
    Paragraph,
    RevisionParagraph,
    Comment,
    Amendment,
    Signature,
    StatementGroupObjectPermission,
]


def seed(statements: int) -> str:
    out = StringIO()
    call_command("seed_scale", statements=statements, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def scale_person(local: str) -> User:
    return User.objects.select_related("delegation").get(email=f"{local}@{SCALE_DOMAIN}")


def test_it_makes_a_full_size_coalition_and_a_second_run_adds_nothing() -> None:
    output = seed(20)

    assert Delegation.objects.count() == 193
    assert Delegation.objects.filter(is_member=True).count() == 42
    assert Delegation.objects.get(code="BR").name == "Brazil"  # real names for the others
    assert Delegation.objects.get(code="NL").name == "The Netherlands"  # members keep theirs
    per_delegation = Counter(
        User.objects.filter(email__endswith=SCALE_DOMAIN).values_list("delegation", flat=True)
    )
    assert {per_delegation[d] for d in Delegation.objects.values_list("pk", flat=True)} == {10}
    assert Body.objects.filter(name__startswith="Scale · ").count() == 20
    assert all(body.chairs.exists() for body in Body.objects.all())
    states = Counter(Statement.objects.values_list("state", flat=True))
    assert states == {
        State.DRAFT: 6,
        State.CONSULTATION: 4,
        State.SIGN_ON: 3,
        State.PUBLISHED: 6,
        State.WITHDRAWN: 1,
    }
    assert Comment.objects.exists() and Amendment.objects.exists()
    assert Signature.objects.filter(status=Signature.Status.SIGNED).exists()
    assert "Added 151 delegations" in output and "20 statements" in output

    # The accounts printed with a password really log in with it.
    assert "accord-scale" in output
    coordinator = scale_person("coordinator.01")
    assert coordinator.check_password("accord-scale")
    assert not scale_person("ca.05").has_usable_password()

    before = counts()
    again = seed(20)
    assert counts() == before
    assert "Added 0 delegations, 0 people, 0 bodies, 0 statements" in again

    seed(25)
    assert Statement.objects.count() == 25


def test_grants_are_exactly_those_of_each_state_and_people_see_what_their_role_allows() -> None:
    seed(40)
    statements = list(Statement.objects.select_related("body").prefetch_related("pen_holders"))
    for statement in statements:
        granted = set(
            StatementGroupObjectPermission.objects.filter(content_object=statement).values_list(
                "group_id", "permission__codename"
            )
        )
        assert granted == wanted_grants(statement), statement.title

    first_draft = next(s for s in statements if s.state == State.DRAFT)
    holder = first_draft.pen_holders.all()[0]
    pen_delegate = (
        User.objects.filter(
            delegation=holder, role=User.Role.DELEGATE, email__endswith=SCALE_DOMAIN
        )
        .exclude(chaired_bodies__isnull=False)
        .first()
    )
    assert pen_delegate is not None
    chair = scale_person("ar.02")  # chairs the plenary, and acts for Argentina, a member
    people = {
        "pen-holder delegate": pen_delegate,
        "member signatory": scale_person("ke.00"),
        "chair": chair,
        "non-member delegate": scale_person("af.02"),
        "coordinator": scale_person("coordinator.01"),
        "adviser": scale_person("adviser.01"),
    }

    def may_see(person: User, statement: Statement) -> bool:
        """DESIGN.md's table, written out independently of the grants."""
        if person.role == User.Role.COORDINATOR:
            return True
        if person.role == User.Role.ADVISER:
            return statement.state == State.CONSULTATION and statement.advisers_invited
        assert person.delegation is not None
        if not person.delegation.is_member:
            return False
        if statement.body.chairs.filter(pk=person.pk).exists():
            return True
        if statement.state in (State.CONSULTATION, State.SIGN_ON, State.PUBLISHED):
            return True
        return person.delegation in statement.pen_holders.all()

    for role, person in people.items():
        expected = {s.pk for s in statements if may_see(person, s)}
        assert set(statements_visible_to(person).values_list("pk", flat=True)) == expected, role
    assert not statements_visible_to(people["non-member delegate"]).exists()
    assert statements_visible_to(pen_delegate).filter(state=State.DRAFT).exists()
    assert statements_visible_to(chair).filter(body__chairs=chair, state=State.DRAFT).exists()


def test_texts_hashes_paragraphs_and_signatures_are_consistent() -> None:
    seed(40)
    for revision in Revision.objects.prefetch_related("paragraphs"):
        assert revision.text == canonical_text(revision.text)
        assert revision.content_hash == hashlib.sha256(revision.text.encode()).hexdigest()
        rows = sorted(revision.paragraphs.all(), key=lambda row: row.position)
        assert [row.text for row in rows] == texts(revision.text)
        assert [row.position for row in rows] == list(range(1, len(rows) + 1))
        if revision.number > 1:
            assert revision.parent is not None
            assert revision.parent.number == revision.number - 1
    for statement in Statement.objects.all():
        numbers = list(statement.revisions.values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
        assert statement.current_revision is not None
        assert statement.current_revision.number == len(numbers)
        if statement.state in (State.SIGN_ON, State.PUBLISHED):
            assert statement.instrument_revision == statement.current_revision
        if statement.state == State.PUBLISHED:
            assert statement.slug and statement.published_at
            signed = statement.signatures.filter(status=Signature.Status.SIGNED).count()
            assert signed >= statement.min_signatures
        for signature in statement.signatures.select_related("given_by", "instrument__revision"):
            assert signature.instrument.revision == statement.instrument_revision
            assert signature.content_hash == signature.instrument.revision.content_hash
            assert signature.given_by.delegation_id == signature.delegation_id
            assert signature.given_by.role == User.Role.SIGNATORY
    for comment in Comment.objects.all():
        wording = RevisionParagraph.objects.get(
            revision=comment.revision, paragraph=comment.paragraph
        ).text
        assert comment.wording == wording
    for amendment in Amendment.objects.select_related("statement"):
        assert (
            amendment.base_text
            == RevisionParagraph.objects.get(
                revision=amendment.base_revision, paragraph=amendment.paragraph
            ).text
        )
        if amendment.is_open:
            assert amendment.base_revision_id == amendment.statement.current_revision_id


def test_pages_run_the_same_queries_for_10_and_200_statements() -> None:
    """The dashboard of every role and the statement page, measured at N=10 and at N=200."""
    seed(10)
    # An empty section costs no prefetch: measure people whose sections all have rows.
    sections = ["pen", "consultations", "awaiting_signature"]

    def filled(person: User, sections: list[str]) -> bool:
        dashboard = dashboard_for(person)
        return all(getattr(dashboard, name) for name in sections)

    def first_with(people: list[User], sections: list[str]) -> User:
        found = next((p for p in people if filled(p, sections)), None)
        assert found is not None, f"nobody at N=10 has all of {sections} on their dashboard"
        return found

    scale = User.objects.filter(email__endswith=SCALE_DOMAIN).select_related("delegation")
    members = list(scale.filter(delegation__is_member=True).order_by("email"))
    viewers = {
        "delegate": first_with([p for p in members if p.role == User.Role.DELEGATE], sections),
        "signatory": first_with([p for p in members if p.role == User.Role.SIGNATORY], sections),
        "chair": first_with(
            [p for p in members if p.chaired_bodies.exists()], ["chaired", *sections]
        ),
        "coordinator": first_with(
            [scale_person("coordinator.01")], ["ready_to_publish", "in_progress"]
        ),
        "non-member": scale_person("af.02"),
    }
    in_sign_on = Statement.objects.filter(state=State.SIGN_ON, signatures__isnull=False).first()
    in_consultation = (
        Statement.objects.filter(state=State.CONSULTATION, comments__isnull=False)
        .distinct()
        .first()
    )
    assert in_sign_on is not None and in_consultation is not None
    pages = {f"dashboard of the {role}": (person, "/") for role, person in viewers.items()} | {
        "statement in sign-on (coordinator)": (
            viewers["coordinator"],
            f"/statements/{in_sign_on.pk}/",
        ),
        "statement in sign-on (signatory)": (viewers["signatory"], f"/statements/{in_sign_on.pk}/"),
        "statement in consultation (delegate)": (
            viewers["delegate"],
            f"/statements/{in_consultation.pk}/",
        ),
    }

    def measure() -> dict[str, int]:
        measured = {}
        for label, (person, url) in pages.items():
            client = client_for(person)
            assert client.get(url).status_code == 200  # warm process-wide caches
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, label
            measured[label] = len(captured)
        return measured

    small = measure()
    seed(200)
    assert Statement.objects.count() == 200
    large = measure()
    print(f"[query count] seed_scale N=10 / N=200: {small} / {large}")
    assert large == small
