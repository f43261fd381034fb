"""What an action raises when the request is sound but the statement's state refuses it (409),
and when a text cannot be saved at all (400)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drafts.merge import ConflictingPassage
    from drafts.models import Revision


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


class EditingClosed(Conflict):
    code = "editing_closed"


class StaleEdit(Conflict):
    """Someone saved a newer revision since this edit began."""

    code = "stale_edit"


class MergeConflict(StaleEdit):
    """Someone saved a newer revision since this edit began, and changed the same words.

    Nothing was saved. Carries what the person needs to settle it: the colliding passages, the
    revisions involved, their own text as they sent it, and ``proposal``, the merge of both
    edits with their own wording in each colliding passage, to start from.
    """

    code = "merge_conflict"

    def __init__(
        self,
        message: str,
        *,
        base: Revision,
        current: Revision,
        newer: Sequence[Revision],
        conflicts: Sequence[ConflictingPassage],
        text: str,
        proposal: str,
    ) -> None:
        super().__init__(message)
        self.base = base
        self.current = current
        self.newer = list(newer)
        self.conflicts = list(conflicts)
        self.text = text
        self.proposal = proposal


class InvalidText(ValueError):
    """The text cannot be a revision: empty, or over ``ACCORD_MAX_TEXT_BYTES`` (400)."""

    code = "invalid_text"


class CommentsClosed(Conflict):
    """Nobody comments once sign-on has opened; the threads stay readable."""

    code = "comments_closed"


class ThreadResolved(Conflict):
    """A resolved thread takes no replies until someone reopens it."""

    code = "thread_resolved"


class AmendmentsClosed(Conflict):
    """Amendments are proposed, accepted and rejected during consultation only."""

    code = "amendments_closed"


class AmendmentDecided(Conflict):
    """The amendment is no longer open: accepted, rejected or outdated already."""

    code = "amendment_decided"


class ParagraphGone(Conflict):
    """The paragraph is no longer in the statement's current text."""

    code = "paragraph_gone"


class AmendmentCollides(StaleEdit):
    """The paragraph changed since the person read it, where their amendment changes it."""

    code = "amendment_collides"


class InvalidInput(ValueError):
    """What a person sent cannot be used (400). ``field`` names the form field it concerns,
    or is None for the form as a whole; the message says what to change."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidComment(InvalidInput):
    code = "invalid_comment"


class InvalidAmendment(InvalidInput):
    code = "invalid_amendment"
