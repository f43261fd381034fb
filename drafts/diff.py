"""Word-level comparison of two texts, for people to read: what was inserted, deleted or moved.

The diffing is diff-match-patch's. It compares characters; to compare paragraphs or words
instead, each distinct paragraph (or word, run of white space, punctuation mark) is first
encoded as one character, the "line mode" trick of its documentation, and the result is read
back by position. ``drafts.merge`` builds its three-way merge on the same two-way diffs.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import takewhile
from typing import Literal

from diff_match_patch import diff_match_patch

from drafts.text import canonical_text

DELETE, EQUAL, INSERT = -1, 0, 1

# Diffs of a statement's paragraphs or words finish far within this; past it diff-match-patch
# returns a coarser diff (still a correct one) rather than keep a request waiting.
DIFF_TIMEOUT_SECONDS = 2.0
# All the word diffs of one comparison together: two long texts with nothing in common would
# otherwise take seconds. Past it, paragraphs still to compare show whole, deleted and inserted.
COMPARE_SECONDS = 1.0

# A deleted and an inserted paragraph at the same place are one edited paragraph when at least
# this share of their text is alike; elsewhere in the text, a deleted paragraph that reappears
# this alike has moved.
EDITED_LIKENESS = 0.4
MOVED_LIKENESS = 0.8
# How many inserted paragraphs after the last pairing an edited paragraph is looked for among,
# and how many pairs of paragraphs a search for moves may weigh: both keep a comparison of
# texts that share nothing from costing (paragraphs deleted) x (paragraphs inserted).
EDIT_LOOKAHEAD = 5
MOVE_COMPARISONS = 20_000

_WORD = re.compile(r"\w+|\s+|[^\w\s]")
_WORD_ONLY = re.compile(r"\w")
# Splits before each run of two or more newlines: a paragraph keeps the blank lines before it.
_PARAGRAPH_START = re.compile(r"(?<!\n)(?=\n{2,})")

Op = tuple[int, list[str]]


def words(text: str) -> list[str]:
    """``text`` as words, runs of white space and single punctuation marks; joined, ``text``."""
    return _WORD.findall(text)


def pieces(text: str) -> list[str]:
    """A canonical text as its paragraphs, each but the first with the blank lines before it.

    Joined, they give the text back exactly (less its final newline). Carrying the separator
    with the paragraph after it means adding a paragraph at the end leaves the last one as it
    was, and the n-th piece is the n-th paragraph.
    """
    body = text.removesuffix("\n")
    return _PARAGRAPH_START.split(body) if body else []


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a canonical text (blocks between blank lines), numbered from 1 as shown."""
    return [piece.lstrip("\n") for piece in pieces(canonical_text(text))]


def _encode(*sequences: Sequence[str]) -> list[str]:
    """Each sequence as a string with one character per item, equal items as equal characters."""
    codes: dict[str, str] = {}
    encoded = []
    for sequence in sequences:
        chars = []
        for item in sequence:
            code = codes.get(item)
            if code is None:
                # A statement holds at most 200 KB, far fewer distinct items than code points.
                code = codes[item] = chr(len(codes) + 1)
            chars.append(code)
        encoded.append("".join(chars))
    return encoded


def diff_sequences(
    old: Sequence[str],
    new: Sequence[str],
    *,
    readable: bool = False,
    timeout: float = DIFF_TIMEOUT_SECONDS,
) -> list[Op]:
    """diff-match-patch's diff of two sequences of strings, item by item.

    Returns ``(DELETE | EQUAL | INSERT, items)`` runs in order. ``readable`` applies
    diff-match-patch's semantic clean-up, which folds short runs of common items between
    changes into the changes: better to read, not minimal. Past ``timeout`` seconds (more
    than 0) the diff is coarser, never wrong.
    """
    old_chars, new_chars = _encode(old, new)
    engine = diff_match_patch()
    engine.Diff_Timeout = timeout
    diffs = engine.diff_main(old_chars, new_chars, checklines=False)
    if readable:
        engine.diff_cleanupSemantic(diffs)
    ops: list[Op] = []
    at_old = at_new = 0
    for op, chars in diffs:
        size = len(chars)
        if op == INSERT:
            ops.append((INSERT, list(new[at_new : at_new + size])))
            at_new += size
        else:
            ops.append((op, list(old[at_old : at_old + size])))
            at_old += size
            if op == EQUAL:
                at_new += size
    return ops


