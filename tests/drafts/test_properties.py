"""Property-based: the text's canonical form and hash, the three-way merge, the word diff and
the Markdown rendering hold for any text, not only for the examples we thought of.

Example counts stay modest so the file runs in seconds; ``derandomize`` makes a failure
reproduce on the next run (and in CI) without a stored database of examples.
"""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from drafts.diff import word_diff, words
from drafts.merge import merge
from drafts.text import canonical_text, content_hash, render_markdown

FEW = settings(max_examples=60, deadline=None, derandomize=True, database=None)
SOME = settings(max_examples=120, deadline=None, derandomize=True, database=None)

# Letters with and without accents (some decomposable: NFC and NFD differ), digits, Markdown's
# punctuation, and the characters that matter to HTML.
LETTERS = "abcdefghijklmnopqrstuvwxyzÀÉéèêëïôüçñåøÅ"
MARKS = ".,;:!?*_#-+()[]`'\"<>&/\\="

word = st.text(alphabet=LETTERS + "0123456789", min_size=1, max_size=8)
punctuated = st.one_of(word, st.sampled_from(list(MARKS)).map(lambda mark: f"{mark}x"))
paragraph = st.lists(punctuated, min_size=1, max_size=8).map(" ".join)
# A text as people write it: paragraphs between blank lines, some on several lines.
text = st.lists(
    st.lists(paragraph, min_size=1, max_size=3).map("\n".join), min_size=0, max_size=6
).map("\n\n".join)
# Anything at all, control characters and lone surrogates aside (they cannot be stored).
anything = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)


def sloppy(canonical: str, spaces: list[int], crlf: bool, nfd: bool) -> str:
    """The same text as another program might save it: trailing spaces, CRLF, decomposed
    accents, blank lines around it."""
    lines = canonical.split("\n")
    lines = [line + " " * spaces[i % len(spaces)] for i, line in enumerate(lines)]
    result = "\n\n" + "\n".join(lines) + "\n\n\n"
    if crlf:
        result = result.replace("\n", "\r\n")
    if nfd:
        result = unicodedata.normalize("NFD", result)
    return result


# --- canonical text and its hash -------------------------------------------------------------


@FEW
@given(anything)
def test_canonical_text_is_idempotent(raw: str) -> None:
    once = canonical_text(raw)
    assert canonical_text(once) == once


@FEW
@given(anything)
def test_canonical_text_ends_with_one_newline_and_has_no_trailing_spaces(raw: str) -> None:
    canonical = canonical_text(raw)
    if canonical:
        assert canonical.endswith("\n") and not canonical.endswith("\n\n")
        assert not canonical.startswith("\n")
    assert "\r" not in canonical
    assert all(line == line.rstrip() for line in canonical.split("\n"))
    assert unicodedata.is_normalized("NFC", canonical)


@SOME
@given(text, st.lists(st.integers(0, 3), min_size=1, max_size=4), st.booleans(), st.booleans())
def test_the_hash_ignores_what_canonical_form_ignores(
    raw: str, spaces: list[int], crlf: bool, nfd: bool
) -> None:
    canonical = canonical_text(raw)
    assert content_hash(sloppy(canonical, spaces, crlf, nfd)) == content_hash(canonical)
    assert content_hash(raw) == content_hash(canonical)


@SOME
@given(text, text)
def test_different_texts_have_different_hashes(first: str, second: str) -> None:
    assume(canonical_text(first) != canonical_text(second))
    assert content_hash(first) != content_hash(second)


@FEW
@given(text)
def test_the_hash_is_sha256_hex(raw: str) -> None:
    digest = content_hash(raw)
    assert len(digest) == 64 and set(digest) <= set("0123456789abcdef")


# --- three-way merge -------------------------------------------------------------------------


@SOME
@given(text, text)
def test_merging_with_an_unchanged_side_takes_the_other_side(base: str, edited: str) -> None:
    for theirs, mine in ((base, edited), (edited, base)):
        merged = merge(base, theirs, mine)
        assert merged.clean
        assert merged.text == canonical_text(edited)


@SOME
@given(text, text)
def test_the_same_edit_on_both_sides_merges_to_it(base: str, edited: str) -> None:
    merged = merge(base, edited, edited)
    assert merged.clean
    assert merged.text == canonical_text(edited)


