"""Benchmark: Accord's three-way merge and word diff on a 20,000-word statement.

Each is timed against a baseline of diff-match-patch called directly on the same texts, the
library both are built on:

- merge: ``drafts.merge.merge(base, theirs, mine)`` against ``patch_make(base, theirs)`` then
  ``patch_apply(patches, mine)``, diff-match-patch's own (fuzzy, conflict-blind) way to carry
  one edit over onto another text;
- diff: ``drafts.diff.compare(base, mine)`` (paragraphs, then words, with moves) against
  ``diff_main(base, mine)`` with ``diff_cleanupSemantic``, a character diff.

Run from the project root: ``.venv/bin/python bench/merge_diff.py [--repeat N]``. Prints the
median of N runs of each and the ratio Accord / baseline. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from diff_match_patch import diff_match_patch

from drafts.diff import compare
from drafts.merge import merge
from drafts.text import canonical_text

WORDS = 20_000
PARAGRAPH_WORDS = 50
VOCABULARY = [
    "the",
    "states",
    "members",
    "coalition",
    "rights",
    "online",
    "offline",
    "freedom",
    "expression",
    "assembly",
    "association",
    "privacy",
    "access",
    "internet",
    "shutdowns",
    "journalists",
    "human",
    "defenders",
    "civil",
    "society",
    "recalls",
    "reaffirms",
    "calls",
    "upon",
    "urges",
    "all",
    "to",
    "refrain",
    "from",
    "measures",
    "that",
    "disrupt",
    "information",
    "networks",
    "in",
    "accordance",
    "with",
    "international",
    "law",
    "and",
    "obligations",
    "including",
    "during",
    "elections",
    "protests",
    "conflicts",
    "crises",
    "ensure",
    "accountability",
    "for",
    "violations",
    "abuses",
    "committed",
    "against",
    "persons",
    "exercising",
    "their",
    "digital",
    "security",
]


def statement(seed: int = 2026) -> str:
    """A deterministic statement of ``WORDS`` words in numbered paragraphs of 50 words."""
    chooser = random.Random(seed)
    paragraphs = ["# Joint statement on a benchmark"]
    for number in range(1, WORDS // PARAGRAPH_WORDS + 1):
        words = [chooser.choice(VOCABULARY) for _ in range(PARAGRAPH_WORDS)]
        paragraphs.append(f"{number}. *{words[0].capitalize()}* {' '.join(words[1:])}.")
    return canonical_text("\n\n".join(paragraphs))


def edited(text: str, *, every: int, offset: int, marker: str) -> str:
    """``text`` with a few words changed in every ``every``-th paragraph from ``offset``."""
    paragraphs = text.rstrip("\n").split("\n\n")
    for index in range(offset, len(paragraphs), every):
        words = paragraphs[index].split(" ")
        words[5] = f"{marker}-{index}"
        words[20:22] = ["newly", "worded", f"{marker}"]
        paragraphs[index] = " ".join(words)
    return canonical_text("\n\n".join(paragraphs))


def median_seconds(call: Callable[[], object], repeat: int) -> float:
    call()  # warm-up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> list[tuple[str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs of each (median reported)")
    repeat = parser.parse_args(argv).repeat

    base = statement()
    theirs = edited(base, every=25, offset=3, marker="theirs")
    mine = edited(base, every=25, offset=15, marker="mine")
    # Mine also moves a paragraph from near the start to near the end.
    paragraphs = mine.rstrip("\n").split("\n\n")
    paragraphs.insert(350, paragraphs.pop(40))
    mine = canonical_text("\n\n".join(paragraphs))

    result = merge(base, theirs, mine)
    assert result.clean, "edits to different paragraphs must merge cleanly"
    assert result.text.count("theirs-") == theirs.count("theirs-") > 0
    assert result.text.count("mine-") == mine.count("mine-") > 0
    comparison = compare(base, mine)
    assert comparison.paragraphs_moved == 1

    engine = diff_match_patch()

    def baseline_merge() -> object:
        return engine.patch_apply(engine.patch_make(base, theirs), mine)

    def baseline_diff() -> object:
        diffs = engine.diff_main(base, mine)
        engine.diff_cleanupSemantic(diffs)
        return diffs

    rows = [
        (
            "three-way merge",
            median_seconds(lambda: merge(base, theirs, mine), repeat),
            median_seconds(baseline_merge, repeat),
        ),
        (
            "word diff (compare)",
            median_seconds(lambda: compare(base, mine), repeat),
            median_seconds(baseline_diff, repeat),
        ),
    ]
    print(
        f"statement: {len(base.split())} words, {len(base.encode()) // 1000} KB, "
        f"{base.count(chr(10) * 2) + 1} paragraphs; "
        f"{theirs.count('theirs-')} paragraphs edited on one side, {mine.count('mine-')} on the "
        f"other, 1 moved; median of {repeat} runs"
    )
    print(f"{'':22}{'Accord':>12}{'diff-match-patch':>20}{'ratio':>10}")
    for label, ours, baseline in rows:
        print(f"{label:22}{ours * 1000:10.1f} ms{baseline * 1000:17.1f} ms{ours / baseline:9.2f}x")
    return rows


if __name__ == "__main__":
    main()
