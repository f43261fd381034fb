"""The request of a person who is logged in: what a view behind ``login_required`` (or the
admin) receives, typed so that ``request.user`` is a ``User``."""

from __future__ import annotations

from django.http import HttpRequest

from delegations.models import User


class SignedInRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is a logged-in person."""

    user: User
