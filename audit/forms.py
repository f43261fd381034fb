"""The audit page's filter: which entries to show."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# What Accord's record is about, by content type, as a coordinator names it.
TARGETS = {
    "drafts.statement": _("Statements"),
    "drafts.revision": _("Revisions"),
    "drafts.comment": _("Comments"),
    "drafts.amendment": _("Amendments"),
    "workflow.signature": _("Signatures"),
    "delegations.user": _("People"),
    "delegations.delegation": _("Delegations"),
    "delegations.body": _("Bodies"),
    "delegations.apitoken": _("API tokens"),
    "axes.accessattempt": _("Login lockouts"),
    "audit.chainverification": _("Checks of the record"),
}


class AuditFilterForm(forms.Form):
    """Entries whose action starts with ``action``, by an actor matching ``actor``, written
    between ``since`` and ``until`` (whole UTC days, both included), about ``target_type`` and,
    if given, the one target ``target_id``."""

    action = forms.RegexField(
        label=_("Action starts with"),
        required=False,
        max_length=80,
        regex=r"^[a-z_.]+$",
        error_messages={
            "invalid": _(
                "An action code is lower-case letters, dots and underscores, "
                "e.g. workflow. or drafts.save_revision."
            )
        },
    )
    actor = forms.CharField(label=_("Actor"), required=False, max_length=160)
    since = forms.DateField(label=_("From (UTC)"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("To (UTC)"), required=False, widget=DATE_WIDGET)
    target_type = forms.ChoiceField(label=_("Target"), required=False)
    target_id = forms.CharField(label=_("Target id"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The kinds of thing the record holds entries about, each by its name.
        recorded = ContentType.objects.filter(
            pk__in=AuditEntry.objects.values("target_type").distinct()
        ).values_list("app_label", "model")
        kinds = [f"{app}.{model}" for app, model in recorded]
        target_type = self.fields["target_type"]
        assert isinstance(target_type, forms.ChoiceField)
        named = sorted(((kind, str(TARGETS.get(kind, kind))) for kind in kinds), key=lambda c: c[1])
        target_type.choices = [("", _("Any")), *named]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        if cleaned.get("target_id") and not cleaned.get("target_type"):
            self.add_error("target_type", _("Choose what kind of target the id is of."))
        return cleaned
