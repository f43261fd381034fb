"""The refusals every app's actions raise, and every transport turns into the same answer: a
request sound in itself that the statement's state refuses (409), and input that cannot be
used (400). An app adds its own codes by subclassing them."""

from __future__ import annotations

from typing import Any


class Conflict(Exception):
    """The request cannot be carried out in the statement's current state; nothing was changed.

    The message is shown to the person as it is, so it says what happened and what to do.
    """

    code = "conflict"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            # Names the reason for API clients where one class serves several (e.g.
            # "transition_not_allowed", "deadline_passed", "quorum_not_met").
            self.code = code

    def details(self) -> dict[str, Any]:
        """What the refusal carries beyond its code and message, for an API client."""
        return {}


class InvalidInput(ValueError):
    """What a person sent cannot be used (400). ``field`` names the form field it concerns,
    or is None for the form as a whole; the message says what to change."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
