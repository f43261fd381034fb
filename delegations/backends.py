"""How a logged-in person is loaded for each request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from delegations.models import User


class PersonBackend(ModelBackend):
    """Django's model backend, loading the person with their delegation in the same query:
    every page names it (in the header) or asks whether it is still a member."""

    def get_user(self, user_id: Any) -> User | None:
        person = User._default_manager.select_related("delegation").filter(pk=user_id).first()
        return person if person is not None and self.user_can_authenticate(person) else None
