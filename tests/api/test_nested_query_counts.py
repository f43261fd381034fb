"""A statement's lists in the API (revisions, comments, amendments, its history, signatures)
cost the same number of queries however long they grow (``pytest -s`` prints the counts)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from delegations import actions as delegation_actions
from delegations.models import Delegation, User
from drafts.models import Statement
from tests.api.conftest import api_client_for
from tests.conftest import StatementMaker, person, proof_for
from tests.drafts.test_query_counts import grow
from tests.workflow.test_query_counts import assert_fixed_cost, report
from workflow import actions

pytestmark = pytest.mark.django_db


def api_queries(client: APIClient, url: str) -> tuple[int, list[str]]:
    """Queries of one GET of ``url`` after a warm-up GET; the answer must be a 200."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), [query["sql"] for query in captured.captured_queries]


def test_a_statements_discussion_lists_cost_the_same_for_few_and_many(
    make_statement: StatementMaker,
    pen_delegate: User,
    other_signatory: User,
    chair: User,
    coordinator: User,
) -> None:
    statement = make_statement("consultation")
    members = [other_signatory, chair] + [
        person(f"delegate.{d.code.lower()}@example.org", User.Role.DELEGATE, d)
        for d in Delegation.objects.filter(code__in=["FR", "GH", "JP", "MX"])
    ]
    readers = {"pen_delegate": pen_delegate, "chair": chair, "coordinator": coordinator}
    clients = {role: api_client_for(user) for role, user in readers.items()}
    base = f"/api/statements/{statement.pk}"
    lists = ["revisions", "comments", "amendments", "transitions"]

    def measure() -> dict[str, tuple[int, list[str]]]:
        return {
            f"{name} as {role}": api_queries(client, f"{base}/{name}/")
            for name in lists
            for role, client in clients.items()
        }

    mates: dict[str, Any] = {"pen_delegate": pen_delegate, "members": members}

    def lengths() -> list[int]:
        return [len(clients["chair"].get(f"{base}/{name}/").json()) for name in lists]

    grow(statement, paragraphs=5, comments=10, amendments=5, **mates)
    small = measure()
    before = lengths()
    grow(statement, paragraphs=30, comments=60, amendments=30, **mates)
    large = measure()
    after = lengths()
    assert all(b < a for b, a in zip(before, after, strict=True)), (before, after)
    assert_fixed_cost({label: (small[label], large[label]) for label in small})
    for label in small:
        report(f"API {label}", small[label], large[label])


def signatory_of(code: str) -> User:
    signatory = person(
        f"signatory.{code.lower()}@example.org",
        User.Role.SIGNATORY,
        Delegation.objects.get(code=code),
    )
    delegation_actions.sync_groups(signatory)
    return signatory


def test_the_signature_list_costs_the_same_for_3_and_30_signatures(
    make_statement: StatementMaker, chair: User, coordinator: User
) -> None:
    statement = make_statement(Statement.State.CONSULTATION)
    statement = actions.open_sign_on(chair, statement, deadline=timezone.now() + timedelta(days=3))
    codes = list(
        Delegation.objects.filter(is_member=True)
        .exclude(code__in=["CA", "KE", "FR", "NL", "DE"])
        .order_by("sort_key")
        .values_list("code", flat=True)[:30]
    )
    clients = {"chair": api_client_for(chair), "coordinator": api_client_for(coordinator)}
    url = f"/api/statements/{statement.pk}/signatures/"

    def sign(count: int) -> dict[str, tuple[int, list[str]]]:
        for code in codes[:count]:
            if not statement.signatures.filter(delegation__code=code).exists():
                signer = signatory_of(code)
                actions.sign_on(signer, statement, proof=proof_for(signer))
        return {f"signatures as {role}": api_queries(c, url) for role, c in clients.items()}

    small = sign(3)
    large = sign(30)
    assert len(clients["chair"].get(url).json()) >= 30
    assert_fixed_cost({label: (small[label], large[label]) for label in small})
    for label in small:
        report(f"API {label}", small[label], large[label])
