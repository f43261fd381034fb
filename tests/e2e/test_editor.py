"""The edit page in a real browser: unsaved text survives a reload, even one after someone
else saved, and leaving with unsaved changes asks first.

The live server runs in another thread, so the data must be committed for it to see
(``transaction=True``); serialized rollback restores the seeded delegations afterwards.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Dialog, Page, expect

from delegations.models import User
from drafts import actions
from drafts.models import Statement
from tests.conftest import TEXT, StatementMaker
from tests.e2e.conftest import log_in, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_unsaved_text_survives_a_reload_and_merges_with_a_newer_revision(
    page: Page, make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    statement = make_statement()
    log_in(page, pen_signatory)
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    page.goto(f"/statements/{statement.pk}/edit/")
    box = page.get_by_label("Text (Markdown)")
    box.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n3. *Decide* to remain seized of the matter.\n")

    # Someone else saves meanwhile; then the page is reloaded, as after a dropped connection.
    first = Statement.objects.get(pk=statement.pk).current_revision
    assert first is not None
    actions.save_revision(
        pen_delegate, statement, text=TEXT.replace("*Call upon*", "*Urge*"), base=first
    )
    page.reload()

    notice = page.get_by_text("Restored your unsaved text from this browser")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("You began it from revision 1; revision 2 is newer")
    expect(box).to_have_value(re.compile(r"remain seized of the matter"))
    assert "beforeunload" in dialogs  # leaving with unsaved text asked first
    screenshot(page, "editor_restored")

    page.get_by_role("button", name="Save revision").click()

    expect(
        page.get_by_text("Saved as revision 3: your edit of revision 1 was merged")
    ).to_be_visible()
    saved = Statement.objects.get(pk=statement.pk).current_revision
    assert saved is not None and saved.number == 3
    assert "*Urge* all states" in saved.text
    assert "3. *Decide* to remain seized of the matter." in saved.text

    # Saved, so nothing is restored any more, and leaving the page asks nothing.
    dialogs.clear()
    page.goto(f"/statements/{statement.pk}/edit/")
    expect(page.get_by_label("Text (Markdown)")).to_have_value(re.compile("Decide"))
    expect(notice).to_be_hidden()
    page.goto(f"/statements/{statement.pk}/")
    assert dialogs == []


def test_discarding_restored_text_brings_back_the_saved_revision(
    page: Page, make_statement: StatementMaker, pen_signatory: User
) -> None:
    statement = make_statement()
    log_in(page, pen_signatory)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"/statements/{statement.pk}/edit/")
    box = page.get_by_label("Text (Markdown)")
    box.click()
    page.keyboard.type("Scribbles. ")
    page.reload()
    expect(box).to_have_value(re.compile("Scribbles"))

    page.get_by_role("button", name=re.compile("Discard it")).click()

    expect(box).to_have_value(TEXT)
    page.reload()
    expect(page.get_by_text("Restored your unsaved text")).to_be_hidden()
    expect(box).to_have_value(TEXT)
