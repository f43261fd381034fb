"""Pages cost a fixed number of queries, however many statements or signatures they show.

Each test measures a page with a small data set, grows the data set through the real actions,
and measures again: the two counts must be equal, and both below a ceiling. The counts are
printed (``pytest -s`` shows them) so they can be reported.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from delegations.models import Body, Delegation, User
from drafts.models import Statement
from tests.conftest import TEXT, StatementMaker, client_for, delegation, later, person, proof_for
from workflow import actions, selectors

State = Statement.State
pytestmark = pytest.mark.django_db

# A page that needs more than this has stopped being a fixed, small set of queries.
CEILING = 20


def queries_for(client: Client, url: str) -> tuple[int, list[str]]:
    """How many queries one GET of ``url`` runs, after a warm-up GET (process-wide caches)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [query["sql"] for query in captured.captured_queries]


def report(label: str, small: tuple[int, list[str]], large: tuple[int, list[str]]) -> str:
    line = f"[query count] {label}: {small[0]} (small) / {large[0]} (large)"
    print(line)
    return line


def assert_fixed_cost(
    measured: dict[str, tuple[tuple[int, list[str]], tuple[int, list[str]]]],
) -> None:
    """Every page ran as many queries with the large data set as with the small one."""
    grown = {
        label: "\n  ".join(large[1])
        for label, (small, large) in measured.items()
        if small[0] != large[0]
    }
    assert not grown, "query count grows with the data:\n" + "\n".join(
        f"{label}; queries with the large data set:\n  {sql}" for label, sql in grown.items()
    )
    too_many = {label: large[0] for label, (_, large) in measured.items() if large[0] > CEILING}
    assert not too_many, f"more than {CEILING} queries: {too_many}"


def add_batch(
    plenary: Body, pen_delegate: User, chair: User, third_signatory: User, index: int
) -> list[Statement]:
    """Five statements that between them fill every dashboard section of every role.

    A draft and a consultation held by Canada (and the Netherlands); a draft and a
    consultation held by Germany and Kenya (started by the German chair); a joint statement in
    sign-on that France has signed, so it awaits every other delegation and is ready to publish.
    """

    def start(actor: User, holders: list[Delegation], title: str) -> Statement:
        return actions.create_statement(
            actor,
            title=f"{title} {index}",
            kind=Statement.Kind.JOINT_STATEMENT,
            body=plenary,
            pen_holders=holders,
            text=TEXT,
        )

    netherlands, kenya = delegation("NL"), delegation("KE")
    draft_ca = start(pen_delegate, [netherlands], "Draft held by Canada")
    draft_de = start(chair, [kenya], "Draft held by Germany and Kenya")
    consultation_ca = start(pen_delegate, [netherlands], "Consultation held by Canada")
    consultation_de = start(chair, [kenya], "Consultation held by Germany and Kenya")
    sign_on = start(pen_delegate, [netherlands], "In sign-on")
    for statement in (consultation_ca, consultation_de, sign_on):
        actions.open_consultation(chair, statement, deadline=later(10))
    actions.open_sign_on(chair, sign_on, deadline=later(7))
    actions.sign_on(third_signatory, sign_on, proof=proof_for(third_signatory))
    return [draft_ca, draft_de, consultation_ca, consultation_de, sign_on]


# Which dashboard sections each role must see filled, so every one is measured with rows in it.
SECTIONS = {
    "pen_delegate": ["pen", "consultations", "awaiting_signature"],
    "other_signatory": ["pen", "consultations", "awaiting_signature"],
    "chair": ["pen", "consultations", "awaiting_signature", "chaired"],
    "coordinator": ["ready_to_publish", "in_progress"],
}


