"""How Accord shows a moment: in the reader's time zone and language, with UTC on hover.

One wording for every place a time is shown: the ``{% when %}`` tag in templates
(``delegations/templatetags/moments.py``) and lines worded in Python, such as a
notification's detail, which is read on a page, in the live list and in e-mails.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

# Format characters that show a time of day: with them, the zone's abbreviation follows.
TIME_CHARACTERS = set("aAfgGhHisu")

DEFAULT_FORMAT = "j M Y H:i"


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


def local_text(moment: datetime, fmt: str = DEFAULT_FORMAT) -> str:
    """``moment`` as plain text in the active time zone and language, followed by the zone's
    abbreviation when ``fmt`` shows a time: "4 Nov 2031 13:00 CET". A naive moment is UTC."""
    local = timezone.localtime(_aware(moment))
    text = date_format(local, fmt)
    if TIME_CHARACTERS & set(fmt):
        text = f"{text} {date_format(local, 'T')}"
    return text


def time_element(moment: datetime, fmt: str = DEFAULT_FORMAT) -> SafeString:
    """``<time datetime="…UTC…" title="3 Nov 2026 12:00 UTC">3 Nov 2026 13:00 CET</time>``:
    ``local_text`` for the reader, the same moment in UTC on hover."""
    utc = _aware(moment).astimezone(UTC)
    return format_html(
        '<time datetime="{}" title="{} UTC">{}</time>',
        date_format(utc, "c"),
        date_format(utc, DEFAULT_FORMAT),
        local_text(moment, fmt),
    )


def deadline_element(moment: datetime) -> SafeString:
    """A deadline others read too: ``time_element`` in the reader's zone and, unless that is
    UTC already, the same moment in UTC beside it, so people in different zones quote one
    time: "4 Nov 2031 13:00 CET (12:00 UTC)"."""
    shown = time_element(moment)
    if timezone.get_current_timezone_name() in ("UTC", "Etc/UTC"):
        return shown
    utc = _aware(moment).astimezone(UTC)
    same_day = timezone.localtime(_aware(moment)).date() == utc.date()
    return format_html(
        '{} <span class="utc">({} UTC)</span>',
        shown,
        date_format(utc, "H:i" if same_day else DEFAULT_FORMAT),
    )