@st.composite
def edits_of_different_paragraphs(draw: st.DrawFn) -> tuple[list[str], int, str, int, str]:
    """A text of distinct paragraphs, and two edits that each rewrite a different one."""
    count = draw(st.integers(2, 7))
    paragraphs = [f"P{n} {draw(paragraph)}" for n in range(count)]
    first, second = draw(st.lists(st.integers(0, count - 1), min_size=2, max_size=2, unique=True))
    theirs = f"P{first} theirs {draw(paragraph)}"
    mine = f"P{second} mine {draw(paragraph)}"
    return paragraphs, first, theirs, second, mine


@SOME
@given(edits_of_different_paragraphs())
def test_edits_to_different_paragraphs_both_survive_whichever_side_is_newer(
    case: tuple[list[str], int, str, int, str],
) -> None:
    paragraphs, first, theirs_text, second, mine_text = case
    base = "\n\n".join(paragraphs)
    theirs = "\n\n".join(theirs_text if n == first else p for n, p in enumerate(paragraphs))
    mine = "\n\n".join(mine_text if n == second else p for n, p in enumerate(paragraphs))
    expected = canonical_text(
        "\n\n".join(
            theirs_text if n == first else mine_text if n == second else p
            for n, p in enumerate(paragraphs)
        )
    )
    one_way, other_way = merge(base, theirs, mine), merge(base, mine, theirs)
    assert one_way.clean and other_way.clean
    assert one_way.text == expected
    assert other_way.text == expected


@FEW
@given(text, text, text)
def test_a_merge_is_canonical_and_collides_the_same_whichever_side_is_newer(
    base: str, theirs: str, mine: str
) -> None:
    merged, swapped = merge(base, theirs, mine), merge(base, mine, theirs)
    assert canonical_text(merged.text) == merged.text
    assert len(merged.conflicts) == len(swapped.conflicts)
    if merged.clean:
        # Clean both ways: the same words, though additions at one place come newer first.
        assert sorted(spoken(merged.text)) == sorted(spoken(swapped.text))


def spoken(text: str) -> list[str]:
    return [piece for piece in words(text) if not piece.isspace()]


def test_two_first_paragraphs_added_to_an_empty_text_stay_two_paragraphs() -> None:
    """Found by the property above: both additions were glued into one word ("01")."""
    merged = merge("", "Recalling.", "Noting.")
    assert merged.clean
    assert merged.text == "Recalling.\n\nNoting.\n"


# --- word diff -------------------------------------------------------------------------------


@SOME
@given(text, text)
def test_a_word_diff_gives_back_both_texts(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.kind != "insert") == old
    assert "".join(s.text for s in segments if s.kind != "delete") == new
    assert all(s.text for s in segments)


# --- rendering -------------------------------------------------------------------------------


class Markup(HTMLParser):
    """Collects what a browser would run: script-like elements, event handlers, script URLs."""

    DANGEROUS_TAGS = frozenset(
        {"script", "style", "iframe", "object", "embed", "svg", "math", "img", "form", "base"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src") and value is not None:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:")):
                    self.found.append(f"{tag}[{name}={value}]")


def dangers(html: str) -> list[str]:
    parser = Markup()
    parser.feed(html)
    parser.close()
    return parser.found


INJECTIONS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[link](javascript:alert(1))",
    "[link](JaVaScRiPt:alert(1))",
    "[link]( javascript:alert(1) )",
    "![image](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<svg onload=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "</textarea><script>alert(1)</script>",
    "<a href='javascript:alert(1)'>x</a>",
    "[x](&#106;avascript:alert(1))",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "`<script>`",
    "<style>body{}</style>",
]


@SOME
@given(st.lists(st.one_of(anything, text, st.sampled_from(INJECTIONS)), max_size=6))
def test_rendered_markdown_never_carries_script(parts: list[str]) -> None:
    html = render_markdown("\n\n".join(parts) + " ".join(parts))
    assert dangers(html) == []


def test_the_checker_itself_sees_script() -> None:
    """The parser above finds what it looks for (a check that finds nothing proves nothing)."""
    assert dangers('<p onclick="x">a</p><script>1</script><a href=" javascript:1">x</a>') == [
        "p[onclick]",
        "<script>",
        "a[href= javascript:1]",
    ]
