"""Forms of the workflow pages. They parse and validate input; actions do the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from delegations.models import Body, Delegation
from delegations.names import sorted_by_name
from drafts.forms import clean_statement_text
from drafts.models import Statement
from drafts.text import canonical_text
from workflow.verification import UnreadableDocument, docx_text

DEADLINE_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _future(moment: Any) -> Any:
    if moment is not None and moment <= timezone.now():
        raise forms.ValidationError(_("The deadline must be in the future."))
    return moment


class StatementForm(forms.Form):
    title = forms.CharField(
        max_length=300,
        label=_("Title"),
        error_messages={"required": _("Give the statement a title.")},
    )
    kind = forms.ChoiceField(
        choices=Statement.Kind.choices, initial=Statement.Kind.JOINT_STATEMENT, label=_("Kind")
    )
    body = forms.ModelChoiceField(
        queryset=Body.objects.all(),
        label=_("Body"),
        empty_label=None,
        help_text=_("Who steers it."),
    )
    pen_holders = forms.ModelMultipleChoiceField(
        queryset=Delegation.objects.filter(is_member=True),
        required=False,
        label=_("Pen-holding delegations"),
        help_text=_("Your own delegation always holds the pen on statements it starts."),
        # A list of checkboxes (a filter box narrows it, static/js/checklist.js): no
        # Ctrl/Cmd-click through 42 names, and every keyboard gets there with Tab and Space.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checklist-option"}),
    )
    min_signatures = forms.IntegerField(
        min_value=1, max_value=500, initial=1, label=_("Minimum signatures to publish")
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18}),
        label=_("Text (Markdown)"),
        error_messages={"required": _("The text cannot be empty.")},
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        # Each delegation by its name in the reader's language, in that language's order.
        pen_holders = self.fields["pen_holders"]
        assert isinstance(pen_holders, forms.ModelMultipleChoiceField)
        members = sorted_by_name(pen_holders.queryset or [], lambda d: d.shown_name)
        pen_holders.choices = [(d.pk, d.shown_name) for d in members]

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the statement a title."))
        return title

    def clean_text(self) -> str:
        return clean_statement_text(self.cleaned_data["text"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.actor.delegation_id is None and not cleaned.get("pen_holders"):
            self.add_error("pen_holders", _("Choose at least one pen-holding delegation."))
        return cleaned


def _in_zone(label: StrOrPromise) -> str:
    """A deadline's label naming the zone it is typed in: the person's own (the active zone,
    which ``DateTimeField`` also reads the typed time in)."""
    return str(label) % {"zone": timezone.get_current_timezone_name()}


class OpenConsultationForm(forms.Form):
    deadline = forms.DateTimeField(required=False, widget=DEADLINE_WIDGET)
    advisers_invited = forms.BooleanField(required=False, label=_("Invite the advisory network"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].label = _in_zone(_("Consultation closes (%(zone)s)"))

    def clean_deadline(self) -> Any:
        return _future(self.cleaned_data["deadline"])


class OpenSignOnForm(forms.Form):
    deadline = forms.DateTimeField(widget=DEADLINE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].label = _in_zone(_("Sign-on closes (%(zone)s)"))

    def clean_deadline(self) -> Any:
        return _future(self.cleaned_data["deadline"])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label=_("Reason for withdrawing"),
        error_messages={"required": _("Give the reason for withdrawing.")},
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for withdrawing."))
        return reason


class NoInput(forms.Form):
    """For actions that take nothing but the click."""


class ThreadFilterForm(forms.Form):
    """Which comment threads the statement page shows: open or resolved, and whose."""

    comments = forms.ChoiceField(
        label=_("Comments"),
        required=False,
        choices=[
            ("all", _("All comments")),
            ("open", _("Open comments")),
            ("resolved", _("Resolved comments")),
        ],
        error_messages={"invalid_choice": _("Show all, open or resolved comments.")},
    )
    delegation = forms.RegexField(
        label=_("From"),
        required=False,
        regex=r"^(?:[A-Z]{2}|advisers)$",
        error_messages={
            "invalid": _("Choose a delegation by its two-letter code, or the advisory network.")
        },
    )


class RemoveSignatureForm(forms.Form):
    """A coordinator takes one delegation's signature off a published statement."""

    delegation = forms.ModelChoiceField(
        queryset=Delegation.objects.all(),
        to_field_name="code",
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the delegation whose signature to remove."),
            "invalid_choice": _("Choose the delegation whose signature to remove."),
        },
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label=_("Reason for removing it (kept on the record)"),
        error_messages={"required": _("Give the reason for removing the signature.")},
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for removing the signature."))
        return reason


