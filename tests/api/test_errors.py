"""Every answer under /api/ is the API's own: JSON with ``code`` and ``detail``, also where
Django answers before any API view (a body too large, an address no route matches, a page
past the last)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from delegations.models import User
from tests.api.conftest import token_client_for

pytestmark = pytest.mark.django_db


def is_api_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code, body
    assert body["detail"].strip(), body


def test_a_body_too_large_is_a_json_400(pen_delegate: User) -> None:
    client = token_client_for(pen_delegate)
    huge = b'{"title": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = client.generic("POST", "/api/statements/", huge, content_type="application/json")
    is_api_error(response, 400, "bad_request")


@pytest.mark.parametrize(
    "address",
    ["/api/statements/null,null/", "/api/statements/1.5/revisions/", "/api/nothing-here/"],
)
def test_an_address_no_route_matches_is_a_json_404(address: str, pen_delegate: User) -> None:
    is_api_error(token_client_for(pen_delegate).get(address), 404, "not_found")
    is_api_error(Client().get(address), 404, "not_found")


@pytest.mark.parametrize("page", ["0", "-1", "999", "x"])
def test_a_page_that_does_not_exist_is_bad_input_naming_the_page(
    page: str, pen_delegate: User
) -> None:
    for client, address in (
        (token_client_for(pen_delegate), "/api/statements/"),
        (Client(), "/api/public/statements/"),
    ):
        response = client.get(address, {"page": page})
        is_api_error(response, 400, "invalid")
        assert list(response.json()["errors"]) == ["page"], address


def test_pages_outside_the_api_stay_pages() -> None:
    response = Client().get("/statements/null/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