def matching(
    old: Sequence[str], new: Sequence[str], *, timeout: float = DIFF_TIMEOUT_SECONDS
) -> dict[int, int]:
    """For each item of ``old`` kept in ``new`` by the diff, its index in ``new``."""
    matched: dict[int, int] = {}
    at_old = at_new = 0
    for op, items in diff_sequences(old, new, timeout=timeout):
        if op == EQUAL:
            for offset in range(len(items)):
                matched[at_old + offset] = at_new + offset
        if op != INSERT:
            at_old += len(items)
        if op != DELETE:
            at_new += len(items)
    return matched


def likeness(old: str, new: str) -> float:
    """How alike two paragraphs are, from 0 to 1: the share of their text in the words (and
    spaces and marks) they have in common, in any order. Cheap, where a diff is not."""
    if not old and not new:
        return 1.0
    common = Counter(words(old)) & Counter(words(new))
    return 2 * sum(len(word) * count for word, count in common.items()) / (len(old) + len(new))


# --- what a person reads ------------------------------------------------------------------

SegmentKind = Literal["equal", "insert", "delete"]
ChangeKind = Literal["equal", "changed", "inserted", "deleted", "moved_away", "moved_here"]
_KIND: dict[int, SegmentKind] = {EQUAL: "equal", INSERT: "insert", DELETE: "delete"}


@dataclass(frozen=True)
class Segment:
    """A stretch of text that both versions share, or that one of them added or removed."""

    kind: SegmentKind
    text: str

    @property
    def word_count(self) -> int:
        return sum(1 for word in words(self.text) if _WORD_ONLY.match(word))


def word_diff(old: str, new: str, *, timeout: float = DIFF_TIMEOUT_SECONDS) -> tuple[Segment, ...]:
    """The word-level changes that turn ``old`` into ``new``, as segments in reading order."""
    segments: list[Segment] = []
    for op, items in diff_sequences(words(old), words(new), readable=True, timeout=timeout):
        kind, text = _KIND[op], "".join(items)
        if segments and segments[-1].kind == kind:
            segments[-1] = Segment(kind, segments[-1].text + text)
        elif text:
            segments.append(Segment(kind, text))
    return tuple(segments)


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph of a comparison, at its place in the text read from old to new.

    ``old_number`` and ``new_number`` are its numbers (from 1) in either text, when it is in it.
    A moved paragraph appears twice: ``moved_away`` where it was (``moved_number`` says where it
    went) and ``moved_here`` where it is now (``moved_number`` says where it came from), both
    with the word diff of any edit made to it on the way.
    """

    kind: ChangeKind
    old_number: int | None
    new_number: int | None
    segments: tuple[Segment, ...]
    moved_number: int | None = None

    @property
    def old_segments(self) -> tuple[Segment, ...]:
        """What the old text shows here: its words, with those deleted marked."""
        if self.kind in ("inserted", "moved_here"):
            return ()
        return tuple(s for s in self.segments if s.kind != "insert")

    @property
    def new_segments(self) -> tuple[Segment, ...]:
        """What the new text shows here: its words, with those inserted marked."""
        if self.kind in ("deleted", "moved_away"):
            return ()
        return tuple(s for s in self.segments if s.kind != "delete")


@dataclass(frozen=True)
class Comparison:
    """Every paragraph of two texts in reading order, with counts for a summary."""

    paragraphs: tuple[ParagraphChange, ...]
    words_inserted: int
    words_deleted: int
    paragraphs_moved: int

    @property
    def identical(self) -> bool:
        return all(p.kind == "equal" for p in self.paragraphs)


class _WordDiffs:
    """Word diffs that share one comparison's time (``COMPARE_SECONDS``): once it is spent, a
    paragraph still to compare shows whole, deleted and then inserted."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def __call__(self, old: str, new: str) -> tuple[Segment, ...]:
        if old == new:
            return (Segment("equal", old),)
        left = self.deadline - time.monotonic()
        if left > 0:
            return word_diff(old, new, timeout=left)
        whole = (Segment("delete", old), Segment("insert", new))
        return tuple(segment for segment in whole if segment.text)


