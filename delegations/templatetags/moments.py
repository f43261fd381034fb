"""``{% when moment %}``: a date and time in the reader's time zone, with UTC on hover."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

# Format characters that show a time of day: with them, the zone's abbreviation follows.
TIME_CHARACTERS = set("aAfgGhHisu")


@register.simple_tag
def when(moment: datetime | date | None, fmt: str = "j M Y H:i") -> SafeString | str:
    """``<time datetime="…UTC…" title="3 Nov 2026 12:00 UTC">3 Nov 2026 13:00 CET</time>``.

    The text is in the active time zone (the person's own, see ``PersonalLocaleMiddleware``)
    and language, followed by the zone's abbreviation when ``fmt`` shows a time; the title
    gives the same moment in UTC. A date without a time is shown as it is. ``None`` shows
    nothing.
    """
    if moment is None or moment == "":
        return ""
    if not isinstance(moment, datetime):
        return format_html(
            '<time datetime="{}">{}</time>', moment.isoformat(), date_format(moment, fmt)
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    local = timezone.localtime(moment)
    text = date_format(local, fmt)
    if TIME_CHARACTERS & set(fmt):
        text = f"{text} {date_format(local, 'T')}"
    utc = moment.astimezone(UTC)
    return format_html(
        '<time datetime="{}" title="{} UTC">{}</time>',
        date_format(utc, "c"),
        date_format(utc, "j M Y H:i"),
        text,
    )
