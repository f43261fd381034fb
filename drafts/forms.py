"""Forms for a statement's text."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from drafts.models import Revision, Statement
from drafts.text import canonical_text


def clean_statement_text(text: str) -> str:
    """Refuse an empty text, or one over ``ACCORD_MAX_TEXT_BYTES``, with a form error."""
    canonical = canonical_text(text)
    if not canonical:
        raise forms.ValidationError("The text cannot be empty.")
    size = len(canonical.encode("utf-8"))
    if size > settings.ACCORD_MAX_TEXT_BYTES:
        raise forms.ValidationError(
            f"The text is {size // 1000} KB; the most a statement may hold is "
            f"{settings.ACCORD_MAX_TEXT_BYTES // 1000} KB."
        )
    return text


class EditForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24}),
        label="Text (Markdown)",
        error_messages={"required": "The text cannot be empty."},
    )
    base_revision = forms.ModelChoiceField(
        queryset=Revision.objects.none(), widget=forms.HiddenInput, to_field_name="number"
    )

    def __init__(self, *args: Any, statement: Statement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        base = self.fields["base_revision"]
        assert isinstance(base, forms.ModelChoiceField)
        base.queryset = statement.revisions.all()
        base.error_messages["invalid_choice"] = (
            "The revision you started from is not one of this statement's revisions."
        )

    def clean_text(self) -> str:
        return clean_statement_text(self.cleaned_data["text"])