@dataclass
class _Region:
    """A run of paragraphs between two kept ones: those deleted from old and inserted in new,
    and which of them are one paragraph edited (old index, new index)."""

    deleted: list[int]
    inserted: list[int]
    edits: list[tuple[int, int]] = field(default_factory=list)


def _exact_moves(regions: list[_Region], old: list[str], new: list[str]) -> dict[int, int]:
    """Paragraphs deleted in one place and inserted, word for word, in another: old → new."""
    unclaimed: dict[str, list[int]] = {}
    for old_index in sorted(i for region in regions for i in region.deleted):
        unclaimed.setdefault(old[old_index], []).append(old_index)
    away: dict[int, int] = {}
    for new_index in sorted(i for region in regions for i in region.inserted):
        same = unclaimed.get(new[new_index])
        if same:
            away[same.pop(0)] = new_index
    return away


def _pair_edits(
    region: _Region, old: list[str], new: list[str], away: dict[int, int]
) -> list[tuple[int, int]]:
    """Deleted and inserted paragraphs of one region that are one paragraph edited, in order."""
    moved_here = set(away.values())
    inserted = [i for i in region.inserted if i not in moved_here]
    pairs: list[tuple[int, int]] = []
    start = 0
    for old_index in (i for i in region.deleted if i not in away):
        candidates = inserted[start : start + EDIT_LOOKAHEAD]
        scored = [(likeness(old[old_index], new[i]), n) for n, i in enumerate(candidates)]
        best = max(scored, default=(0.0, 0))
        if best[0] >= EDITED_LIKENESS:
            pairs.append((old_index, candidates[best[1]]))
            start += best[1] + 1
    return pairs


def _near_moves(
    regions: list[_Region], old: list[str], new: list[str], away: dict[int, int]
) -> None:
    """Add to ``away`` the paragraphs deleted in one region and inserted, nearly the same,
    in another (neither already taken as moved or edited)."""
    edited_old = {o for region in regions for o, _ in region.edits}
    edited_new = {n for region in regions for _, n in region.edits}
    gone = [
        (i, n)
        for n, region in enumerate(regions)
        for i in region.deleted
        if i not in away and i not in edited_old and old[i].strip()
    ]
    arrived = [
        (i, n)
        for n, region in enumerate(regions)
        for i in region.inserted
        if i not in edited_new and i not in away.values()
    ]
    budget = MOVE_COMPARISONS
    for old_index, old_region in gone:
        taken = set(away.values())
        best: tuple[float, int] | None = None
        for new_index, new_region in arrived:
            if new_index in taken or new_region == old_region or budget <= 0:
                continue
            budget -= 1
            score = likeness(old[old_index], new[new_index])
            if score >= MOVED_LIKENESS and (best is None or score > best[0]):
                best = (score, new_index)
        if best is not None:
            away[old_index] = best[1]


_Layout = list[tuple[int, int] | _Region]


def _align(old: list[str], new: list[str]) -> tuple[_Layout, dict[int, int]]:
    """Paragraphs kept (old index, new index) and regions of change in reading order, each
    region with its edited paragraphs paired; and the moved paragraphs, old index → new."""
    layout: _Layout = []
    at_old = at_new = 0
    for op, items in diff_sequences(old, new):
        if op == EQUAL:
            layout.extend((at_old + n, at_new + n) for n in range(len(items)))
        else:
            if not layout or not isinstance(layout[-1], _Region):
                layout.append(_Region([], []))
            region = layout[-1]
            assert isinstance(region, _Region)
            if op == DELETE:
                region.deleted.extend(range(at_old, at_old + len(items)))
            else:
                region.inserted.extend(range(at_new, at_new + len(items)))
        if op != INSERT:
            at_old += len(items)
        if op != DELETE:
            at_new += len(items)

    # Moves word for word first, then edits in place, then moves of what is left, nearly alike.
    regions = [entry for entry in layout if isinstance(entry, _Region)]
    moved_away = _exact_moves(regions, old, new)
    for region in regions:
        region.edits = _pair_edits(region, old, new, moved_away)
    _near_moves(regions, old, new, moved_away)
    return layout, moved_away


