from typing import Any

from django.http import HttpRequest

from notifications.selectors import unread_count


def bell(request: HttpRequest) -> dict[str, Any]:
    """The unread count every page's bell starts from; the socket keeps it current."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
