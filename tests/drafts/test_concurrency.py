"""Ten pen-holders save at once, all from the same revision: nobody's change is lost; and two
accept rival amendments at once: one is applied, the other outdated by it.

PostgreSQL only: SQLite has no ``SELECT ... FOR UPDATE`` and serialises every writer anyway.
Each save runs in its own thread with its own database connection, released behind a barrier
so that all of them reach the statement's row lock together, the way simultaneous requests do.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import pytest
from django.db import connection

from audit.selectors import entries_for
from delegations.models import Body, User
from drafts import actions
from drafts.errors import AmendmentDecided
from drafts.models import Amendment, Revision, Statement
from tests.conftest import delegation, person
from tests.workflow.test_concurrency import run_together
from workflow import actions as workflow_actions

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks to race for",
    ),
    # Threads use their own connections, so the data must be committed; serialized rollback
    # restores the seeded delegations for the transactional tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SAVERS = 10
BASE_TEXT = "# Statement drafted by ten hands\n\n" + "\n\n".join(
    f"{n}. Paragraph {n} as first drafted, to be improved." for n in range(1, SAVERS + 1)
)


def test_ten_simultaneous_savers_make_a_linear_history_that_keeps_every_change(
    plenary: Body, pen_delegate: User
) -> None:
    statement = workflow_actions.create_statement(
        pen_delegate,
        title="Statement drafted by ten hands",
        kind=Statement.Kind.JOINT_STATEMENT,
        body=plenary,
        pen_holders=[delegation("NL")],
        text=BASE_TEXT,
    )
    first = statement.current_revision
    assert first is not None
    canada, netherlands = delegation("CA"), delegation("NL")
    savers = [
        person(f"delegate{n}@example.org", User.Role.DELEGATE, canada if n % 2 else netherlands)
        for n in range(SAVERS)
    ]

    def save(n: int, saver: User) -> Callable[[], Revision]:
        def call() -> Revision:
            mine = first.text.replace(
                f"{n + 1}. Paragraph {n + 1} as first drafted",
                f"{n + 1}. Paragraph {n + 1} as improved by saver {n}",
            )
            return actions.save_revision(
                User.objects.get(pk=saver.pk),
                Statement.objects.get(pk=statement.pk),
                text=mine,
                base=Revision.objects.get(pk=first.pk),
            )

        return call

    outcomes = run_together([save(n, saver) for n, saver in enumerate(savers)])

    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert failures == []
    revisions = list(Revision.objects.filter(statement=statement).order_by("number"))
    numbers = [r.number for r in revisions]
    assert numbers == list(range(1, SAVERS + 2))  # the first revision, then one per saver
    for parent, child in pairwise(revisions):
        assert child.parent_id == parent.pk
    statement.refresh_from_db()
    assert statement.current_revision == revisions[-1]
    final = revisions[-1].text
    for n in range(SAVERS):
        assert f"{n + 1}. Paragraph {n + 1} as improved by saver {n}, to be improved." in final
    assert "as first drafted" not in final
    # Every saver is the author of exactly one revision; all but the first were merged, and
    # credit the savers whose revisions they were merged with.
    saved = revisions[1:]
    assert sorted(r.author_id for r in saved) == sorted(s.pk for s in savers)
    assert not saved[0].is_merge
    for index, revision in enumerate(saved[1:], start=1):
        assert revision.is_merge and revision.started_from_id == first.pk
        assert {u.pk for u in revision.co_authors.all()} == {r.author_id for r in saved[:index]}
    assert entries_for(statement, prefix="drafts.save_revision").count() == SAVERS


def test_simultaneous_decisions_on_rival_amendments_apply_one_and_outdate_the_other(
    plenary: Body, pen_delegate: User, pen_signatory: User, chair: User
) -> None:
    """Two pen-holders accept, at the same moment, two amendments that change the same words:
    one becomes the next revision and the other is outdated by it, never both applied, and
    every paragraph keeps its identity."""
    statement = workflow_actions.create_statement(
        pen_delegate,
        title="Statement with rival amendments",
        kind=Statement.Kind.JOINT_STATEMENT,
        body=plenary,
        pen_holders=[delegation("NL")],
        text=BASE_TEXT,
    )
    workflow_actions.open_consultation(chair, statement, deadline=None)
    kenya = person("delegate.ke@example.org", User.Role.DELEGATE, delegation("KE"))
    first = statement.current_revision
    assert first is not None
    target = first.paragraphs.get(position=3)
    rivals = [
        actions.propose_amendment(
            who,
            statement,
            paragraph=target.paragraph,
            kind=Amendment.Kind.REPLACE,
            text=target.text.replace("as first drafted", wording),
            justification="Better.",
        )
        for who, wording in ((kenya, "as Kenya words it"), (chair, "as Germany words it"))
    ]

    def accept(amendment: Amendment, by: User) -> Callable[[], Revision]:
        def call() -> Revision:
            return actions.accept_amendment(
                User.objects.get(pk=by.pk), Amendment.objects.get(pk=amendment.pk)
            )

        return call

    outcomes = run_together([accept(rivals[0], pen_delegate), accept(rivals[1], pen_signatory)])
    accepted = [o for o in outcomes if isinstance(o, Revision)]
    refused = [o for o in outcomes if isinstance(o, AmendmentDecided)]
    assert (len(accepted), len(refused)) == (1, 1), outcomes
    statuses = sorted(Amendment.objects.values_list("status", flat=True))
    assert statuses == [Amendment.Status.ACCEPTED, Amendment.Status.OUTDATED]
    final = Statement.objects.get(pk=statement.pk).current_revision
    assert final is not None
    assert final.number == 2
    assert ("as Kenya words it" in final.text) != ("as Germany words it" in final.text)
    assert list(final.paragraphs.values_list("paragraph_id", flat=True)) == list(
        first.paragraphs.values_list("paragraph_id", flat=True)
    )
