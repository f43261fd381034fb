"""The statement page costs a fixed number of queries, however many paragraphs, comments and
amendments it shows: measured with 5 paragraphs, 20 comments and 5 amendments, then again with
50, 200 and 50, for each kind of reader (``pytest -s`` prints the counts)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from delegations.models import Delegation, User
from drafts import actions
from drafts.models import Amendment, Comment, RevisionParagraph, Statement
from tests.conftest import StatementMaker, client_for, person
from tests.workflow.test_query_counts import assert_fixed_cost, queries_for, report

pytestmark = pytest.mark.django_db


def operative(count: int) -> str:
    items = "\n".join(
        f"{n}. *Call upon* all states to take measure number {n} against internet shutdowns, "
        f"and to report on measure {n} each year;"
        for n in range(1, count - 1)
    )
    return f"# Joint statement\n\nThe members of the coalition,\n\n{items}\n"


def grow(
    statement: Statement,
    *,
    paragraphs: int,
    comments: int,
    amendments: int,
    pen_delegate: User,
    members: list[User],
) -> None:
    """Bring the statement to ``paragraphs`` paragraphs, ``comments`` comments (a third of them
    replies, some threads resolved, some on a wording since changed) and ``amendments``
    amendments (open, accepted, rejected, outdated), all through the actions."""
    current = Statement.objects.get(pk=statement.pk).current_revision
    assert current is not None
    actions.save_revision(pen_delegate, statement, text=operative(paragraphs), base=current)

    def wording(position: int) -> RevisionParagraph:
        fresh = Statement.objects.get(pk=statement.pk)
        return RevisionParagraph.objects.select_related("paragraph").get(
            revision=fresh.current_revision, position=position
        )

    threads: list[Comment] = []
    made = statement.comments.count()
    for n in range(made, comments):
        author = members[n % len(members)]
        if n % 3 == 2 and threads:
            actions.reply_to_comment(author, threads[-1], body=f"Reply {n}.")
            continue
        thread = actions.comment_on_paragraph(
            author,
            statement,
            paragraph=wording(1 + n % paragraphs).paragraph,
            body=f"Comment {n}.",
            quote="Call upon" if n % 4 == 0 and n % paragraphs > 1 else "",
        )
        if n % 7 == 0:
            actions.resolve_comment(pen_delegate, thread)
        else:
            threads.append(thread)  # a resolved thread takes no replies
    existing = Amendment.objects.filter(statement=statement).count()
    for n in range(existing, amendments):
        position = 3 + n % (paragraphs - 2)
        row = wording(position)
        amendment = actions.propose_amendment(
            members[n % len(members)],
            statement,
            paragraph=row.paragraph,
            kind=Amendment.Kind.REPLACE,
            text=f"{row.text.removesuffix(';')}, as amendment {n} proposes;",
            justification=f"Reason {n}.",
        )
        if n % 5 == 1:
            actions.accept_amendment(pen_delegate, amendment)
        elif n % 5 == 2:
            actions.reject_amendment(pen_delegate, amendment, reason="Not now.")


def test_statement_page_costs_the_same_for_few_and_many_paragraphs_comments_amendments(
    make_statement: StatementMaker,
    pen_delegate: User,
    other_signatory: User,
    chair: User,
    coordinator: User,
    adviser: User,
) -> None:
    statement = make_statement("consultation", advisers_invited=True)
    members = [other_signatory, chair] + [
        person(f"delegate.{d.code.lower()}@example.org", User.Role.DELEGATE, d)
        for d in Delegation.objects.filter(code__in=["FR", "GH", "JP", "MX"])
    ]
    readers = {
        "pen_delegate": pen_delegate,
        "other_signatory": other_signatory,
        "chair": chair,
        "coordinator": coordinator,
        "adviser": adviser,
    }
    clients = {role: client_for(user) for role, user in readers.items()}
    url = f"/statements/{statement.pk}/"

    def measure(paragraphs: int, comments: int, amendments: int) -> dict[str, Any]:
        counts = {}
        discussion = clients["pen_delegate"].get(url).context["discussion"]
        assert len(discussion.paragraphs) == paragraphs
        assert sum(len(t.comments) for t in discussion.threads()) == comments
        shown = len(discussion.removed_amendments) + sum(
            len(p.open_amendments) + len(p.closed_amendments) for p in discussion.paragraphs
        )
        assert shown == amendments
        assert any(t.older_wording for t in discussion.threads())
        started = time.perf_counter()
        clients["pen_delegate"].get(url)
        print(
            f"[query count] page with {paragraphs} paragraphs, {comments} comments and "
            f"{amendments} amendments in {1000 * (time.perf_counter() - started):.0f} ms"
        )
        for role, client in clients.items():
            counts[f"statement page as {role}"] = queries_for(client, url)
        counts["statement page, filtered"] = queries_for(
            clients["chair"], f"{url}?comments=open&delegation=KE"
        )
        return counts

    mates: dict[str, Any] = {"pen_delegate": pen_delegate, "members": members}
    grow(statement, paragraphs=5, comments=20, amendments=5, **mates)
    small = measure(5, 20, 5)
    started = time.perf_counter()
    grow(statement, paragraphs=50, comments=200, amendments=50, **mates)
    print(f"[query count] grew the discussion in {time.perf_counter() - started:.1f} s")
    large = measure(50, 200, 50)

    measured = {label: (small[label], large[label]) for label in small}
    for label, (before, after) in measured.items():
        report(f"{label}, 5/20/5 vs 50/200/50 paragraphs/comments/amendments", before, after)
    assert_fixed_cost(measured)
