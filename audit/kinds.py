"""The actions Accord records, declared by the apps that record them.

Each app declares its actions (``Action``: the stable code stored on every entry, the label a
reader sees on the record, and optionally a sentence built from the entry's values) in its own
module and registers them when it loads. ``audit.actions.record`` refuses a code no app
declares, so the record holds nothing a page cannot name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Action:
    """One kind of audit entry."""

    code: str
    label: StrOrPromise
    # A sentence from the entry's values ("Signed on for Kenya"), in the reader's language.
    sentence: Callable[[Any], str] | None = None


_ACTIONS: dict[str, Action] = {}


def register(*actions: Action) -> None:
    """Declare ``actions`` (from an ``AppConfig.ready``); two declarations with one code are a
    mistake."""
    for action in actions:
        known = _ACTIONS.get(action.code)
        if known is not None and known != action:
            raise ValueError(f"Two audit actions have the code {action.code!r}")
        _ACTIONS[action.code] = action


def find(code: str) -> Action | None:
    return _ACTIONS.get(code)


def codes() -> list[str]:
    return list(_ACTIONS)


def describe(entry: Any) -> str:
    """A short sentence for an entry, in the reader's language: "Opened sign-on"; an action no
    app declares (any more) by its code."""
    action = _ACTIONS.get(entry.action)
    if action is None:
        return str(entry.action)
    if action.sentence is not None:
        return action.sentence(entry)
    return str(action.label)