def correspondence(old: Sequence[str], new: Sequence[str]) -> dict[int, int]:
    """Which paragraph of ``old`` each paragraph of ``new`` is, new index → old index.

    The same reading as ``compare``: a paragraph kept, edited in place (at least 40 % alike)
    or moved (word for word, or at least 80 % alike) is the same paragraph; one that is in
    neither is new, and has no entry.
    """
    layout, moved_away = _align(list(old), list(new))
    same = {new_index: old_index for old_index, new_index in moved_away.items()}
    for entry in layout:
        if isinstance(entry, tuple):
            same[entry[1]] = entry[0]
        else:
            same.update((new_index, old_index) for old_index, new_index in entry.edits)
    return same


def compare(old_text: str, new_text: str) -> Comparison:
    """Compare two texts paragraph by paragraph, and changed paragraphs word by word.

    Paragraphs that only one text has are inserted or deleted, unless the same paragraph (or
    one at least 80 % alike) is deleted in one place and inserted in another: then it has moved.
    """
    old, new = paragraphs(old_text), paragraphs(new_text)
    layout, moved_away = _align(old, new)
    moved_here = {new_index: old_index for old_index, new_index in moved_away.items()}
    diffs = _WordDiffs(COMPARE_SECONDS)
    changes: list[ParagraphChange] = []
    for entry in layout:
        if isinstance(entry, tuple):
            old_index, new_index = entry
            kept: tuple[Segment, ...] = (Segment("equal", old[old_index]),)
            changes.append(ParagraphChange("equal", old_index + 1, new_index + 1, kept))
        else:
            changes.extend(_region_changes(entry, old, new, moved_away, moved_here, diffs))

    counted = [c for c in changes if c.kind != "moved_away"]
    return Comparison(
        paragraphs=tuple(changes),
        words_inserted=sum(s.word_count for c in counted for s in c.segments if s.kind == "insert"),
        words_deleted=sum(s.word_count for c in counted for s in c.segments if s.kind == "delete"),
        paragraphs_moved=len(moved_away),
    )


def _region_changes(
    region: _Region,
    old: list[str],
    new: list[str],
    moved_away: dict[int, int],
    moved_here: dict[int, int],
    diffs: _WordDiffs,
) -> list[ParagraphChange]:
    """A region's paragraphs in reading order: each edited one where it stands, with what was
    deleted before it and then what was inserted before it."""
    changes: list[ParagraphChange] = []
    deleted, inserted = iter(region.deleted), iter(region.inserted)
    for old_index, new_index in region.edits:
        # takewhile also consumes the paired index itself, which the edit then stands for.
        gone = takewhile(old_index.__ne__, deleted)
        changes.extend(_gone(i, old, new, moved_away, diffs) for i in gone)
        arrived = takewhile(new_index.__ne__, inserted)
        changes.extend(_arrived(i, old, new, moved_here, diffs) for i in arrived)
        segments = diffs(old[old_index], new[new_index])
        changes.append(ParagraphChange("changed", old_index + 1, new_index + 1, segments))
    changes.extend(_gone(i, old, new, moved_away, diffs) for i in deleted)
    changes.extend(_arrived(i, old, new, moved_here, diffs) for i in inserted)
    return changes


def _gone(
    old_index: int,
    old: list[str],
    new: list[str],
    moved_away: dict[int, int],
    diffs: _WordDiffs,
) -> ParagraphChange:
    if old_index in moved_away:
        went_to = moved_away[old_index]
        return ParagraphChange(
            "moved_away",
            old_index + 1,
            None,
            diffs(old[old_index], new[went_to]),
            moved_number=went_to + 1,
        )
    return ParagraphChange("deleted", old_index + 1, None, (Segment("delete", old[old_index]),))


def _arrived(
    new_index: int,
    old: list[str],
    new: list[str],
    moved_here: dict[int, int],
    diffs: _WordDiffs,
) -> ParagraphChange:
    if new_index in moved_here:
        came_from = moved_here[new_index]
        return ParagraphChange(
            "moved_here",
            None,
            new_index + 1,
            diffs(old[came_from], new[new_index]),
            moved_number=came_from + 1,
        )
    return ParagraphChange("inserted", None, new_index + 1, (Segment("insert", new[new_index]),))
