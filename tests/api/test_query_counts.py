"""API lists run a fixed number of queries, however many statements they page through."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from delegations.models import Body, User
from tests.api.conftest import api_client_for, token_client_for
from tests.workflow.test_public import publish_many
from tests.workflow.test_query_counts import add_batch

pytestmark = pytest.mark.django_db


def test_the_public_list_costs_the_same_for_10_and_1000_published_statements(
    plenary: Body, coordinator: User, django_assert_num_queries: Any
) -> None:
    publish_many(10, body=plenary, author=coordinator)
    anonymous = APIClient()
    # the count, the page of statements, their signatures
    with django_assert_num_queries(3):
        assert anonymous.get("/api/public/statements/").json()["count"] == 10
    publish_many(990, body=plenary, author=coordinator, start=datetime(2020, 1, 1, tzinfo=UTC))
    with django_assert_num_queries(3):
        response = anonymous.get("/api/public/statements/", {"page_size": 200})
    assert response.json()["count"] == 1000 and len(response.json()["results"]) == 200
    with django_assert_num_queries(4):  # and the body of the filter
        assert anonymous.get("/api/public/statements/", {"q": "internet", "body": plenary.pk})


@pytest.mark.parametrize("by", ["session", "token"])
def test_the_statement_list_costs_the_same_for_5_and_50_visible_statements(
    by: str,
    plenary: Body,
    pen_delegate: User,
    chair: User,
    coordinator: User,
    third_signatory: User,
    django_assert_num_queries: Any,
) -> None:
    clients = {
        "pen_delegate": (
            api_client_for(pen_delegate) if by == "session" else token_client_for(pen_delegate)
        ),
        "coordinator": (
            api_client_for(coordinator) if by == "session" else token_client_for(coordinator)
        ),
    }
    add_batch(plenary, pen_delegate, chair, third_signatory, 0)
    # By session: the session, the person (and for a delegate, the guardian filter's groups);
    # by token: the token with its owner. Then the count, the page, its pen-holders.
    expected = {
        "session": {"pen_delegate": 6, "coordinator": 5},
        "token": {"pen_delegate": 4, "coordinator": 4},
    }[by]
    for size in (5, 50):
        for role, client in clients.items():
            client.get("/api/statements/")  # a token's first use is noted (once a minute)
            with django_assert_num_queries(expected[role]):
                response = client.get("/api/statements/", {"page_size": 200})
            # Canada sees four of each batch: not the draft held by Germany and Kenya.
            assert response.json()["count"] == size * (4 if role == "pen_delegate" else 5) // 5
        if size == 5:
            for index in range(1, 10):
                add_batch(plenary, pen_delegate, chair, third_signatory, index)
