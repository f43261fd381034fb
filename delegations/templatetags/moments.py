"""``{% when moment %}``: a date and time in the reader's time zone, with UTC on hover."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.moments import DEFAULT_FORMAT, deadline_element, local_text, time_element

register = template.Library()


@register.simple_tag
def when(moment: datetime | date | None, fmt: str = DEFAULT_FORMAT) -> SafeString | str:
    """``<time datetime="…UTC…" title="3 Nov 2026 12:00 UTC">3 Nov 2026 13:00 CET</time>``.

    The text is in the active time zone (the person's own, see ``PersonalLocaleMiddleware``)
    and language, followed by the zone's abbreviation when ``fmt`` shows a time; the title
    gives the same moment in UTC (``core.moments``). A date without a time is shown as it
    is. ``None`` shows nothing.
    """
    if moment is None or moment == "":
        return ""
    if not isinstance(moment, datetime):
        return format_html(
            '<time datetime="{}">{}</time>', moment.isoformat(), date_format(moment, fmt)
        )
    return time_element(moment, fmt)


@register.simple_tag
def deadline(moment: datetime | None) -> SafeString | str:
    """A deadline: in the reader's zone, with UTC beside it (``core.moments``)."""
    if moment is None or moment == "":
        return ""
    return deadline_element(moment)


@register.filter
def local(moment: datetime | None) -> str:
    """A moment as plain text in the reader's zone, for a plain-text e-mail."""
    return local_text(moment) if isinstance(moment, datetime) else ""
