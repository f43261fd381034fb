"""A statement's paragraphs: where one ends and the next begins, and putting them back together.

A paragraph is what people number when they speak of a statement: a block of text between
blank lines, and also each item of a numbered or bulleted list, even when the list is written
without blank lines between its items ("operative paragraph 4" is the fourth item of the
list). An indented block after a list item continues that item, and a fenced block of code is
never cut at a blank line inside it.

Each paragraph remembers what came before it in the text (``separator``), so the paragraphs
joined give the canonical text back exactly, and a text with one paragraph replaced, inserted
or deleted (an amendment) is spliced without touching the others.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from drafts.text import canonical_text

# A list item at the margin: "1." or "1)" with up to nine digits, or a bullet, then a space.
_LIST_ITEM = re.compile(r"^(?:\d{1,9}[.)]|[-+*])(?: |$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
BLANK_LINE = "\n\n"


@dataclass(frozen=True)
class Block:
    """One paragraph of a text, and the line breaks that come before it ("" for the first)."""

    separator: str
    text: str

    @property
    def is_list_item(self) -> bool:
        return _LIST_ITEM.match(self.text) is not None


def blocks(text: str) -> list[Block]:
    """The paragraphs of ``text`` (in canonical form) in order; ``join`` gives the text back."""
    body = canonical_text(text).removesuffix("\n")
    if not body:
        return []
    found: list[Block] = []
    lines: list[str] = []
    separator = ""
    blank = 0  # blank lines seen since the last line of text
    fence = ""  # the marker of the fenced code block we are in, if any
    in_list = False
    for line in body.split("\n"):
        if fence:
            lines.append(line)
            if line.lstrip().startswith(fence):
                fence = ""
            continue
        if not line:
            blank += 1
            continue
        starts_item = _LIST_ITEM.match(line) is not None
        continues_item = in_list and blank and line.startswith(" ")
        if continues_item:
            lines.extend([""] * blank)
        elif blank or (in_list and starts_item):
            found.append(Block(separator, "\n".join(lines)))
            separator = "\n" * (blank + 1)
            lines = []
            in_list = starts_item
        elif not lines:
            in_list = starts_item
        blank = 0
        lines.append(line)
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
    found.append(Block(separator, "\n".join(lines)))
    return found


def texts(text: str) -> list[str]:
    """The paragraphs of ``text``, without what separates them."""
    return [block.text for block in blocks(text)]


def join(parts: Sequence[Block]) -> str:
    """The canonical text of these paragraphs."""
    return canonical_text("".join(block.separator + block.text for block in parts))


def respaced(parts: Sequence[Block]) -> list[Block]:
    """``parts`` with separators that keep each one a paragraph of its own once joined.

    Items of a list written without blank lines stay so; anywhere else, and wherever a spliced
    paragraph is not a list item (it would run on into the item before it), a blank line.
    """
    result: list[Block] = []
    for index, block in enumerate(parts):
        if index == 0:
            separator = ""
        elif block.separator.startswith(BLANK_LINE):
            separator = block.separator
        elif block.is_list_item and result[-1].is_list_item and block.separator == "\n":
            separator = "\n"
        else:
            separator = BLANK_LINE
        result.append(Block(separator, block.text))
    return result