class ListQueryForm(forms.Form):
    """What the query string of every list carries: words to look for, and the page."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Search for at most 200 characters.")},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("Pages are numbered from 1."),
            "min_value": _("Pages are numbered from 1."),
        },
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class PublicSearchForm(ListQueryForm):
    """The public list's search and filters, from the query string."""

    field_order = ["q", "year", "body", "kind"]

    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1990,
        max_value=2999,
        widget=forms.Select,
        error_messages={
            "invalid": _("Choose a year as four digits, e.g. 2026."),
            "min_value": _("Choose a year as four digits, e.g. 2026."),
            "max_value": _("Choose a year as four digits, e.g. 2026."),
        },
    )
    body = forms.ModelChoiceField(
        label=_("Body"),
        queryset=Body.objects.all(),
        required=False,
        empty_label=_("Any body"),
        error_messages={"invalid_choice": _("There is no such body; choose one from the list.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *Statement.Kind.choices],
        error_messages={"invalid_choice": _("Choose a joint statement or a rapid response.")},
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = self.fields["year"]
        assert isinstance(year_field.widget, forms.Select)
        year_field.widget.choices = [("", _("Any year")), *((y, str(y)) for y in years)]


class StatementListForm(ListQueryForm):
    """The full list of statements a person may open: one dashboard section or all of them,
    narrowed by state and words of the title, from the query string."""

    field_order = ["section", "state", "q"]

    section = forms.ChoiceField(
        label=_("Section"),
        required=False,
        error_messages={"invalid_choice": _("There is no such section on your dashboard.")},
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state")), *Statement.State.choices],
        error_messages={"invalid_choice": _("Choose a state from the list.")},
    )

    def __init__(self, *args: Any, sections: list[tuple[str, StrOrPromise]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        section_field = self.fields["section"]
        assert isinstance(section_field, forms.ChoiceField)
        section_field.choices = [("", _("All statements you can open")), *sections]
        self.fields["q"].label = _("Title contains")


VERIFY_EXTENSIONS = (".txt", ".md", ".docx")


class VerifyForm(forms.Form):
    """A text to verify: pasted, or read from a .txt, .md or .docx file.

    ``cleaned_data["given"]`` is the text, from whichever was given.
    """

    text = forms.CharField(
        label=_("Paste the text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_("Or choose a file (.txt, .md or .docx)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(VERIFY_EXTENSIONS)}),
    )

    def _checked_size(self, text: str) -> str:
        size = len(canonical_text(text).encode("utf-8"))
        if size > settings.ACCORD_MAX_TEXT_BYTES:
            raise forms.ValidationError(
                _("The text is %(size)s KB; no published statement is over %(most)s KB.")
                % {"size": size // 1000, "most": settings.ACCORD_MAX_TEXT_BYTES // 1000}
            )
        return text

    def clean_text(self) -> str:
        return self._checked_size(self.cleaned_data.get("text") or "")

    def clean_file(self) -> str:
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        name = (upload.name or "").lower()
        if not name.endswith(VERIFY_EXTENSIONS):
            raise forms.ValidationError(_("Choose a .txt, .md or .docx file."))
        cap = settings.ACCORD_VERIFY_MAX_UPLOAD_BYTES
        if upload.size is not None and upload.size > cap:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest file this page reads is %(most)s.")
                % {"size": file_size_label(upload.size), "most": file_size_label(cap)}
            )
        data = upload.read(cap + 1)
        if len(data) > cap:
            raise forms.ValidationError(
                _("The file is over %(most)s, the largest this page reads.")
                % {"most": file_size_label(cap)}
            )
        if name.endswith(".docx"):
            try:
                text = docx_text(data)
            except UnreadableDocument as error:
                raise forms.ValidationError(
                    _("This file is not a Word document (.docx) we can read.")
                ) from error
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(
                    _(
                        "This file is not UTF-8 text. Save it as UTF-8, or paste the text, and "
                        "try again."
                    )
                ) from error
        if not text.strip():
            raise forms.ValidationError(_("This file holds no text."))
        return self._checked_size(text)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        pasted, read = cleaned.get("text"), cleaned.get("file")
        if self.errors:
            return cleaned
        if pasted and pasted.strip() and read:
            raise forms.ValidationError(_("Paste a text or choose a file, not both."))
        given = read or pasted or ""
        if not given.strip():
            raise forms.ValidationError(_("Paste a text, or choose a file, to verify."))
        cleaned["given"] = given
        return cleaned


def file_size_label(size: int) -> str:
    """A size as people read it: "1.0 MB", "350 KB"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(size // 1000, 1)} KB"
