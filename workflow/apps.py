from typing import Any

from django.apps import AppConfig


def statements_out_of_reach(reader: Any, ids: list[str]) -> dict[str, str]:
    """Which of these statements a notification may no longer lead its reader to, and why:
    "withdrawn", or "unavailable" (not shared with them any more, or gone)."""
    from drafts.models import Statement
    from drafts.permissions import visible_statements

    numbers = [int(i) for i in ids if i.isdigit()]
    visible = set(
        visible_statements(reader, Statement.objects.filter(pk__in=numbers)).values_list(
            "pk", flat=True
        )
    )
    withdrawn = set(
        Statement.objects.filter(pk__in=numbers, state=Statement.State.WITHDRAWN).values_list(
            "pk", flat=True
        )
    )
    return {
        i: "withdrawn" if i.isdigit() and int(i) in withdrawn else "unavailable"
        for i in ids
        if not (i.isdigit() and int(i) in visible)
    }


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Workflow and signatures"

    def ready(self) -> None:
        from audit import kinds as audit_kinds
        from drafts.live import add_to_frames
        from notifications import kinds, reach
        from workflow import notices, records
        from workflow.live import signed_part

        kinds.register(*notices.KINDS)
        audit_kinds.register(*records.ACTIONS)
        reach.register("drafts.statement", statements_out_of_reach)
        add_to_frames(signed_part)
