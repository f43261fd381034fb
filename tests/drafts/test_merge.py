"""Three-way merges of a statement's text, and the word-level comparisons people read."""

from __future__ import annotations

import pytest

from drafts.diff import Segment, compare, paragraphs, pieces, word_diff, words
from drafts.merge import merge

BASE = """# Joint statement on internet shutdowns

The members of the coalition,

1. *Recalling* that the same rights that people have offline must also be protected online;

2. *Call upon* all states to refrain from shutting down access to the internet.

3. *Decide* to remain seized of the matter.
"""


def edit(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} is not in the text"
    return text.replace(old, new, 1)


# --- merging --------------------------------------------------------------------------------


def test_edits_to_different_paragraphs_both_survive() -> None:
    theirs = edit(BASE, "must also be protected", "must equally be protected")
    mine = edit(BASE, "refrain from shutting down", "refrain from ordering shutdowns of")

    result = merge(BASE, theirs, mine)

    assert result.clean
    assert "must equally be protected" in result.text
    assert "refrain from ordering shutdowns of access" in result.text
    assert result.text == edit(
        theirs, "refrain from shutting down", "refrain from ordering shutdowns of"
    )


def test_different_words_of_the_same_paragraph_both_survive() -> None:
    theirs = edit(BASE, "*Call upon* all states", "*Urge* all states")
    mine = edit(BASE, "access to the internet.", "access to the internet, in all circumstances.")

    result = merge(BASE, theirs, mine)

    assert result.clean
    assert (
        "2. *Urge* all states to refrain from shutting down access to the internet, in all "
        "circumstances." in result.text
    )


def test_changes_to_the_same_words_conflict_and_keep_both_wordings() -> None:
    theirs = edit(BASE, "*Call upon* all states", "*Urge* all states")
    mine = edit(BASE, "*Call upon* all states", "*Demand of* all states")

    result = merge(BASE, theirs, mine)

    assert not result.clean
    (conflict,) = result.conflicts
    assert "*Call upon*" in conflict.base
    assert "*Urge*" in conflict.theirs
    assert "*Demand of*" in conflict.mine
    assert conflict.theirs_paragraph == conflict.mine_paragraph == 4
    # The text offered to settle it keeps the person's own wording there.
    assert "*Demand of* all states" in result.text
    assert "*Urge*" not in result.text


def test_a_conflict_in_a_long_list_shows_only_the_lines_that_differ() -> None:
    items = "\n".join(f"{n}. *Item* number {n} of the list;" for n in range(1, 9))
    base = f"# Title\n\n{items}\n"
    theirs = base.replace("4. *Item* number 4", "4. *Point* number 4")
    mine = base.replace("4. *Item* number 4", "4. *Article* number 4")

    (conflict,) = merge(base, theirs, mine).conflicts

    assert conflict.excerpt
    assert conflict.base == "4. *Item* number 4 of the list;"
    assert conflict.theirs == "4. *Point* number 4 of the list;"
    assert conflict.mine == "4. *Article* number 4 of the list;"
    assert conflict.theirs_paragraph == 2


def test_a_conflict_keeps_the_other_sides_changes_to_the_rest_of_its_paragraph() -> None:
    items = "\n".join(f"{n}. *Item* number {n} of the list;" for n in range(1, 9))
    base = f"# Title\n\n{items}\n"
    theirs = base.replace("1. *Item*", "1. *Entry*").replace("4. *Item*", "4. *Point*")
    mine = base.replace("4. *Item*", "4. *Article*")

    result = merge(base, theirs, mine)

    assert len(result.conflicts) == 1
    assert "1. *Entry* number 1" in result.text  # theirs, not in conflict: kept
    assert "4. *Article* number 4" in result.text  # where they collide: the person's words


def test_a_conflict_still_merges_everything_else() -> None:
    theirs = edit(edit(BASE, "*Call upon*", "*Urge*"), "The members of", "We, the members of")
    mine = edit(edit(BASE, "*Call upon*", "*Demand of*"), "seized of the matter", "seized of it")

    result = merge(BASE, theirs, mine)

    assert len(result.conflicts) == 1
    assert "We, the members of" in result.text
    assert "remain seized of it." in result.text
    assert "*Demand of*" in result.text


def test_deleting_a_paragraph_someone_else_edited_conflicts() -> None:
    theirs = edit(BASE, "3. *Decide* to remain seized of the matter.\n", "")
    mine = edit(BASE, "remain seized of the matter", "remain actively seized of the matter")

    result = merge(BASE, theirs, mine)

    assert not result.clean
    assert result.conflicts[0].theirs == ""
    assert "actively" in result.conflicts[0].mine


