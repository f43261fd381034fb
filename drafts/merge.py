"""Three-way merge of a statement's text: two edits made from the same revision, combined.

When a person saves an edit begun from an older revision ("base") and someone has saved a newer
one since ("theirs"), their edit ("mine") is merged with it the way ``diff3`` merges lines:

1. Paragraph by paragraph. Both texts are diffed against the base (diff-match-patch, one
   paragraph per diff item) and the base is cut into stretches that both kept unchanged and
   stretches that either changed. A stretch changed on one side only takes that side; changed
   the same way on both, that change. When both sides only *added* paragraphs at the same
   place, both additions are kept, the newer revision's first: neither touched the other's text.
2. Word by word, for a stretch that both changed differently: the same procedure over words,
   white space and punctuation marks. Changes to different words of one paragraph both apply.
3. What is left, two different changes to the same words (or one side deleting what the other
   edited, or both inserting different words at one spot), is a conflict. The merge then still
   returns a text, with the person's own words where the two collide and every other change of
   both sides merged, for them to settle; nothing is saved from it automatically.

Merging never loses a change silently: every change of either side is in the merged text, or
the stretch is reported as a conflict.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from drafts.diff import matching, pieces, words
from drafts.text import canonical_text

# A merge runs while the statement's row is locked. A diff that takes longer than this (two
# long passages rewritten from end to end) is coarser: the stretch then more likely conflicts,
# and is never merged wrongly.
MERGE_DIFF_TIMEOUT_SECONDS = 0.5


@dataclass(frozen=True)
class ConflictingPassage:
    """A passage both sides changed differently: as it was, as the newer revision has it, as
    the person wrote it. ``*_paragraph`` number its first paragraph in either text (from 1).

    Lines that all three share at the start and end of the passage are left out (a list of
    many items is one paragraph): ``excerpt`` says whether any were.
    """

    base: str
    theirs: str
    mine: str
    theirs_paragraph: int
    mine_paragraph: int
    excerpt: bool = False

    @classmethod
    def narrowed(
        cls, base: str, theirs: str, mine: str, *, theirs_paragraph: int, mine_paragraph: int
    ) -> ConflictingPassage:
        texts = [text.strip("\n").split("\n") for text in (base, theirs, mine)]
        start = 0
        while all(len(lines) > start for lines in texts) and _same(t[start] for t in texts):
            start += 1
        end = 0
        while all(len(lines) - end > start for lines in texts) and _same(
            t[-1 - end] for t in texts
        ):
            end += 1
        kept_base, kept_theirs, kept_mine = (
            "\n".join(lines[start : len(lines) - end]) for lines in texts
        )
        return cls(
            kept_base,
            kept_theirs,
            kept_mine,
            theirs_paragraph=theirs_paragraph,
            mine_paragraph=mine_paragraph,
            excerpt=bool(start or end),
        )


def _same(lines: Iterable[str]) -> bool:
    return len(set(lines)) == 1


@dataclass(frozen=True)
class MergeResult:
    """The merged text, and the passages that collided (none for a clean merge).

    With conflicts, ``text`` holds the person's own words where the two sides collide.
    """

    text: str
    conflicts: tuple[ConflictingPassage, ...]

    @property
    def clean(self) -> bool:
        return not self.conflicts


@dataclass(frozen=True)
class _Chunk:
    stable: bool
    base: Sequence[str]
    theirs: Sequence[str]
    mine: Sequence[str]
    theirs_start: int
    mine_start: int


def _diff3(base: Sequence[str], theirs: Sequence[str], mine: Sequence[str]) -> Iterator[_Chunk]:
    """Cut three sequences into stretches kept by both sides (stable) and changed by either.

    The classic diff3 walk: a stable stretch is a run of base items that both diffs keep, at
    the same offsets on both sides; between two stable stretches lies one unstable chunk.
    """
    to_theirs = matching(base, theirs, timeout=MERGE_DIFF_TIMEOUT_SECONDS)
    to_mine = matching(base, mine, timeout=MERGE_DIFF_TIMEOUT_SECONDS)
    kept_by_both = sorted(to_theirs.keys() & to_mine.keys())
    at_base = at_theirs = at_mine = 0
    while True:
        run = 0
        while (
            at_base + run < len(base)
            and to_theirs.get(at_base + run) == at_theirs + run
            and to_mine.get(at_base + run) == at_mine + run
        ):
            run += 1
        if run:
            end = at_base + run
            yield _Chunk(
                True,
                base[at_base:end],
                theirs[at_theirs : at_theirs + run],
                mine[at_mine : at_mine + run],
                at_theirs,
                at_mine,
            )
            at_base, at_theirs, at_mine = end, at_theirs + run, at_mine + run
            continue
        position = bisect_left(kept_by_both, at_base)
        if position < len(kept_by_both):
            next_base = kept_by_both[position]
            next_theirs, next_mine = to_theirs[next_base], to_mine[next_base]
        else:
            next_base, next_theirs, next_mine = len(base), len(theirs), len(mine)
        if (next_base, next_theirs, next_mine) == (at_base, at_theirs, at_mine):
            return  # all three consumed
        yield _Chunk(
            False,
            base[at_base:next_base],
            theirs[at_theirs:next_theirs],
            mine[at_mine:next_mine],
            at_theirs,
            at_mine,
        )
        at_base, at_theirs, at_mine = next_base, next_theirs, next_mine


def _settle(chunk: _Chunk, *, keep_both_additions: bool) -> list[str] | None:
    """The merged content of a chunk, or None when both sides changed it differently."""
    base, theirs, mine = list(chunk.base), list(chunk.theirs), list(chunk.mine)
    if theirs == base:
        return mine
    if mine in (base, theirs):
        return theirs
    if keep_both_additions and not base:
        return [*theirs, *mine]
    return None


def _merge_words(base: str, theirs: str, mine: str) -> tuple[str, bool]:
    """The three-way merge of one passage word by word, and whether any changes overlapped.

    Where they overlap, the merged passage has the person's own words; every other change of
    either side is in it.
    """
    merged: list[str] = []
    overlapped = False
    for chunk in _diff3(words(base), words(theirs), words(mine)):
        settled = _settle(chunk, keep_both_additions=False)
        if settled is None:
            overlapped = True
            settled = list(chunk.mine)
        merged.extend(settled)
    return "".join(merged), overlapped


def merge(base: str, theirs: str, mine: str) -> MergeResult:
    """Merge the edits that turned ``base`` into ``theirs`` and into ``mine``.

    Texts are compared in canonical form, and the merged text is canonical.
    """
    merged: list[str] = []
    conflicts: list[ConflictingPassage] = []
    base_pieces, theirs_pieces, mine_pieces = (
        pieces(canonical_text(text)) for text in (base, theirs, mine)
    )
    for chunk in _diff3(base_pieces, theirs_pieces, mine_pieces):
        settled = _settle(chunk, keep_both_additions=True)
        if settled is None:
            passage, overlapped = _merge_words(
                "".join(chunk.base), "".join(chunk.theirs), "".join(chunk.mine)
            )
            settled = [passage]
            if overlapped:
                conflicts.append(
                    ConflictingPassage.narrowed(
                        "".join(chunk.base),
                        "".join(chunk.theirs),
                        "".join(chunk.mine),
                        theirs_paragraph=chunk.theirs_start + 1,
                        mine_paragraph=chunk.mine_start + 1,
                    )
                )
        merged.extend(settled)
    # A text's first paragraph carries no blank lines before it; when both sides added one to
    # an empty text, the second addition follows the first and needs them, or the two fuse.
    joined = "".join(
        piece if index == 0 or piece.startswith("\n") else f"\n\n{piece}"
        for index, piece in enumerate(part for part in merged if part)
    )
    return MergeResult(text=canonical_text(joined), conflicts=tuple(conflicts))
