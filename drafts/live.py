"""What the pages open on a statement are told when it changes.

One frame reaches everyone watching the statement, each reading the page in their own
language, so a frame never carries words in the language of whoever acted: it carries codes
(``change``, ``state``) and numbers, and each page puts them into words with its own
JavaScript catalogue (``static/js/live.js``, ``static/js/coedit.js``). Names (of people, of
delegations) are the same in every language and travel as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import translation

from delegations.live import person_of
from drafts.models import Statement
from notifications.live import broadcast_on_commit, statement_group


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
    actor_person: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The ``statement.changed`` group event (sent to the page as ``{"type": "statement"}``).

    ``change`` is the action's code (``open_sign_on``, ``sign_on``, ``new_revision``,
    ``comment``…) and ``state`` the state's code (``sign_on``); ``state_label`` is the state's
    English name, kept for clients written against the first version of the frame (pages
    translate ``state``); ``actor`` is who acted, as ``actor_label`` names them, in English;
    ``actor_person`` the same as parts (``delegations.live.person_of``), which pages word in
    their reader's language (None for nobody: a deadline).
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
        "actor_person": actor_person,
    }


def actor_label(actor: Any) -> str:
    """Who acted, as a frame names them: "Jane Doe (Canada)", or "" for nobody (a deadline)."""
    return str(actor.label) if actor is not None and actor.is_authenticated else ""


# What other apps add to every frame about a statement (the workflow: how many delegations
# have signed), given its id, when the frame is built after commit.
_FRAME_PARTS: list[Callable[[int], dict[str, Any]]] = []


def add_to_frames(part: Callable[[int], dict[str, Any]]) -> None:
    """Register ``part`` (from an ``AppConfig.ready``): its keys join every frame."""
    if part not in _FRAME_PARTS:
        _FRAME_PARTS.append(part)


def announce(
    statement: Statement,
    *,
    change: str,
    actor: Any,
    state_changed: bool = False,
    compare: str | None = None,
) -> None:
    """After commit, tell every page open on ``statement`` what changed: one frame, built
    once for every app (``statement_frame`` and the registered parts), from the statement as
    committed. ``compare`` links a new revision's changes."""
    statement_id = statement.pk
    actor_name = actor_label(actor)
    actor_person = person_of(actor) if actor_name else None

    def event() -> dict[str, Any]:
        fresh = Statement.objects.select_related("current_revision").get(pk=statement_id)
        frame = statement_frame(
            fresh,
            change=change,
            actor=actor_name,
            actor_person=actor_person,
            state_changed=state_changed,
            revision=fresh.current_revision.number if fresh.current_revision else None,
        )
        if compare:
            frame["compare"] = compare
        for part in _FRAME_PARTS:
            frame |= part(statement_id)
        return frame

    broadcast_on_commit(statement_group(statement_id), event)
