"""How a comparison of texts, and a paragraph of one, read on a page."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from drafts.diff import Segment
from drafts.text import render_markdown

register = template.Library()

# Insertions and deletions are underlined and struck through, and say what they are to
# screen readers, in the reader's language: never colour alone.
_MARKUP = {
    "equal": "{}",
    "insert": '<ins><span class="visually-hidden">[{}: </span>{}'
    '<span class="visually-hidden">]</span></ins>',
    "delete": '<del><span class="visually-hidden">[{}: </span>{}'
    '<span class="visually-hidden">]</span></del>',
}


@register.simple_tag
def segments_html(segments: Iterable[Segment]) -> SafeString:
    """The segments as escaped HTML, in one line: whitespace in them is the text's own."""
    said = {
        "insert": pgettext("screen reader, in a comparison", "inserted"),
        "delete": pgettext("screen reader, in a comparison", "deleted"),
    }
    return format_html_join(
        "",
        "{}",
        (
            (format_html(_MARKUP[s.kind], said[s.kind], s.text),)
            if s.kind in said
            else (format_html(_MARKUP["equal"], s.text),)
            for s in segments
        ),
    )


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown as sanitised HTML (``drafts.text.render_markdown``): it can carry no script."""
    return mark_safe(render_markdown(text))  # nh3 has cleaned it
