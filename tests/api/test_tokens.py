"""Personal API tokens: made and revoked on the profile page, used as `Bearer` tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEntry
from delegations import actions
from delegations.models import ApiToken, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_token_made_on_the_profile_page_works_until_revoked(pen_delegate: User) -> None:
    page = client_for(pen_delegate)
    made = page.post("/accounts/profile/tokens/", {"name": "Reporting script"})
    assert made.status_code == 201
    secret = made.context["new_secret"]
    assert secret.startswith("acc_") and secret in made.content.decode()
    token = ApiToken.objects.get(user=pen_delegate)
    assert token.key_hash != secret and len(token.key_hash) == 64
    assert token.prefix == secret[:8]

    me = bearer(secret).get("/api/me/")
    assert me.status_code == 200
    assert me.json()["email"] == pen_delegate.email
    assert me.json()["delegation"] == {"code": "CA", "name": "Canada"}

    listed = page.get("/accounts/profile/").content.decode()
    assert "Reporting script" in listed and token.prefix in listed
    assert secret not in listed, "the secret is shown once only"

    confirm = page.get(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200 and b"Revoke" in confirm.content
    assert bearer(secret).get("/api/me/").status_code == 200, "asking to confirm revokes nothing"
    revoked = page.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302

    refused = bearer(secret).get("/api/me/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
    assert "revoked" in refused.json()["detail"]
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert list(
        AuditEntry.objects.filter(action__contains="api_token").values_list("action", flat=True)
    ) == ["delegations.create_api_token", "delegations.revoke_api_token"]


def test_nobody_revokes_another_persons_token(pen_delegate: User, other_signatory: User) -> None:
    token, secret = actions.create_api_token(pen_delegate, name="Mine")
    other = client_for(other_signatory)
    assert other.get(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    assert other.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert bearer(secret).get("/api/me/").status_code == 200
    assert "Mine" not in other.get("/accounts/profile/").content.decode()


@pytest.mark.parametrize(
    "header",
    ["Bearer acc_not-a-token", "Bearer", "Bearer two words", "Bearer " + "x" * 300],
)
def test_unknown_or_malformed_tokens_are_refused(header: str, pen_delegate: User) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "detail"}


def test_no_credentials_is_401_with_the_scheme_to_use() -> None:
    response = APIClient().get("/api/statements/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["code"] == "not_authenticated"


def test_the_token_of_a_person_who_may_no_longer_log_in_is_refused(pen_delegate: User) -> None:
    _, secret = actions.create_api_token(pen_delegate, name="Script")
    User.objects.filter(pk=pen_delegate.pk).update(is_active=False)
    assert bearer(secret).get("/api/me/").status_code == 401


def test_last_use_is_noted_at_most_once_a_minute(
    pen_delegate: User, django_assert_num_queries: Any
) -> None:
    token, secret = actions.create_api_token(pen_delegate, name="Script")
    client = bearer(secret)
    client.get("/api/me/")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/me/")
    token.refresh_from_db()
    assert token.last_used_at == first, "not written again within the minute"
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/me/")
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first - timedelta(seconds=1)
    assert token.last_used_at <= timezone.now()


def test_a_token_needs_a_name(pen_delegate: User) -> None:
    response = client_for(pen_delegate).post("/accounts/profile/tokens/", {"name": "   "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_profile_page_shows_who_the_person_is(chair: User) -> None:
    page = client_for(chair).get("/accounts/profile/")
    html = page.content.decode()
    assert page.status_code == 200
    for fact in (chair.full_name, chair.email, "Germany", "Delegate", "Plenary", "API tokens"):
        assert fact in html
    assert client_for(None).get("/accounts/profile/").status_code == 302
    assert 'href="/accounts/profile/"' in client_for(chair).get("/").content.decode()
