"""What drafting records on the audit record, and how each entry reads."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.kinds import Action
from delegations.names import recorded_name


def _saved(entry: Any) -> str:
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


def _proposer(entry: Any) -> str:
    return recorded_name(entry.after.get("proposed_by", "")) or gettext("a delegation")


def _accepted(entry: Any) -> str:
    return gettext("Accepted the amendment by %(delegation)s: revision %(revision)s") % {
        "delegation": _proposer(entry),
        "revision": entry.after.get("revision", ""),
    }


def _rejected(entry: Any) -> str:
    return gettext("Rejected the amendment by %(delegation)s") % {"delegation": _proposer(entry)}


ACTIONS = [
    Action("drafts.start_statement", _("Started the statement")),
    Action("drafts.change_details", _("Changed the statement's details")),
    Action("drafts.save_revision", _("Saved a revision"), _saved),
    Action("drafts.comment", _("Commented")),
    Action("drafts.reply", _("Replied to a comment")),
    Action("drafts.resolve_comment", _("Resolved a comment thread")),
    Action("drafts.reopen_comment", _("Reopened a comment thread")),
    Action("drafts.propose_amendment", _("Proposed an amendment")),
    Action("drafts.accept_amendment", _("Accepted an amendment"), _accepted),
    Action("drafts.reject_amendment", _("Rejected an amendment"), _rejected),
]
