"""Forms of the workflow pages. They parse and validate input; actions do the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from delegations.models import Body, Delegation
from drafts.forms import clean_statement_text
from drafts.models import Statement

DEADLINE_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _future(moment: Any) -> Any:
    if moment is not None and moment <= timezone.now():
        raise forms.ValidationError("The deadline must be in the future.")
    return moment


class StatementForm(forms.Form):
    title = forms.CharField(
        max_length=300, error_messages={"required": "Give the statement a title."}
    )
    kind = forms.ChoiceField(choices=Statement.Kind.choices, initial=Statement.Kind.JOINT_STATEMENT)
    body = forms.ModelChoiceField(
        queryset=Body.objects.all(), label="Body", empty_label=None, help_text="Who steers it."
    )
    pen_holders = forms.ModelMultipleChoiceField(
        queryset=Delegation.objects.filter(is_member=True),
        required=False,
        label="Pen-holding delegations",
        help_text="Your own delegation always holds the pen on statements it starts.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    min_signatures = forms.IntegerField(
        min_value=1, max_value=500, initial=1, label="Minimum signatures to publish"
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18}),
        label="Text (Markdown)",
        error_messages={"required": "The text cannot be empty."},
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the statement a title.")
        return title

    def clean_text(self) -> str:
        return clean_statement_text(self.cleaned_data["text"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.actor.delegation_id is None and not cleaned.get("pen_holders"):
            self.add_error("pen_holders", "Choose at least one pen-holding delegation.")
        return cleaned


class OpenConsultationForm(forms.Form):
    deadline = forms.DateTimeField(
        required=False, widget=DEADLINE_WIDGET, label="Consultation closes (UTC)"
    )
    advisers_invited = forms.BooleanField(required=False, label="Invite the advisory network")

    def clean_deadline(self) -> Any:
        return _future(self.cleaned_data["deadline"])


class OpenSignOnForm(forms.Form):
    deadline = forms.DateTimeField(widget=DEADLINE_WIDGET, label="Sign-on closes (UTC)")

    def clean_deadline(self) -> Any:
        return _future(self.cleaned_data["deadline"])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="Reason for withdrawing",
        error_messages={"required": "Give the reason for withdrawing."},
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for withdrawing.")
        return reason


class NoInput(forms.Form):
    """For actions that take nothing but the click."""


class ThreadFilterForm(forms.Form):
    """Which comment threads the statement page shows: open or resolved, and whose."""

    comments = forms.ChoiceField(
        label="Comments",
        required=False,
        choices=[("all", "All"), ("open", "Open"), ("resolved", "Resolved")],
        error_messages={"invalid_choice": "Show all, open or resolved comments."},
    )
    delegation = forms.RegexField(
        label="From",
        required=False,
        regex=r"^(?:[A-Z]{2}|advisers)$",
        error_messages={
            "invalid": "Choose a delegation by its two-letter code, or the advisory network."
        },
    )
