from typing import Any

from django.http import HttpRequest

from delegations import two_factor


def signed_in(request: HttpRequest) -> dict[str, Any]:
    """``signed_in``: the person is logged in and past the second factor (or needs none).

    Between the password and the code the page shows nothing of the person (no name, role,
    delegation, notifications) and opens no socket: the password alone proves too little.
    """
    user = getattr(request, "user", None)
    return {"signed_in": two_factor.past_the_gate(user, getattr(request, "session", {}))}
