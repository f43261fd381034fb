"""How the record of a statement's life reads on its page."""

from __future__ import annotations

from django import template

from audit.models import AuditEntry

register = template.Library()

LABELS = {
    "drafts.start_statement": "Started the statement",
    "drafts.change_details": "Changed the statement's details",
    "workflow.open_consultation": "Opened consultation",
    "workflow.open_sign_on": "Opened sign-on",
    "workflow.return_to_drafting": "Returned it to drafting",
    "workflow.publish": "Published",
    "workflow.withdraw": "Withdrew the statement",
    "workflow.open_late_signatures": "Opened it to late signatures",
    "workflow.close_late_signatures": "Closed it to late signatures",
    "workflow.remove_signature": "Removed a signature",
    "workflow.grant": "Set who may see and act on it",
    "drafts.comment": "Commented",
    "drafts.reply": "Replied to a comment",
    "drafts.resolve_comment": "Resolved a comment thread",
    "drafts.reopen_comment": "Reopened a comment thread",
    "drafts.propose_amendment": "Proposed an amendment",
}

ON_BEHALF = {
    "workflow.sign_on": "Signed on for {}",
    "workflow.decline": "Declined for {}",
    "workflow.withdraw_signature": "Withdrew the signature of {}",
}


@register.filter
def describe(entry: AuditEntry) -> str:
    """A short sentence for an audit entry about a statement: "Opened sign-on"."""
    if entry.action == "drafts.save_revision":
        saved = f"Saved revision {entry.after.get('revision', '')}".strip()
        newer = (entry.after.get("merged") or {}).get("merged_with") or []
        if len(newer) == 1:
            return f"{saved}, merged with revision {newer[0]}"
        if newer:
            return f"{saved}, merged with revisions {newer[0]} to {newer[-1]}"
        return saved
    if entry.action == "drafts.accept_amendment":
        revision = entry.after.get("revision", "")
        by = entry.after.get("proposed_by") or "a delegation"
        return f"Accepted the amendment by {by}: revision {revision}"
    if entry.action == "drafts.reject_amendment":
        return f"Rejected the amendment by {entry.after.get('proposed_by') or 'a delegation'}"
    if entry.action in ON_BEHALF:
        return ON_BEHALF[entry.action].format(entry.actor_delegation or "a delegation")
    return LABELS.get(entry.action, entry.action)
