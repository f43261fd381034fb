"""One answer to "may this person do X to this statement now, and if not, why".

Each app's ``policy`` module holds one function per question, returning a ``Decision``. The
action calls it and ``enforce()``s it to refuse; the pages, the API and the sockets call the
same function to decide what to offer, so a rule is written once and a button never promises
what the action would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.errors import Conflict


class Refusal(StrEnum):
    """Why a decision says no, which is also how every transport answers it."""

    NOT_VISIBLE = "not_visible"  # 404: as if the statement did not exist
    FORBIDDEN = "forbidden"  # 403: they may see it, but not do this
    STATE = "state"  # 409: they may, but not in the statement's state or after its deadline


@dataclass(frozen=True)
class Decision:
    """Allowed, or refused with a stable code and the message a person can act on."""

    allowed: bool
    code: str = "allowed"
    message: str = ""
    refusal: Refusal | None = None

    def __bool__(self) -> bool:
        return self.allowed

    def enforce(self, conflict: type[Conflict] = Conflict) -> None:
        """Raise what the refusal means (``Http404``, ``PermissionDenied``, or ``conflict``,
        an app's own kind of ``Conflict``, for the state)."""
        if self.allowed:
            return
        if self.refusal is Refusal.NOT_VISIBLE:
            raise Http404(self.message)
        if self.refusal is Refusal.FORBIDDEN:
            raise PermissionDenied(self.message)
        raise conflict(self.message, code=self.code)


ALLOWED = Decision(True)


def not_visible(message: str) -> Decision:
    return Decision(False, "not_visible", message, Refusal.NOT_VISIBLE)


def forbidden(message: str, code: str = "forbidden") -> Decision:
    return Decision(False, code, message, Refusal.FORBIDDEN)


def wrong_state(message: str, code: str = "conflict") -> Decision:
    return Decision(False, code, message, Refusal.STATE)
