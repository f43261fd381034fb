"""Clients of the API: by session (as the browser) and by personal token (as a program)."""

from __future__ import annotations

from rest_framework.test import APIClient

from delegations import actions as delegation_actions
from delegations.models import User
from tests.conftest import verify_session


def api_client_for(user: User | None) -> APIClient:
    """A client logged in by session (CSRF not enforced, as in Django's test client), past
    the two-factor step where the person needs it."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
        verify_session(client, user)
    return client


def token_client_for(user: User, name: str = "Script") -> APIClient:
    """A client that sends a fresh personal token of ``user``, and no session."""
    _, secret = delegation_actions.create_api_token(user, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client
