"""Forms for a statement's text, and for comments on and amendments to its paragraphs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from drafts.models import (
    COMMENT_MAX_LENGTH,
    JUSTIFICATION_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Amendment,
    Revision,
    Statement,
)
from drafts.text import canonical_text


def clean_statement_text(text: str) -> str:
    """Refuse an empty text, or one over ``ACCORD_MAX_TEXT_BYTES``, with a form error."""
    canonical = canonical_text(text)
    if not canonical:
        raise forms.ValidationError(_("The text cannot be empty."))
    size = len(canonical.encode("utf-8"))
    if size > settings.ACCORD_MAX_TEXT_BYTES:
        raise forms.ValidationError(
            _("The text is %(size)s KB; the most a statement may hold is %(most)s KB.")
            % {"size": size // 1000, "most": settings.ACCORD_MAX_TEXT_BYTES // 1000}
        )
    return text


class EditForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24}),
        label=_("Text (Markdown)"),
        error_messages={"required": _("The text cannot be empty.")},
    )
    base_revision = forms.ModelChoiceField(
        queryset=Revision.objects.none(), widget=forms.HiddenInput, to_field_name="number"
    )

    def __init__(self, *args: Any, statement: Statement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        base = self.fields["base_revision"]
        assert isinstance(base, forms.ModelChoiceField)
        base.queryset = statement.revisions.all()
        base.error_messages["invalid_choice"] = _(
            "The revision you started from is not one of this statement's revisions."
        )

    def clean_text(self) -> str:
        return clean_statement_text(self.cleaned_data["text"])


# --- comments and amendments ------------------------------------------------------------------


class _ReadRevisionForm(forms.Form):
    """A form about one paragraph, which says which revision of the text the person read."""

    revision = forms.ModelChoiceField(
        queryset=Revision.objects.none(),
        widget=forms.HiddenInput,
        to_field_name="number",
        required=False,
    )

    def __init__(self, *args: Any, statement: Statement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        read = self.fields["revision"]
        assert isinstance(read, forms.ModelChoiceField)
        read.queryset = statement.revisions.all()
        read.error_messages["invalid_choice"] = _(
            "The revision you read is not one of this statement's revisions."
        )


class CommentForm(_ReadRevisionForm):
    body = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the comment.")},
    )
    quote = forms.CharField(
        label=_("Quote (optional)"),
        required=False,
        max_length=QUOTE_MAX_LENGTH,
        help_text=_("The words of the paragraph your comment is about, copied from it."),
    )
    field_order = ["quote", "body", "revision"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the reply.")},
    )


class AmendmentForm(_ReadRevisionForm):
    kind = forms.ChoiceField(
        label=_("Proposal"),
        choices=Amendment.Kind.choices,
        initial=Amendment.Kind.REPLACE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what to propose.")},
    )
    text = forms.CharField(
        label=_("Proposed wording"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown, as in the text. Not used when proposing to delete the paragraph."),
    )
    justification = forms.CharField(
        label=_("Justification"),
        max_length=JUSTIFICATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why your delegation proposes it.")},
    )


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The proposing delegation is told it."),
        error_messages={"required": _("Give the reason, for the proposing delegation.")},
    )
