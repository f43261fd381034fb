from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from delegations.models import time_zone_names


class EmailLoginForm(AuthenticationForm):
    """Log in by e-mail; the same message whether the e-mail or the password is wrong."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = _("Email")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})
        self.fields["password"].label = _("Password")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What it is for, e.g. “Reporting script”. Only you see it."),
        error_messages={"required": _("Name the token after what it is for.")},
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Name the token after what it is for."))
        return name


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


class LanguageAndTimeZoneForm(forms.Form):
    """The profile's "Language and time zone" section."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Leave it on “Your browser's language” to follow your browser."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_time_zone_choices,
        help_text=_("Dates and times are shown in this zone; hover over one to see it in UTC."),
        error_messages={
            "invalid_choice": _("Choose a time zone from the list, e.g. Europe/Paris."),
            "required": _("Choose a time zone from the list, e.g. Europe/Paris."),
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("Your browser's language")), *settings.LANGUAGES]
        language.error_messages["invalid_choice"] = _("Choose one of the languages listed.")


class CodeForm(forms.Form):
    """A code from an authenticator app (six digits) or a recovery code (eight characters)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows now, or a recovery code."),
        error_messages={"required": _("Type the code your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"}
        ),
    )
