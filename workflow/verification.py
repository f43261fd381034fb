"""Whether a text someone holds is, word for word, the text signed in a published statement.

Two looks, both by an indexed hash, never a scan:

1. the SHA-256 of its canonical form (``drafts.text.content_hash``) against the hash of each
   published statement's signed revision: the very Markdown that was signed;
2. the SHA-256 of its words (``drafts.text.words_hash``) against the one each statement got
   at publication: the same words and punctuation in the same order, whatever the markup,
   list numbers, line breaks or spacing (a copy from the public page, or a Word document).

When neither finds one, the closest of the most recently published texts is shown beside it,
paragraph by paragraph, with the words that differ marked.

What a Word document must hold to verify: the statement's text as its paragraphs (headings
and numbered paragraphs as they read; Word's own numbering is not text and is not needed),
and nothing else. Tables, headers and footers are not read. The Word document Accord exports
verifies as it is: its details line, separate title and annex of signatories are left out by
their styles. In any other document, a title line, annex or note that the signed text does
not have makes it a different text, and the page then shows where.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from io import BytesIO

from django.db.models import Q
from docx import Document

from drafts.diff import Comparison, compare
from drafts.models import Statement
from drafts.text import canonical_text, content_hash, words_hash
from workflow import selectors
from workflow.exports import blocks_of, statement_paragraphs_of

# How many of the most recently published texts a text that matches none is compared with:
# bounded work per request, whatever the size of the archive. Older statements are found by
# their hash all the same; only the "closest" suggestion is limited to these.
CANDIDATES = 300
# Below this likeness (Dice coefficient of three-word shingles) no published text is shown
# as the closest one: the text is about something else.
RESEMBLES = 0.3
SHINGLE_WORDS = 3
# A .docx is a zip: refuse one that would unpack to more than this, before reading it.
MAX_DOCX_UNPACKED_BYTES = 20_000_000

_WORD = re.compile(r"\w+")


class UnreadableDocument(ValueError):
    """The file is not a Word document (.docx) that can be read."""


def docx_text(data: bytes) -> str:
    """The text of a .docx: its body's paragraphs as they read, joined by blank lines.

    A document exported by Accord reads without its details line, separate title and annex
    of signatories (``workflow.exports.statement_paragraphs_of``); any other reads in full.
    Empty paragraphs are skipped. Raises ``UnreadableDocument`` for anything that is not a
    readable Word document, including one that would unpack to more than 20 MB.
    """
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
            has_body = "word/document.xml" in archive.namelist()
        if not has_body or unpacked > MAX_DOCX_UNPACKED_BYTES:
            raise UnreadableDocument("no document body, or too large unpacked")
        texts = statement_paragraphs_of(Document(BytesIO(data)))
    except UnreadableDocument:
        raise
    except Exception as error:
        # An uploaded file can be broken in more ways than the zip, XML and package readers
        # name; whichever way, it is a document that cannot be read, not a server error.
        raise UnreadableDocument(str(error)) from error
    return "\n\n".join(text.strip() for text in texts if text.strip())


_MARKDOWN_LINE = re.compile(r"^ {0,3}(?:#{1,6} |[-*+] |\d{1,9}[.)][ \t])|\*\w|\w\*", re.MULTILINE)


def readable_paragraphs(text: str) -> str:
    """A text as a reader sees it, paragraph by paragraph: each heading, paragraph and list
    item's words, without Markdown or list numbers, separated by blank lines. Both sides of a
    comparison are read this way, so markup never shows as a difference.

    A text with Markdown (headings, list items, emphasis) is read as Markdown, so lines
    wrapped inside a paragraph stay one paragraph; any other text (copied from a page, or a
    document) has one paragraph per line, as pages and documents give them.
    """
    canonical = canonical_text(text)
    if _MARKDOWN_LINE.search(canonical):
        units = [block.words for block in blocks_of(canonical)]
    else:
        units = canonical.split("\n")
    return "\n\n".join(" ".join(unit.split()) for unit in units if unit.strip())


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    size = min(SHINGLE_WORDS, len(words)) or 1
    return Counter(tuple(words[i : i + size]) for i in range(max(len(words) - size + 1, 0)))


def likeness(one: str, other: str) -> float:
    """How much two texts share, from 0 to 1: the Dice coefficient of their three-word runs
    (case and punctuation aside). Cheap enough to weigh hundreds of texts against one."""
    a, b = _shingles(one), _shingles(other)
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


@dataclass(frozen=True)
class Verdict:
    """What verifying a text found.

    ``statement`` is the published statement whose signed text it is (``exact``: the very
    Markdown, else the same words in another format), or None; then ``closest`` is the most
    alike recent publication, if any is alike enough, and ``comparison`` shows the
    differences from its signed text (old) to the given text (new).
    """

    given_hash: str
    statement: Statement | None = None
    exact: bool = False
    closest: Statement | None = None
    closeness: float = 0.0
    comparison: Comparison | None = None


def verify(text: str) -> Verdict:
    """Look ``text`` up among the published statements (see the module's description)."""
    canonical = canonical_text(text)
    given_hash = content_hash(canonical)
    statement = selectors.published_by_hash(given_hash)
    if statement is not None:
        return Verdict(given_hash, statement, exact=True)
    statement = selectors.published_by_words(words_hash(canonical))
    if statement is not None:
        return Verdict(given_hash, statement)

    given_words = readable_paragraphs(canonical)
    scored = [
        (likeness(given_words, signed), pk)
        for pk, signed in selectors.recent_published_texts(CANDIDATES)
    ]
    best = max(scored, default=(0.0, 0))
    if best[0] < RESEMBLES:
        return Verdict(given_hash)
    closest = selectors.published_statements().filter(Q(pk=best[1])).first()
    if closest is None or closest.instrument_revision is None:
        return Verdict(given_hash)
    comparison = compare(readable_paragraphs(closest.instrument_revision.text), given_words)
    return Verdict(given_hash, closest=closest, closeness=best[0], comparison=comparison)