def test_dashboard_and_statement_page_cost_the_same_for_5_and_500_statements(
    plenary: Body,
    pen_delegate: User,
    other_signatory: User,
    chair: User,
    coordinator: User,
    third_signatory: User,
) -> None:
    viewers = {
        "pen_delegate": pen_delegate,
        "other_signatory": other_signatory,
        "chair": chair,
        "coordinator": coordinator,
    }
    clients = {role: client_for(user) for role, user in viewers.items()}
    batch = add_batch(plenary, pen_delegate, chair, third_signatory, 0)
    in_sign_on = f"/statements/{batch[-1].pk}/"
    in_consultation = f"/statements/{batch[2].pk}/"

    def measure(expected: int) -> dict[str, tuple[int, list[str]]]:
        counts: dict[str, tuple[int, list[str]]] = {}
        for role, client in clients.items():
            dashboard = client.get("/").context["dashboard"]
            for section in SECTIONS[role]:
                rows = getattr(dashboard, section)
                assert rows, f"{role}'s {section} section is empty"
            for section in ("pen", "consultations", "chaired", "in_progress"):
                # Each section grows with the data, and shows its first rows only.
                found = getattr(dashboard, section)
                assert not found or found.total >= expected // 5
                assert len(found.rows) == min(found.total, selectors.DASHBOARD_ROWS)
            counts[f"dashboard as {role}"] = queries_for(client, "/")
            counts[f"all statements as {role}"] = queries_for(client, "/statements/")
            listed = "in_progress" if role == "coordinator" else "consultations"
            counts[f"section list as {role}"] = queries_for(
                client, f"/statements/?section={listed}&state=consultation&q=Consultation&page=1"
            )
            counts[f"statement page (sign-on) as {role}"] = queries_for(client, in_sign_on)
            counts[f"statement page (consultation) as {role}"] = queries_for(
                client, in_consultation
            )
        return counts

    small = measure(5)
    started = time.perf_counter()
    for index in range(1, 100):
        add_batch(plenary, pen_delegate, chair, third_signatory, index)
    print(f"[query count] built 495 more statements in {time.perf_counter() - started:.1f} s")
    assert Statement.objects.count() == 500
    large = measure(500)

    measured = {label: (small[label], large[label]) for label in small}
    for label, (before, after) in measured.items():
        report(f"{label}, 5 vs 500 statements", before, after)
    assert_fixed_cost(measured)


def test_statement_page_costs_the_same_for_3_and_30_signatures(
    make_statement: StatementMaker,
    pen_signatory: User,
    other_signatory: User,
    chair: User,
    coordinator: User,
) -> None:
    statement = make_statement(State.SIGN_ON)  # France has signed
    busy = {"CA", "KE", "DE", "FR"}  # the viewers' own delegations, and France
    signers = [
        person(f"signatory.{d.code.lower()}@example.org", User.Role.SIGNATORY, d)
        for d in Delegation.objects.filter(is_member=True).exclude(code__in=busy)[:29]
    ]
    assert len(signers) == 29
    url = f"/statements/{statement.pk}/"
    clients = {
        "pen_signatory": client_for(pen_signatory),
        "other_signatory": client_for(other_signatory),
        "chair": client_for(chair),
        "coordinator": client_for(coordinator),
    }

    def measure(signatures: int) -> dict[str, tuple[int, list[str]]]:
        counts = {}
        for role, client in clients.items():
            assert len(client.get(url).context["signed"]) == signatures
            counts[f"statement page as {role}"] = queries_for(client, url)
        return counts

    for signer in signers[:2]:
        actions.sign_on(signer, statement, proof=proof_for(signer))
    small = measure(3)
    for signer in signers[2:]:
        actions.sign_on(signer, statement, proof=proof_for(signer))
    large = measure(30)

    measured = {label: (small[label], large[label]) for label in small}
    for label, (before, after) in measured.items():
        report(f"{label}, 3 vs 30 signatures", before, after)
    assert_fixed_cost(measured)


def test_public_list_costs_the_same_for_2_and_20_published_statements(
    make_statement: StatementMaker,
) -> None:
    visitor = client_for(None)
    for index in range(2):
        make_statement(State.PUBLISHED, title=f"Published statement {index}")
    small = queries_for(visitor, "/published/")
    for index in range(2, 20):
        make_statement(State.PUBLISHED, title=f"Published statement {index}")
    assert len(visitor.get("/published/").context["statements"]) == 20
    large = queries_for(visitor, "/published/")

    measured = {"public list as anonymous": (small, large)}
    report("public list as anonymous, 2 vs 20 published", small, large)
    assert_fixed_cost(measured)
