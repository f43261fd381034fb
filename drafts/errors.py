"""The drafting refusals: a text, a comment or an amendment the statement's state refuses
(409, ``core.errors.Conflict``), or that cannot be used at all (400, ``InvalidInput``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from core.errors import Conflict, InvalidInput

if TYPE_CHECKING:
    from drafts.merge import ConflictingPassage
    from drafts.models import Revision


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

    def details(self) -> dict[str, Any]:
        return {
            "base": self.base.number,
            "current": self.current.number,
            "newer": [revision.number for revision in self.newer],
            "conflicts": [
                {"base": p.base, "theirs": p.theirs, "mine": p.mine} for p in self.conflicts
            ],
            "proposal": self.proposal,
        }


class InvalidText(InvalidInput):
    """The text cannot be a revision: empty, or over ``ACCORD_MAX_TEXT_BYTES`` (400)."""

    code = "invalid_text"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="text")


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


class InvalidComment(InvalidInput):
    code = "invalid_comment"


class InvalidAmendment(InvalidInput):
    code = "invalid_amendment"
