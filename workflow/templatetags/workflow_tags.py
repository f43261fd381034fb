"""How the record of a statement's life reads on its page."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.translation import gettext, ngettext

from audit.models import AuditEntry

register = template.Library()

# The notes the workflow's actions write on the record, in English (the record itself never
# changes): each worded at display in the reader's language. Others are shown as written.
_NOTES: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"^Revision (\d+) frozen, hash ([0-9a-f]+)$"),
        lambda m: (
            gettext("Revision %(number)s frozen, hash %(hash)s") % {"number": m[1], "hash": m[2]}
        ),
    ),
    (
        re.compile(r"^(\d+) signature\(s\) made void$"),
        lambda m: (
            ngettext("%(count)d signature made void", "%(count)d signatures made void", int(m[1]))
            % {"count": int(m[1])}
        ),
    ),
    (
        re.compile(r"^(\d+) signatories$"),
        lambda m: (
            ngettext("%(count)d signatory", "%(count)d signatories", int(m[1]))
            % {"count": int(m[1])}
        ),
    ),
    (re.compile(r"^After publication$"), lambda m: gettext("After publication")),
]


@register.filter
def note(entry: AuditEntry) -> str:
    """The entry's note, in the reader's language where Accord wrote it."""
    for pattern, word in _NOTES:
        found = pattern.match(entry.note or "")
        if found:
            return str(word(found))
    return entry.note
