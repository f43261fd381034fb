"""What the workflow records on the audit record, and how each entry reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from audit.kinds import Action
from delegations.names import recorded_name


def _on_behalf(sentence: StrOrPromise) -> Callable[[Any], str]:
    """ "Signed on for Kenya": the delegation the person acted for, in the reader's language."""

    def word(entry: Any) -> str:
        delegation = recorded_name(entry.actor_delegation) or gettext("a delegation")
        return str(sentence) % {"delegation": delegation}

    return word


ACTIONS = [
    Action("workflow.open_consultation", _("Opened consultation")),
    Action("workflow.open_sign_on", _("Opened sign-on")),
    Action("workflow.return_to_drafting", _("Returned it to drafting")),
    Action(
        "workflow.void_signatures_of_former_members",
        _("At publication, made void the signatures of delegations that had left the coalition"),
    ),
    Action("workflow.publish", pgettext_lazy("audit entry", "Published")),
    Action("workflow.withdraw", _("Withdrew the statement")),
    Action("workflow.open_late_signatures", _("Opened it to late signatures")),
    Action("workflow.close_late_signatures", _("Closed it to late signatures")),
    Action("workflow.remove_signature", _("Removed a signature")),
    Action("workflow.grant", _("Set who may see and act on it")),
    Action(
        "workflow.sign_on",
        _("Signed on"),
        _on_behalf(_("Signed on for %(delegation)s")),
    ),
    Action("workflow.decline", _("Declined"), _on_behalf(_("Declined for %(delegation)s"))),
    Action(
        "workflow.withdraw_signature",
        _("Withdrew a signature"),
        _on_behalf(_("Withdrew the signature of %(delegation)s")),
    ),
]
