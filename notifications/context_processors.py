from typing import Any

from django.http import HttpRequest

from delegations.two_factor import past_the_gate
from notifications.selectors import unread_count


def bell(request: HttpRequest) -> dict[str, Any]:
    """The unread count every page's bell starts from; the socket keeps it current."""
    user = getattr(request, "user", None)
    if user is None or not past_the_gate(user, request.session):
        return {}  # nothing of the person before their second factor
    return {"unread_notifications": unread_count(user)}