def test_inserted_and_deleted_paragraphs_merge_with_edits_elsewhere() -> None:
    theirs = edit(BASE, "The members of the coalition,\n\n", "")
    mine = edit(
        BASE,
        "3. *Decide*",
        "3. *Welcome* the work of civil society.\n\n4. *Decide*",
    )

    result = merge(BASE, theirs, mine)

    assert result.clean
    assert "The members of the coalition" not in result.text
    assert "3. *Welcome* the work of civil society.\n\n4. *Decide*" in result.text


def test_paragraphs_both_added_at_the_same_place_are_both_kept() -> None:
    theirs = BASE + "\n4. *Request* a report.\n"
    mine = BASE + "\n4. *Invite* observers.\n"

    result = merge(BASE, theirs, mine)

    assert result.clean
    assert result.text.endswith("4. *Request* a report.\n\n4. *Invite* observers.\n")


def test_the_same_change_on_both_sides_is_made_once() -> None:
    changed = edit(BASE, "*Decide*", "*Resolve*")
    result = merge(BASE, changed, changed)
    assert result.clean
    assert result.text == changed


def test_a_side_that_changed_nothing_takes_the_other() -> None:
    changed = edit(BASE, "*Decide*", "*Resolve*")
    assert merge(BASE, changed, BASE).text == changed
    assert merge(BASE, BASE, changed).text == changed


def test_texts_are_merged_in_canonical_form() -> None:
    messy_mine = edit(BASE, "*Decide*", "*Resolve*").replace("\n", "\r\n").replace(",", ",   ")
    result = merge(BASE, BASE, messy_mine)
    assert result.clean
    assert "\r" not in result.text
    assert result.text.endswith("*Resolve* to remain seized of the matter.\n")
    assert "coalition,\n" in result.text


@pytest.mark.parametrize(
    "text", [BASE, "One.\n", "A\n\n\n\nB\n", "A\nB\n\nC\n", "  indented\n\nnext\n", ""]
)
def test_paragraph_pieces_and_words_give_the_text_back(text: str) -> None:
    assert "".join(pieces(text)) + ("\n" if text else "") == text
    assert "".join(words(text)) == text


# --- comparing ------------------------------------------------------------------------------


def test_word_diff_marks_what_changed() -> None:
    segments = word_diff(
        "refrain from shutting down access", "refrain from ordering shutdowns of access"
    )
    assert Segment("equal", "refrain from ") in segments
    assert "".join(s.text for s in segments if s.kind != "insert") == (
        "refrain from shutting down access"
    )
    assert "".join(s.text for s in segments if s.kind != "delete") == (
        "refrain from ordering shutdowns of access"
    )
    assert {s.kind for s in segments} == {"equal", "insert", "delete"}


def test_compare_finds_edits_insertions_and_deletions() -> None:
    new = edit(
        edit(BASE, "The members of the coalition,\n\n", ""),
        "*Call upon* all states",
        "*Urge* all states",
    )
    new += "\n4. *Request* a report.\n"

    comparison = compare(BASE, new)

    kinds = [(p.kind, p.old_number, p.new_number) for p in comparison.paragraphs]
    assert kinds == [
        ("equal", 1, 1),
        ("deleted", 2, None),
        ("equal", 3, 2),
        ("changed", 4, 3),
        ("equal", 5, 4),
        ("inserted", None, 5),
    ]
    changed = comparison.paragraphs[3]
    assert [s.text for s in changed.old_segments if s.kind == "delete"] == ["Call upon"]
    assert [s.text for s in changed.new_segments if s.kind == "insert"] == ["Urge"]
    assert comparison.words_inserted == 1 + 4  # "Urge", and "Request a report" with "4"
    assert comparison.words_deleted == 2 + 5  # "Call upon", "The members of the coalition"
    assert comparison.paragraphs_moved == 0


def test_a_moved_paragraph_is_recognised_even_if_lightly_edited() -> None:
    paras = paragraphs(BASE)
    moved = paras[4].replace("matter", "matter at hand")
    new = "\n\n".join([paras[0], moved, paras[1], paras[2], paras[3]]) + "\n"

    comparison = compare(BASE, new)

    by_kind = {p.kind: p for p in comparison.paragraphs}
    assert by_kind["moved_here"].new_number == 2
    assert by_kind["moved_here"].moved_number == 5
    assert by_kind["moved_away"].old_number == 5
    assert by_kind["moved_away"].moved_number == 2
    assert [s.text for s in by_kind["moved_here"].segments if s.kind == "insert"] == [" at hand"]
    assert comparison.paragraphs_moved == 1
    assert comparison.words_inserted == 2
    assert comparison.words_deleted == 0


def test_identical_texts_compare_as_identical() -> None:
    comparison = compare(BASE, BASE.replace("\n", "\r\n"))
    assert comparison.identical
    assert comparison.words_inserted == comparison.words_deleted == 0
