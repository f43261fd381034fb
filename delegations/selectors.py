"""Reads about people: their API tokens."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from delegations.actions import hash_api_token
from delegations.models import ApiToken, User


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's tokens, newest first, revoked ones included (they show as revoked)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_of(user: User, pk: int) -> ApiToken:
    """The person's own token ``pk``; ``Http404`` for anyone else's, as if it did not exist."""
    token = api_tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise Http404("You have no such token.")
    return token


def api_token_by_secret(secret: str) -> ApiToken | None:
    """The token with this secret, with its owner and the owner's delegation; None if unknown."""
    return (
        ApiToken.objects.select_related("user", "user__delegation")
        .filter(key_hash=hash_api_token(secret))
        .first()
    )
