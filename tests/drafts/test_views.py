"""The history of a statement's text, comparisons of its revisions, their Markdown, and the
edit page when two people's edits collide."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from delegations.models import User
from drafts import actions
from drafts.models import Statement
from tests.conftest import TEXT, StatementMaker, client_for

pytestmark = pytest.mark.django_db

State = Statement.State


def save(user: User, statement: Statement, text: str) -> Any:
    base = Statement.objects.get(pk=statement.pk).current_revision
    assert base is not None
    return actions.save_revision(user, statement, text=text, base=base)


def revise(statement: Statement, pen_delegate: User, pen_signatory: User, count: int) -> None:
    """``count`` more revisions, alternating authors, each adding a paragraph."""
    text = Statement.objects.get(pk=statement.pk).current_revision.text  # type: ignore[union-attr]
    for n in range(count):
        text += f"\n{n + 3}. *Note* development number {n}.\n"
        save(pen_delegate if n % 2 else pen_signatory, statement, text)


# --- who sees the history ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("pen_delegate", 200),
        ("chair", 200),
        ("coordinator", 200),
        ("other_signatory", 404),
        ("non_member_delegate", 404),
        ("adviser", 404),
        ("anonymous", 302),  # to log in, whether or not the statement exists
    ],
)
def test_the_history_of_a_draft_is_for_those_who_see_the_draft(
    make_statement: StatementMaker, cast: dict[str, Any], role: str, status: int
) -> None:
    statement = make_statement()
    client = client_for(cast[role])
    pk = statement.pk
    for url in (
        f"/statements/{pk}/history/",
        f"/statements/{pk}/compare/?from=1&to=1",
        f"/statements/{pk}/revisions/1.md",
    ):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("other_signatory", 200),
        ("chair", 200),
        ("coordinator", 200),
        ("non_member_delegate", 404),
        ("adviser", 404),  # invited to the consultation, long closed
        ("anonymous", 302),
    ],
)
def test_a_published_statement_keeps_its_negotiation_confidential(
    make_statement: StatementMaker, cast: dict[str, Any], role: str, status: int
) -> None:
    """Publication makes public the signed text, not the drafts behind it: every earlier
    revision, its authors and the comparisons stay with those who could see them."""
    statement = make_statement(State.PUBLISHED, advisers_invited=True)
    client = client_for(cast[role])
    pk = statement.pk
    for url in (
        f"/statements/{pk}/history/",
        f"/statements/{pk}/compare/?from=1&to=1",
        f"/statements/{pk}/revisions/1.md",
        f"/statements/{pk}/revisions/1.docx",
        f"/statements/{pk}/record/",
        f"/api/statements/{pk}/revisions/",
    ):
        response = client.get(url)
        want = 401 if role == "anonymous" and url.startswith("/api/") else status
        assert response.status_code == want, url
        if want == 302:
            assert response["Location"].startswith("/accounts/login/"), url
        if status != 200:
            assert b"frozen for sign-on" not in response.content, url
    page = client.get(f"/statements/{pk}/")
    if status == 200:
        assert page.status_code == 200
        assert b"frozen for sign-on" in client.get(f"/statements/{pk}/history/").content
    else:
        # Anyone else reads the signed text where the public does.
        assert page.status_code == 302
        assert page["Location"] == f"/published/{statement.slug}/"


def test_the_history_lists_every_revision_with_its_facts(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User, chair: User
) -> None:
    from workflow import actions as workflow_actions

    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    save(pen_signatory, statement, TEXT.replace("*Call upon*", "*Urge*"))
    # pen_delegate began from revision 1 too: the save is merged, and both are credited.
    actions.save_revision(
        pen_delegate, statement, text=TEXT.replace("also be", "equally be"), base=first
    )
    workflow_actions.open_consultation(chair, statement, deadline=None)
    workflow_actions.open_sign_on(chair, statement, deadline=later())

    response = client_for(pen_delegate).get(f"/statements/{statement.pk}/history/")

    assert response.status_code == 200
    revisions = response.context["revisions"]
    assert [r.number for r in revisions] == [3, 2, 1]
    page = response.content.decode()
    third = revisions[0]
    assert f'title="SHA-256 {third.content_hash}">{third.short_hash}</code>' in page
    assert "frozen for sign-on" in page
    assert "merged with Signatory Ca (Canada)" in page
    assert "begun from revision 1, saved over revision 2" in page
    assert "Canada" in page
    assert "Draft" in page  # the state each revision was made in
    assert f"/statements/{statement.pk}/compare/?from=2&amp;to=3" in page
    assert f"/statements/{statement.pk}/revisions/3.md" in page


def later() -> Any:
    from tests.conftest import later as in_a_week

    return in_a_week()


# --- Markdown ---------------------------------------------------------------------------------


def test_each_revision_downloads_as_markdown(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement(title="Statement on shutdowns: 2026")
    save(pen_delegate, statement, TEXT + "\nÉgalité.\n")
    client = client_for(pen_delegate)

    response = client.get(f"/statements/{statement.pk}/revisions/2.md")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="statement-on-shutdowns-2026-revision-2.md"'
    )
    assert response.content.decode("utf-8") == TEXT + "\nÉgalité.\n"
    assert client.get(f"/statements/{statement.pk}/revisions/1.md").content == TEXT.encode()
    assert client.get(f"/statements/{statement.pk}/revisions/9.md").status_code == 404


# --- comparing --------------------------------------------------------------------------------


def test_compare_shows_word_changes_inline_and_side_by_side(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    paragraphs = TEXT.rstrip("\n").split("\n\n")
    # Revision 2 words paragraph 4 differently and moves it before paragraph 3.
    moved = paragraphs[3].replace("*Call upon*", "*Urge*")
    save(pen_delegate, statement, "\n\n".join([*paragraphs[:2], moved, paragraphs[2]]) + "\n")
    client = client_for(pen_delegate)
    url = f"/statements/{statement.pk}/compare/?from=1&to=2"

    inline = client.get(url)
    side = client.get(url + "&view=side")

    assert inline.status_code == side.status_code == 200
    for response in (inline, side):
        page = response.content.decode()
        assert '<ins><span class="visually-hidden">[inserted: </span>Urge' in page
        assert '<del><span class="visually-hidden">[deleted: </span>Call upon' in page
        assert "Moved from ¶4" in page
        assert "Moved to ¶3" in page
    assert b'data-testid="inline"' in inline.content
    assert b'data-testid="side-by-side"' in side.content
    assert b"1 paragraph moved" in inline.content


def test_compare_escapes_the_text(make_statement: StatementMaker, pen_delegate: User) -> None:
    statement = make_statement()
    save(pen_delegate, statement, TEXT + "\n<script>alert(1)</script>\n")
    response = client_for(pen_delegate).get(f"/statements/{statement.pk}/compare/?from=1&to=2")
    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;alert(1)" in response.content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Choose a revision to compare from"),
        ("?from=1", "Choose a revision to compare to"),
        ("?from=one&to=2", "is not a revision number"),
        ("?from=-1&to=1", "is not a revision number"),
        ("?from=1&to=99999999999999999999", "is not a revision number"),
        ("?from=1&to=7", "This statement has no revision 7"),
        ("?from=0&to=1", "is not a revision number"),
    ],
)
def test_bad_comparisons_get_400_with_a_reason(
    make_statement: StatementMaker, pen_delegate: User, query: str, message: str
) -> None:
    statement = make_statement()
    response = client_for(pen_delegate).get(f"/statements/{statement.pk}/compare/{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_revision_of_another_statement_cannot_be_compared(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement, other = make_statement(), make_statement(title="Another")
    save(pen_delegate, other, TEXT + "\nOther.\n")
    response = client_for(pen_delegate).get(f"/statements/{statement.pk}/compare/?from=1&to=2")
    assert response.status_code == 400
    assert b"This statement has no revision 2" in response.content


# --- the edit page when edits collide ---------------------------------------------------------


def test_a_non_overlapping_stale_save_is_merged_from_the_edit_page(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    statement = make_statement()
    save(pen_delegate, statement, TEXT.replace("*Call upon*", "*Urge*"))
    response = client_for(pen_signatory).post(
        f"/statements/{statement.pk}/edit/",
        {"text": TEXT.replace("also be", "equally be"), "base_revision": 1},
        follow=True,
    )
    assert response.status_code == 200
    assert b"Saved as revision 3: your edit of revision 1 was merged" in response.content
    statement.refresh_from_db()
    assert statement.current_revision is not None
    assert "*Urge*" in statement.current_revision.text
    assert "equally be" in statement.current_revision.text


def test_a_conflict_is_shown_side_by_side_and_can_be_settled(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    statement = make_statement()
    save(
        pen_delegate,
        statement,
        TEXT.replace("*Call upon*", "*Urge*").replace("# Joint", "# A joint"),
    )
    client = client_for(pen_signatory)
    mine = TEXT.replace("*Call upon*", "*Demand of*")

    response = client.post(f"/statements/{statement.pk}/edit/", {"text": mine, "base_revision": 1})

    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-testid="conflict"' in page
    assert "Your edit collides with revision 2" in page
    assert "revision 2 by Delegate Ca (Canada)" in page
    assert "Urge" in page and "Demand of" in page
    form = response.context["form"]
    assert form["base_revision"].value() == 2
    assert 'name="base_revision" value="2"' in page
    proposal = form["text"].value()
    assert "# A joint statement" in proposal  # their change that does not collide
    assert "*Demand of*" in proposal  # the person's own wording where it does
    assert 'id="sent-text"' in page and "*Demand of*" in page  # and their text, as sent
    assert statement.revisions.count() == 2

    settled = client.post(
        f"/statements/{statement.pk}/edit/",
        {"text": proposal.replace("*Demand of*", "*Urge and demand of*"), "base_revision": 2},
    )

    assert settled.status_code == 302
    statement.refresh_from_db()
    assert statement.current_revision is not None
    assert statement.current_revision.number == 3
    assert "# A joint statement" in statement.current_revision.text
    assert "*Urge and demand of* all states" in statement.current_revision.text


def test_a_save_after_sign_on_opened_keeps_the_text_on_the_page(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement(State.SIGN_ON)
    response = client_for(pen_delegate).post(
        f"/statements/{statement.pk}/edit/", {"text": "My late wording.", "base_revision": 1}
    )
    assert response.status_code == 409
    assert b"can no longer be edited" in response.content
    assert b"My late wording." in response.content
    assert b"Save revision" not in response.content
    assert statement.revisions.count() == 1


def test_the_edit_page_tells_the_browser_what_was_saved(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement()
    save(pen_delegate, statement, TEXT + "\nMore.\n")
    save(pen_delegate, statement, TEXT + "\nMore and more.\n")
    page = client_for(pen_delegate).get(f"/statements/{statement.pk}/edit/").content.decode()
    assert f'data-storage-key="accord:unsaved:{pen_delegate.pk}:{statement.pk}"' in page
    assert 'data-base="3"' in page
    assert 'data-saved-from="1 2"' in page
    assert 'data-posted="0"' in page
    assert "js/editor.js" in page
    assert "<script>" not in page  # no inline script: the site will get a strict CSP


# --- query counts -----------------------------------------------------------------------------


def queries(client: Client, url: str) -> int:
    assert client.get(url).status_code == 200  # warm-up: content types, sessions
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_history_and_compare_cost_the_same_for_3_and_30_revisions(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    statement = make_statement()
    client = client_for(pen_delegate)

    def measure() -> dict[str, int]:
        latest = Statement.objects.get(pk=statement.pk).current_revision.number  # type: ignore[union-attr]
        return {
            "history": queries(client, f"/statements/{statement.pk}/history/"),
            "compare": queries(client, f"/statements/{statement.pk}/compare/?from=1&to={latest}"),
            "compare side by side": queries(
                client, f"/statements/{statement.pk}/compare/?from=1&to={latest}&view=side"
            ),
            "markdown": queries(client, f"/statements/{statement.pk}/revisions/{latest}.md"),
            "edit": queries(client, f"/statements/{statement.pk}/edit/"),
        }

    revise(statement, pen_delegate, pen_signatory, 2)
    small = measure()
    for n in range(24):
        if n % 8 == 0:
            # A merged revision now and then, so the large run fetches co-authors too.
            base = Statement.objects.get(pk=statement.pk).current_revision
            assert base is not None
            revise(statement, pen_delegate, pen_signatory, 1)
            mine = base.text.replace("The ", f"The {n} ", 1)
            assert actions.save_revision(pen_delegate, statement, text=mine, base=base).is_merge
        else:
            revise(statement, pen_delegate, pen_signatory, 1)
    assert statement.revisions.count() >= 30
    large = measure()

    for label in small:
        print(f"[query count] {label}: {small[label]} (3 revisions) / {large[label]} (30+)")
    assert small == large
    assert max(large.values()) <= 15


def test_the_statement_page_links_the_history_and_tells_of_merges(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    save(pen_delegate, statement, TEXT.replace("*Call upon*", "*Urge*"))
    actions.save_revision(
        pen_signatory, statement, text=TEXT.replace("also be", "equally be"), base=first
    )
    page = client_for(pen_delegate).get(f"/statements/{statement.pk}/").content.decode()
    assert f'<a href="/statements/{statement.pk}/history/">history</a>' in page
    assert "Saved revision 3, merged with revision 2" in page


def test_merge_now_merges_a_newer_revision_into_unsaved_text_without_saving(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    from drafts import actions as draft_actions
    from tests.conftest import client_for

    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    draft_actions.save_revision(
        pen_delegate,
        statement,
        text=first.text.replace("must also be", "must equally be"),
        base=first,
    )
    url = f"/statements/{statement.pk}/edit/merge/"
    client = client_for(pen_signatory)
    mine = first.text.replace("refrain from", "refrain at all times from")
    response = client.post(url, {"text": mine, "base_revision": 1})
    assert response.status_code == 200
    data = response.json()
    assert data["base"] == 2
    assert data["collisions"] == 0
    assert "must equally be" in data["text"]
    assert "refrain at all times from" in data["text"]
    assert statement.revisions.count() == 2, "a preview saves nothing"

    colliding = client.post(
        url, {"text": first.text.replace("must also be", "shall be"), "base_revision": 1}
    )
    assert colliding.json()["collisions"] == 1
    assert client.post(url, {"text": "x", "base_revision": 99}).status_code == 400
    assert client_for(None).post(url, {"text": mine, "base_revision": 1}).status_code == 302


def test_merge_now_is_for_pen_holders_while_editing_is_open(
    make_statement: StatementMaker, chair: User, pen_delegate: User
) -> None:
    from tests.conftest import client_for

    draft = make_statement()
    url = f"/statements/{draft.pk}/edit/merge/"
    assert client_for(chair).post(url, {"text": "x", "base_revision": 1}).status_code == 403
    in_sign_on = make_statement("sign_on")
    closed = client_for(pen_delegate).post(
        f"/statements/{in_sign_on.pk}/edit/merge/", {"text": "x", "base_revision": 1}
    )
    assert closed.status_code == 409


def test_a_merged_save_says_so_and_links_what_the_merge_made_of_the_edit(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    """Two people changing different words of one sentence: the sentence that results is
    neither one's, so the save says a merge happened and links the comparison."""
    statement = make_statement()
    first = statement.current_revision
    assert first is not None
    save(pen_delegate, statement, TEXT.replace("refrain from shutting", "stop shutting"))
    client = client_for(pen_signatory)
    response = client.post(
        f"/statements/{statement.pk}/edit/",
        {"text": TEXT.replace("access to the internet", "access to the net"), "base_revision": 1},
        follow=True,
    )
    page = response.content.decode()
    assert "was merged with the newer text by Delegate Ca" in page
    link = f'<a href="/statements/{statement.pk}/compare/?from=2&amp;to=3">'
    assert link + "See what the merge made of your edit</a>" in page
    compared = client.get(f"/statements/{statement.pk}/compare/?from=2&to=3").content.decode()
    assert "net" in compared
    api = client.get(f"/api/statements/{statement.pk}/revisions/3/").json()
    assert api["merged"] is True
    assert api["merge_comparison"] == f"/statements/{statement.pk}/compare/?from=2&to=3"
    plain = client.get(f"/api/statements/{statement.pk}/revisions/2/").json()
    assert (plain["merged"], plain["merge_comparison"]) == (False, None)
