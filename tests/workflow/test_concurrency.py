"""Actions that race each other: the row lock lets exactly one of them through.

PostgreSQL only: SQLite has no ``SELECT ... FOR UPDATE`` and serialises every writer anyway.
Each racing call runs in its own thread with its own database connection, released behind a
barrier so they reach the lock together, the way simultaneous requests do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from django.db import connection

from audit.models import AuditEntry
from audit.selectors import entries_for
from core.errors import Conflict
from delegations.models import User
from drafts.models import Statement
from tests.conftest import StatementMaker, delegation, later, person, proof_for
from workflow import actions
from workflow.models import Signature

State = Statement.State

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

ROUNDS = 5  # a race that goes right once may be luck; run the two-way ones a few times


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` in as many threads, started together; each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()  # connect before the barrier, race after it
            barrier.wait(timeout=30)
            outcomes[index] = call()
        except BaseException as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call), name=f"racer-{index}")
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racing action never finished"
    return outcomes


def as_fresh(user: User, statement: Statement, action: Callable[..., Any], **kwargs: Any) -> Any:
    """Call ``action`` the way a request does: with its own copies of the person and statement."""

    def call() -> Any:
        return action(
            User.objects.get(pk=user.pk), Statement.objects.get(pk=statement.pk), **kwargs
        )

    return call


def split(outcomes: list[Any]) -> tuple[list[Any], list[Conflict], list[BaseException]]:
    succeeded = [o for o in outcomes if not isinstance(o, BaseException)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    others = [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, Conflict)]
    return succeeded, conflicts, others


def transitions(statement: Statement) -> list[AuditEntry]:
    return list(
        entries_for(statement, prefix="workflow.").exclude(
            action__in=["workflow.grant", "workflow.sign_on"]
        )
    )


def test_twenty_signatories_of_one_delegation_sign_once(make_statement: StatementMaker) -> None:
    statement = make_statement(State.SIGN_ON)  # France has signed
    canada = delegation("CA")
    signatories = [
        person(f"signatory{n}.ca@example.org", User.Role.SIGNATORY, canada) for n in range(20)
    ]

    outcomes = run_together(
        [as_fresh(s, statement, actions.sign_on, proof=proof_for(s)) for s in signatories]
    )

    succeeded, conflicts, others = split(outcomes)
    assert others == []
    assert len(succeeded) == 1
    assert len(conflicts) == 19
    assert {c.message for c in conflicts} == {"Canada has already signed on."}
    signed = Signature.objects.filter(
        statement=statement, delegation=canada, status=Signature.Status.SIGNED
    )
    assert signed.count() == 1
    assert signed.get().given_by == succeeded[0].given_by
    assert Signature.objects.filter(statement=statement, delegation=canada).count() == 1
    recorded = entries_for(statement, prefix="workflow.sign_on").filter(actor_delegation="Canada")
    assert recorded.count() == 1


def test_two_simultaneous_publishes_publish_once(
    make_statement: StatementMaker, coordinator: User
) -> None:
    for _ in range(ROUNDS):
        statement = make_statement(State.SIGN_ON)

        outcomes = run_together([as_fresh(coordinator, statement, actions.publish)] * 2)

        succeeded, conflicts, others = split(outcomes)
        assert others == []
        assert len(succeeded) == 1
        assert len(conflicts) == 1
        assert conflicts[0].message == (
            "Only a statement in sign-on can be published; this one is in published."
        )
        statement.refresh_from_db()
        assert statement.state == State.PUBLISHED
        assert statement.published_at == succeeded[0].published_at
        assert entries_for(statement, prefix="workflow.publish").count() == 1


def test_publish_and_return_to_drafting_never_both_apply(
    make_statement: StatementMaker, coordinator: User, chair: User
) -> None:
    winners: set[str] = set()
    for _ in range(ROUNDS):
        statement = make_statement(State.SIGN_ON)

        publish, back = run_together(
            [
                as_fresh(coordinator, statement, actions.publish),
                as_fresh(chair, statement, actions.return_to_drafting),
            ]
        )

        succeeded, conflicts, others = split([publish, back])
        assert others == []
        assert len(succeeded) == 1
        assert len(conflicts) == 1
        statement.refresh_from_db()
        france = Signature.objects.get(statement=statement, delegation__code="FR")
        if isinstance(back, Conflict):
            winner = "publish"
            assert statement.state == State.PUBLISHED
            assert france.status == Signature.Status.SIGNED
            assert "this one is in published" in back.message
        else:
            winner = "return_to_drafting"
            assert statement.state == State.DRAFT
            assert statement.instrument_revision is None
            assert france.status == Signature.Status.VOID
            assert "this one is in draft" in publish.message
        assert [e.action for e in transitions(statement)][-1] == f"workflow.{winner}"
        winners.add(winner)
    print(f"[race] publish vs return to drafting, winners over {ROUNDS} rounds: {winners}")


def test_open_sign_on_and_return_to_drafting_apply_one_after_the_other(
    make_statement: StatementMaker, chair: User
) -> None:
    for _ in range(ROUNDS):
        statement = make_statement(State.CONSULTATION)

        opened, back = run_together(
            [
                as_fresh(chair, statement, actions.open_sign_on, deadline=later(7)),
                as_fresh(chair, statement, actions.return_to_drafting),
            ]
        )

        # Either order is legitimate; what must never happen is both acting on consultation.
        assert not isinstance(back, BaseException), back
        statement.refresh_from_db()
        assert statement.state == State.DRAFT
        assert statement.instrument_revision is None
        assert statement.sign_on_deadline is None
        chain = transitions(statement)
        for previous, entry in pairwise(chain):
            assert entry.before["state"] == previous.after["state"], (
                f"{entry.action} started from {entry.before['state']}, but "
                f"{previous.action} had left the statement in {previous.after['state']}"
            )
        if isinstance(opened, Conflict):
            assert "consultation before sign-on" in opened.message
            assert [e.action for e in chain][-1] == "workflow.return_to_drafting"
        else:
            assert not isinstance(opened, BaseException), opened
            assert [e.action for e in chain][-2:] == [
                "workflow.open_sign_on",
                "workflow.return_to_drafting",
            ]
