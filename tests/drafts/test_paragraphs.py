"""Paragraphs with identities: where one paragraph ends, how each keeps its key from revision to
revision (edited, moved, merged), and how the statement page anchors and numbers them."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from delegations.models import User
from drafts import actions
from drafts.models import Paragraph, Revision, RevisionParagraph, Statement
from drafts.paragraphs import Block, blocks, join, respaced, texts
from drafts.text import canonical_text
from tests.conftest import TEXT, StatementMaker, client_for
from workflow.management.commands.seed_demo import AI_TEXT_2, SPYWARE_TEXT

OPERATIVE = """\
# Joint statement

The members of the coalition,

*Recalling* the first resolution;

1. *Call upon* all states to act;
2. *Urge* all companies to act,
   and to report on it;
3. *Decide* to remain seized of the matter.
"""


# --- where paragraphs begin and end ----------------------------------------------------------


def test_blank_lines_and_list_items_both_separate_paragraphs() -> None:
    assert texts(OPERATIVE) == [
        "# Joint statement",
        "The members of the coalition,",
        "*Recalling* the first resolution;",
        "1. *Call upon* all states to act;",
        "2. *Urge* all companies to act,\n   and to report on it;",
        "3. *Decide* to remain seized of the matter.",
    ]
    assert [b.separator for b in blocks(OPERATIVE)] == ["", "\n\n", "\n\n", "\n\n", "\n", "\n"]


def test_a_line_that_only_looks_like_an_item_inside_a_paragraph_stays_in_it() -> None:
    text = "The coalition met in\n2015. and again later.\n"
    assert texts(text) == ["The coalition met in\n2015. and again later."]


def test_an_indented_block_continues_its_list_item_and_a_fence_is_never_cut() -> None:
    text = (
        "1. First item\n\n   its second paragraph\n\n2. Second item\n\n"
        "```\ncode\n\nmore code\n```\n"
    )
    assert texts(text) == [
        "1. First item\n\n   its second paragraph",
        "2. Second item",
        "```\ncode\n\nmore code\n```",
    ]


@pytest.mark.parametrize("text", [TEXT, OPERATIVE, SPYWARE_TEXT, AI_TEXT_2, "One.\n", ""])
def test_the_paragraphs_joined_give_the_text_back(text: str) -> None:
    assert join(blocks(text)) == canonical_text(text)


def test_respacing_keeps_tight_lists_tight_and_parts_apart() -> None:
    spliced = [
        Block("", "1. First;"),
        Block("\n", "A plain paragraph spliced into the list."),
        Block("\n", "2. Second;"),
        Block("\n", "3. Third;"),
    ]
    result = join(respaced(spliced))
    assert result == (
        "1. First;\n\nA plain paragraph spliced into the list.\n\n2. Second;\n3. Third;\n"
    )
    assert texts(result) == [block.text for block in spliced]


# --- identities ------------------------------------------------------------------------------


def keys(revision: Revision) -> list[str]:
    return list(revision.paragraphs.order_by("position").values_list("paragraph__key", flat=True))


def wording(revision: Revision) -> list[str]:
    return list(revision.paragraphs.order_by("position").values_list("text", flat=True))


def save(user: User, statement: Statement, text: str) -> Revision:
    current = Statement.objects.get(pk=statement.pk).current_revision
    assert current is not None
    return actions.save_revision(user, statement, text=text, base=current)


@pytest.mark.django_db
def test_a_new_statement_gives_each_paragraph_a_key(
    make_statement: StatementMaker,
) -> None:
    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    rows = list(first.paragraphs.order_by("position").select_related("paragraph"))
    assert [row.text for row in rows] == texts(TEXT)
    assert [row.position for row in rows] == [1, 2, 3, 4]
    assert all(row.paragraph.key.startswith("p-") for row in rows)
    assert len({row.paragraph.key for row in rows}) == 4
    assert all(row.paragraph.created_in_id == first.pk for row in rows)


@pytest.mark.django_db
def test_operative_paragraph_4_stays_itself_when_paragraph_2_is_edited(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    assert statement.current_revision is not None
    before = keys(statement.current_revision)
    edited = TEXT.replace("The members of the coalition,", "The member states of the coalition,")
    revision = save(pen_delegate, statement, edited)
    assert keys(revision) == before
    assert wording(revision)[1] == "The member states of the coalition,"


@pytest.mark.django_db
def test_inserted_moved_and_deleted_paragraphs(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    assert statement.current_revision is not None
    title, members, recalling, call = keys(statement.current_revision)
    heading, preamble, first, second = texts(TEXT)
    # A new paragraph at the top, and the two operative paragraphs swapped.
    moved = join(
        respaced(
            [
                Block("", "*Alarmed* by the shutdowns of this year,"),
                Block("\n\n", heading),
                Block("\n\n", preamble),
                Block("\n\n", second),
                Block("\n\n", first),
            ]
        )
    )
    revision = save(pen_delegate, statement, moved)
    new_keys = keys(revision)
    assert new_keys[1:] == [title, members, call, recalling]
    assert new_keys[0] not in {title, members, recalling, call}
    assert Paragraph.objects.get(key=new_keys[0]).created_in == revision
    # The alarm deleted: its paragraph keeps its key but is in no later revision.
    later = save(pen_delegate, statement, join(respaced(blocks(moved)[1:])))
    assert keys(later) == [title, members, call, recalling]
    assert Paragraph.objects.filter(key=new_keys[0]).exists()


@pytest.mark.django_db
def test_a_paragraph_rewritten_from_end_to_end_is_a_new_one(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    assert statement.current_revision is not None
    before = keys(statement.current_revision)
    rewritten = TEXT.replace(
        "2. *Call upon* all states to refrain from shutting down access to the internet.",
        "2. *Decide* to convene an expert meeting next spring.",
    )
    after = keys(save(pen_delegate, statement, rewritten))
    assert after[:3] == before[:3]
    assert after[3] != before[3]


@pytest.mark.django_db
def test_a_merged_revision_keeps_every_identity(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    before = keys(first)
    theirs = TEXT.replace("*Call upon* all states", "*Urge* all states")
    mine = TEXT.replace("must also be protected online", "must equally be protected online")
    actions.save_revision(pen_delegate, statement, text=theirs, base=first)
    merged = actions.save_revision(pen_signatory, statement, text=mine, base=first)
    assert merged.is_merge
    assert keys(merged) == before
    assert "*Urge* all states" in wording(merged)[3]


@pytest.mark.django_db
def test_the_statement_page_anchors_and_numbers_each_paragraph(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    save(pen_delegate, statement, TEXT + '\n<script>alert("x")</script> and [a](javascript:x)\n')
    revision = Statement.objects.get(pk=statement.pk).current_revision
    assert revision is not None
    html = client_for(pen_delegate).get(f"/statements/{statement.pk}/").content.decode()
    for position, key in enumerate(keys(revision), start=1):
        assert f'id="{key}"' in html
        assert f'href="#{key}"' in html
        assert f"</span>{position}</a>" in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


@pytest.mark.django_db
def test_the_data_migration_gives_existing_revisions_their_identities(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    edited = TEXT.replace("The members of the coalition,", "The member states of the coalition,")
    save(pen_delegate, statement, edited)
    save(pen_delegate, statement, edited + "\n3. *Decide* to remain seized of the matter.\n")
    # As it was before paragraphs had identities.
    RevisionParagraph.objects.all().delete()
    Paragraph.objects.all().delete()
    migration = importlib.import_module("drafts.migrations.0004_paragraphs_of_existing_revisions")
    migration.build_identities(apps, None)
    first, second, third = Revision.objects.filter(statement=statement).order_by("number")
    assert keys(first) == keys(second) == keys(third)[:4]
    assert wording(third) == texts(third.text)
    built = RevisionParagraph.objects.count()
    migration.build_identities(apps, None)  # again: revisions with identities are left alone
    assert RevisionParagraph.objects.count() == built
