"""The canonical form of a statement's text, its hash, and its safe rendering."""

import hashlib
import unicodedata
from html import unescape

import nh3
from markdown_it import MarkdownIt

HASH_DISPLAY_LENGTH = 12

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
    "blockquote", "ul", "ol", "li", "a",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


def canonical_text(text: str) -> str:
    """The text as it is stored and hashed.

    Unicode in NFC form, every line ending as ``\\n``, no trailing spaces on any line, no
    blank lines at the start or end, and one final newline. Two texts that differ only in
    those respects are the same statement.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    body = "\n".join(lines).strip("\n")
    return f"{body}\n" if body else ""


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the canonical form of ``text``."""
    return hashlib.sha256(canonical_text(text).encode("utf-8")).hexdigest()


def short_hash(full_hash: str) -> str:
    """The first 12 hex digits, as the hash is shown to people."""
    return full_hash[:HASH_DISPLAY_LENGTH]


def render_markdown(text: str) -> str:
    """Markdown to HTML that can carry no script: raw HTML is escaped, then the result sanitised."""
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(text: str) -> str:
    """What a reader sees of a Markdown text: its words without markup or list numbers, with
    every run of white space as one space. A quote copied from the page is found in it."""
    html = _markdown.render(text)
    return " ".join(unescape(nh3.clean(html, tags=set())).split())


def words_hash(text: str) -> str:
    """SHA-256 (hex) of the words of ``text`` as a reader sees them (``plain_text``).

    Two texts share it when they have the same words and punctuation in the same order,
    whatever their Markdown, list numbers, line breaks or spacing: the same text copied from
    a page, or saved as a Word document.
    """
    return hashlib.sha256(plain_text(canonical_text(text)).encode("utf-8")).hexdigest()
