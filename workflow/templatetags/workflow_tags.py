"""How the record of a statement's life reads on its page."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from delegations.names import recorded_name

register = template.Library()

LABELS = {
    "drafts.start_statement": _("Started the statement"),
    "drafts.change_details": _("Changed the statement's details"),
    "workflow.open_consultation": _("Opened consultation"),
    "workflow.open_sign_on": _("Opened sign-on"),
    "workflow.return_to_drafting": _("Returned it to drafting"),
    "workflow.void_signatures_of_former_members": _(
        "At publication, made void the signatures of delegations that had left the coalition"
    ),
    "workflow.publish": pgettext_lazy("audit entry", "Published"),
    "workflow.withdraw": _("Withdrew the statement"),
    "workflow.open_late_signatures": _("Opened it to late signatures"),
    "workflow.close_late_signatures": _("Closed it to late signatures"),
    "workflow.remove_signature": _("Removed a signature"),
    "workflow.grant": _("Set who may see and act on it"),
    "drafts.comment": _("Commented"),
    "drafts.reply": _("Replied to a comment"),
    "drafts.resolve_comment": _("Resolved a comment thread"),
    "drafts.reopen_comment": _("Reopened a comment thread"),
    "drafts.propose_amendment": _("Proposed an amendment"),
}

ON_BEHALF = {
    "workflow.sign_on": _("Signed on for %(delegation)s"),
    "workflow.decline": _("Declined for %(delegation)s"),
    "workflow.withdraw_signature": _("Withdrew the signature of %(delegation)s"),
}


@register.filter
def describe(entry: AuditEntry) -> str:
    """A short sentence for an audit entry about a statement: "Opened sign-on"."""
    if entry.action == "drafts.save_revision":
        revision = entry.after.get("revision", "")
        newer = (entry.after.get("merged") or {}).get("merged_with") or []
        if len(newer) == 1:
            return gettext("Saved revision %(revision)s, merged with revision %(newer)s") % {
                "revision": revision,
                "newer": newer[0],
            }
        if newer:
            return gettext(
                "Saved revision %(revision)s, merged with revisions %(first)s to %(last)s"
            ) % {"revision": revision, "first": newer[0], "last": newer[-1]}
        return gettext("Saved revision %(revision)s") % {"revision": revision}
    if entry.action == "drafts.accept_amendment":
        revision = entry.after.get("revision", "")
        by = recorded_name(entry.after.get("proposed_by", "")) or gettext("a delegation")
        return gettext("Accepted the amendment by %(delegation)s: revision %(revision)s") % {
            "delegation": by,
            "revision": revision,
        }
    if entry.action == "drafts.reject_amendment":
        by = recorded_name(entry.after.get("proposed_by", "")) or gettext("a delegation")
        return gettext("Rejected the amendment by %(delegation)s") % {"delegation": by}
    if entry.action in ON_BEHALF:
        return str(ON_BEHALF[entry.action]) % {
            "delegation": recorded_name(entry.actor_delegation) or gettext("a delegation")
        }
    return str(LABELS.get(entry.action, entry.action))


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
