"""How an audit entry's before and after read on a page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.translation import gettext

from audit import kinds
from audit.models import AuditEntry

register = template.Library()

ABSENT = object()


@dataclass(frozen=True)
class Change:
    """One key of an entry's before/after: its value before and after ("" when absent)."""

    key: str
    before: str
    after: str


def _shown(value: Any) -> str:
    if value is ABSENT:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.filter
def changes(entry: AuditEntry) -> list[Change]:
    """The keys of the entry's before and after, in order, each with both values as text."""
    before = entry.before if isinstance(entry.before, dict) else {"": entry.before}
    after = entry.after if isinstance(entry.after, dict) else {"": entry.after}
    keys = list(before) + [key for key in after if key not in before]
    return [
        Change(key, _shown(before.get(key, ABSENT)), _shown(after.get(key, ABSENT))) for key in keys
    ]


@register.filter
def actor_of(entry: AuditEntry) -> str:
    """Who did it: the person as named then, or Accord itself (a scheduled job, a command)."""
    if entry.actor_id is None and entry.actor_name == "system":
        return gettext("Accord (automatic)")
    return entry.actor_name


@register.filter
def describe(entry: AuditEntry) -> str:
    """A short sentence for an entry, in the reader's language (``audit.kinds``)."""
    return kinds.describe(entry)
