"""Comments on paragraphs: threads, quotes, resolving and reopening, filters, comments on a
wording that has changed since, who is told, and bad input (a clear 4xx, nothing saved)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEntry
from delegations.models import User
from drafts import actions
from drafts.errors import CommentsClosed, InvalidComment, ParagraphGone, ThreadResolved
from drafts.models import Comment, Paragraph, RevisionParagraph, Statement
from notifications.models import Notification
from tests.conftest import TEXT, StatementMaker, client_for, later
from tests.drafts.conftest import Listener
from workflow import actions as workflow_actions

pytestmark = pytest.mark.django_db


def paragraph(statement: Statement, position: int) -> Paragraph:
    fresh = Statement.objects.get(pk=statement.pk)
    return RevisionParagraph.objects.get(
        revision=fresh.current_revision, position=position
    ).paragraph


def page(user: User | None, statement: Statement, query: str = "") -> str:
    response = client_for(user).get(f"/statements/{statement.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def told(event: str) -> set[int]:
    return set(Notification.objects.filter(event=event).values_list("recipient", flat=True))


@pytest.fixture
def consultation(make_statement: StatementMaker) -> Statement:
    return make_statement("consultation", advisers_invited=True)


# --- writing ---------------------------------------------------------------------------------


def test_a_pen_holder_comments_on_a_paragraph_of_the_draft(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    statement = make_statement()
    call = paragraph(statement, 4)
    comment = actions.comment_on_paragraph(
        pen_signatory,
        statement,
        paragraph=call,
        body="Should we say\n“shutting down or slowing down”?",
        quote="Call  upon all states",  # as read on the page: no Markdown, any spacing
    )
    assert comment.paragraph == call
    assert comment.revision == statement.current_revision
    assert comment.wording == TEXT.split("\n\n")[-1].strip()
    assert comment.quote == "Call upon all states"
    assert comment.delegation is not None and comment.delegation.code == "CA"
    assert AuditEntry.objects.filter(action="drafts.comment").count() == 1
    assert told("comment") == {pen_delegate.pk}, "the other pen-holders' people, not the author"
    html = page(pen_delegate, statement)
    assert f'id="c-{comment.pk}"' in html
    assert "Should we say<br>“shutting down or slowing down”?" in html


def test_replies_join_the_thread_and_its_participants_are_told(
    consultation: Statement, pen_delegate: User, other_signatory: User, chair: User
) -> None:
    first = actions.comment_on_paragraph(
        other_signatory, consultation, paragraph=paragraph(consultation, 3), body="Too weak."
    )
    Notification.objects.all().delete()
    answer = actions.reply_to_comment(pen_delegate, first, body="What would you add?")
    assert answer.parent == first
    assert other_signatory.pk in told("comment"), "Kenya took part in the thread"
    again = actions.reply_to_comment(chair, answer, body="Germany agrees with Kenya.")
    assert again.parent == first, "a reply to a reply joins the same thread"
    assert list(first.replies.order_by("id")) == [answer, again]


def test_comments_reach_open_pages(
    consultation: Statement,
    other_signatory: User,
    pen_delegate: User,
    listen: Listener,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    events = listen(consultation)
    with django_capture_on_commit_callbacks(execute=True):
        comment = actions.comment_on_paragraph(
            other_signatory, consultation, paragraph=paragraph(consultation, 3), body="Yes."
        )
    event = next(events)
    assert event["type"] == "statement.changed"
    assert (event["change"], event["state_changed"], event["revision"]) == ("comment", False, 1)
    assert event["actor"] == f"{other_signatory} (Kenya)"
    assert "Yes." not in str(event), "events carry no text people wrote"
    with django_capture_on_commit_callbacks(execute=True):
        actions.resolve_comment(pen_delegate, comment)
    assert next(events)["change"] == "comment_resolved"


# --- resolving -------------------------------------------------------------------------------


@pytest.mark.parametrize("resolver", ["other_signatory", "pen_delegate", "chair"])
def test_the_author_the_pen_holders_and_the_chairs_resolve_and_reopen(
    consultation: Statement, cast: dict[str, Any], resolver: str
) -> None:
    comment = actions.comment_on_paragraph(
        cast["other_signatory"], consultation, paragraph=paragraph(consultation, 2), body="Hm."
    )
    thread = actions.resolve_comment(cast[resolver], comment)
    assert thread.is_resolved and thread.resolved_by == cast[resolver]
    thread = actions.reopen_comment(cast[resolver], comment)
    assert not thread.is_resolved and thread.resolved_by is None


def test_others_may_not_resolve_and_a_resolved_thread_takes_no_reply(
    consultation: Statement, other_signatory: User, other_chair: User, pen_delegate: User
) -> None:
    comment = actions.comment_on_paragraph(
        other_signatory, consultation, paragraph=paragraph(consultation, 2), body="Hm."
    )
    with pytest.raises(PermissionDenied):
        actions.resolve_comment(other_chair, comment)
    actions.resolve_comment(pen_delegate, comment)
    with pytest.raises(ThreadResolved):
        actions.reply_to_comment(other_signatory, comment, body="But…")
    assert Comment.objects.count() == 1
    html = page(other_signatory, consultation)
    assert "Resolved: " in html and "Reopen</button>" in html  # the author may reopen it


# --- older wording ---------------------------------------------------------------------------


def test_a_comment_on_a_paragraph_changed_since_refers_to_an_older_wording(
    consultation: Statement, other_signatory: User, pen_delegate: User
) -> None:
    comment = actions.comment_on_paragraph(
        other_signatory,
        consultation,
        paragraph=paragraph(consultation, 4),
        body="Add “or throttling”.",
        quote="refrain from shutting down",
    )
    html = page(pen_delegate, consultation)
    assert "Refers to an older wording" not in html
    current = Statement.objects.get(pk=consultation.pk).current_revision
    assert current is not None
    actions.save_revision(
        pen_delegate,
        consultation,
        text=TEXT.replace("refrain from shutting down", "refrain from shutting down or throttling"),
        base=current,
    )
    html = page(pen_delegate, consultation)
    assert "Refers to an older wording (revision 1)" in html
    assert "or throttling" in html
    comment.refresh_from_db()
    assert "throttling" not in comment.wording, "the comment keeps the wording it was about"
    assert "no longer in the text" not in html, "the quoted words are still there"


def test_a_comment_on_a_paragraph_since_removed_stays_readable(
    consultation: Statement, other_signatory: User, pen_delegate: User
) -> None:
    actions.comment_on_paragraph(
        other_signatory, consultation, paragraph=paragraph(consultation, 3), body="Keep this."
    )
    current = Statement.objects.get(pk=consultation.pk).current_revision
    assert current is not None
    without = "\n\n".join(t for n, t in enumerate(TEXT.strip().split("\n\n")) if n != 2) + "\n"
    actions.save_revision(pen_delegate, consultation, text=without, base=current)
    html = page(pen_delegate, consultation)
    assert "On paragraphs no longer in the text" in html
    assert "Keep this." in html


# --- filters ---------------------------------------------------------------------------------


def test_threads_filter_by_delegation_and_by_open_or_resolved(
    consultation: Statement, other_signatory: User, chair: User, adviser: User, pen_delegate: User
) -> None:
    kenya = actions.comment_on_paragraph(
        other_signatory, consultation, paragraph=paragraph(consultation, 2), body="Kenya's remark"
    )
    actions.comment_on_paragraph(
        chair, consultation, paragraph=paragraph(consultation, 3), body="Germany's remark"
    )
    actions.comment_on_paragraph(
        adviser, consultation, paragraph=paragraph(consultation, 4), body="The network's remark"
    )
    actions.reply_to_comment(chair, kenya, body="Germany's reply")
    actions.resolve_comment(pen_delegate, kenya)
    shown = page(pen_delegate, consultation, "?delegation=KE")
    assert "Kenya&#x27;s remark" in shown and "Germany&#x27;s remark" not in shown
    shown = page(pen_delegate, consultation, "?delegation=DE")
    assert "Kenya&#x27;s remark" in shown, "Germany took part in Kenya's thread"
    assert "Germany&#x27;s remark" in shown and "network&#x27;s remark" not in shown
    shown = page(pen_delegate, consultation, "?delegation=advisers&comments=open")
    assert "network&#x27;s remark" in shown and "Kenya&#x27;s" not in shown
    shown = page(pen_delegate, consultation, "?comments=resolved")
    assert "Kenya&#x27;s remark" in shown and "Germany&#x27;s remark" not in shown
    shown = page(pen_delegate, consultation, "?comments=open")
    assert "Kenya&#x27;s remark" not in shown and "Germany&#x27;s remark" in shown


@pytest.mark.parametrize("query", ["?comments=some", "?delegation=Kenya", "?delegation=%3Cb%3E"])
def test_a_bad_filter_answers_400_and_says_why(
    consultation: Statement, pen_delegate: User, query: str
) -> None:
    actions.comment_on_paragraph(
        pen_delegate, consultation, paragraph=paragraph(consultation, 2), body="A remark"
    )
    response = client_for(pen_delegate).get(f"/statements/{consultation.pk}/{query}")
    assert response.status_code == 400
    assert b'class="field-error"' in response.content
    assert b"A remark" in response.content, "the page still shows every thread"


# --- refusals and bad input ------------------------------------------------------------------


def test_comments_close_when_sign_on_opens_and_the_threads_stay_readable(
    consultation: Statement, other_signatory: User, chair: User, pen_delegate: User
) -> None:
    comment = actions.comment_on_paragraph(
        other_signatory, consultation, paragraph=paragraph(consultation, 2), body="Readable."
    )
    workflow_actions.open_sign_on(chair, consultation, deadline=later())
    with pytest.raises(CommentsClosed):
        actions.comment_on_paragraph(
            other_signatory, consultation, paragraph=paragraph(consultation, 2), body="Late."
        )
    with pytest.raises(CommentsClosed):
        actions.reply_to_comment(pen_delegate, comment, body="Late.")
    html = page(other_signatory, consultation)
    assert "Readable." in html
    assert ">Reply</summary>" not in html and "+ Comment" not in html
    # A thread left open can still be closed by its author (and the pen-holders, the chairs),
    # but not reopened: it would take no replies.
    assert ">Resolve</button>" in html
    actions.resolve_comment(pen_delegate, comment)
    with pytest.raises(CommentsClosed):
        actions.reopen_comment(pen_delegate, comment)
    assert ">Reopen</button>" not in page(other_signatory, consultation)
    response = client_for(other_signatory).post(
        reverse("drafts:comment", args=[consultation.pk, paragraph(consultation, 2).key]),
        {"body": "Late."},
    )
    assert response.status_code == 409
    assert b"comments are taken during drafting and consultation only" in response.content
    assert b"Late." in response.content, "the person's words are kept on the page"
    assert Comment.objects.count() == 1


def test_a_statement_the_person_cannot_see_answers_404(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    draft = make_statement()  # Kenya does not hold the pen
    key = paragraph(draft, 2).key
    client = client_for(other_signatory)
    assert (
        client.post(f"/statements/{draft.pk}/paragraphs/{key}/comment/", {"body": "x"}).status_code
        == 404
    )
    assert client.get(f"/statements/{draft.pk}/paragraphs/{key}/comment/").status_code == 404
    assert Comment.objects.count() == 0


def test_a_paragraph_that_does_not_exist_answers_404_with_its_name(
    consultation: Statement, other_signatory: User
) -> None:
    response = client_for(other_signatory).post(
        f"/statements/{consultation.pk}/paragraphs/p-000000/comment/", {"body": "x"}
    )
    assert response.status_code == 404
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"body": ""}, "Write the comment."),
        ({"body": "   "}, "Write the comment."),
        ({"body": "x" * 10_001}, "at most 10000 characters"),
        ({"body": "Yes.", "quote": "words it does not say"}, "does not say"),
        ({"body": "Yes.", "revision": "99"}, "not one of this statement"),
    ],
)
def test_bad_comments_get_a_form_error_and_nothing_is_saved(
    consultation: Statement, other_signatory: User, data: dict[str, str], error: str
) -> None:
    key = paragraph(consultation, 4).key
    response = client_for(other_signatory).post(
        reverse("drafts:comment", args=[consultation.pk, key]), data
    )
    assert response.status_code == 400
    assert error in response.content.decode().replace("&#x27;", "'")
    assert Comment.objects.count() == 0


def test_a_paragraph_removed_since_the_page_was_read_answers_409(
    consultation: Statement, other_signatory: User, pen_delegate: User
) -> None:
    gone = paragraph(consultation, 3)
    current = Statement.objects.get(pk=consultation.pk).current_revision
    assert current is not None
    without = "\n\n".join(t for n, t in enumerate(TEXT.strip().split("\n\n")) if n != 2) + "\n"
    actions.save_revision(pen_delegate, consultation, text=without, base=current)
    with pytest.raises(ParagraphGone):
        actions.comment_on_paragraph(other_signatory, consultation, paragraph=gone, body="x")
    response = client_for(other_signatory).post(
        reverse("drafts:comment", args=[consultation.pk, gone.key]),
        {"body": "My careful remark", "revision": "1"},
    )
    assert response.status_code == 409
    assert b"no longer in the text" in response.content
    assert b"My careful remark" in response.content
    assert Comment.objects.count() == 0


def test_a_quote_must_be_in_the_paragraph_as_read(
    consultation: Statement, other_signatory: User
) -> None:
    with pytest.raises(InvalidComment) as refused:
        actions.comment_on_paragraph(
            other_signatory,
            consultation,
            paragraph=paragraph(consultation, 3),
            body="x",
            quote="shutting down",  # in paragraph 4, not 3
        )
    assert refused.value.field == "quote"


def test_the_comment_form_page_works_without_the_statement_page(
    consultation: Statement, other_signatory: User
) -> None:
    key = paragraph(consultation, 4).key
    client = client_for(other_signatory)
    form = client.get(reverse("drafts:comment", args=[consultation.pk, key]))
    assert form.status_code == 200
    assert b"Comment on \xc2\xb6 4" in form.content
    done = client.post(
        reverse("drafts:comment", args=[consultation.pk, key]), {"body": "Fine.", "revision": "1"}
    )
    comment = Comment.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/statements/{consultation.pk}/#c-{comment.pk}"
