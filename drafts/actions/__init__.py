"""Every write to a statement's text and what is said about it, by intent:

- ``revisions``: starting a statement, saving revisions, changing its details;
- ``comments``: threads on its paragraphs, replies, resolving and reopening;
- ``amendments``: proposed, accepted (a new revision) and rejected.

How an amendment changes a text is ``drafts.amending`` (pure functions of strings). Callers
use this package's names (``drafts.actions.save_revision``), whichever module holds them.
"""

from drafts.actions.amendments import (
    accept_amendment,
    propose_amendment,
    reject_amendment,
    require_deciding,
    require_proposing,
)
from drafts.actions.comments import (
    comment_on_paragraph,
    reopen_comment,
    reply_to_comment,
    require_commenting,
    resolve_comment,
)
from drafts.actions.revisions import (
    DETAILS_EDITABLE_IN,
    change_details,
    new_paragraph_key,
    save_revision,
    start_statement,
)
from drafts.amending import carry_over
from drafts.policy import COMMENTS_OPEN_IN

__all__ = [
    "COMMENTS_OPEN_IN",
    "DETAILS_EDITABLE_IN",
    "accept_amendment",
    "carry_over",
    "change_details",
    "comment_on_paragraph",
    "new_paragraph_key",
    "propose_amendment",
    "reject_amendment",
    "reopen_comment",
    "reply_to_comment",
    "require_commenting",
    "require_deciding",
    "require_proposing",
    "resolve_comment",
    "save_revision",
    "start_statement",
]
