"""What the pages open on a statement are told when it changes.

One frame reaches everyone watching the statement, each reading the page in their own
language, so a frame never carries words in the language of whoever acted: it carries codes
(``change``, ``state``) and numbers, and each page puts them into words with its own
JavaScript catalogue (``static/js/live.js``, ``static/js/coedit.js``). Names (of people, of
delegations) are the same in every language and travel as they are.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from drafts.models import Statement


def state_name(state: str) -> str:
    """The state's English name ("Sign-on"), whatever language is active: the same for every
    reader of a frame. Pages show ``state`` translated, not this."""
    with translation.override(None):
        return str(Statement.State(state).label)


def statement_frame(
    statement: Statement,
    *,
    change: str,
    actor: str,
    state_changed: bool,
    revision: int | None,
) -> dict[str, Any]:
    """The ``statement.changed`` group event (sent to the page as ``{"type": "statement"}``).

    ``change`` is the action's code (``open_sign_on``, ``sign_on``, ``new_revision``,
    ``comment``…) and ``state`` the state's code (``sign_on``); ``state_label`` is the state's
    English name, kept for clients written against the first version of the frame (pages
    translate ``state``); ``actor`` is who acted, as ``actor_label`` names them.
    """
    return {
        "type": "statement.changed",
        "statement": statement.pk,
        "change": change,
        "state": statement.state,
        "state_label": state_name(statement.state),
        "state_changed": state_changed,
        "revision": revision,
        "actor": actor,
    }


def actor_label(actor: Any) -> str:
    """Who acted, as a frame names them: "Jane Doe (Canada)", or "" for nobody (a deadline)."""
    return str(actor.label) if actor is not None and actor.is_authenticated else ""
