"""Benchmark: 42 (and 193) delegations signing one statement at the same moment.

It creates its own database (``<DATABASE_URL's name>_signing``, dropped first and at the
end), migrates it and runs ``manage.py seed_scale --statements 20`` for the people (193
delegations, their signatories ``<code>.00``). For the 193 case every delegation must be able
to sign, and only members may: so, in this database only, the 151 non-member delegations
join the coalition through ``delegations.actions.update_delegation`` (an audit entry each).
The 42 case uses the 42 founding members.

Each round creates a statement through the actions (create, open consultation, open
sign-on: the grants then cover every member). Then, in this process, ``--connections``
threads (at most; PostgreSQL here accepts 100 connections, so the 193 signatories share 48
database connections as a pool of workers would), each with its own database connection
opened beforehand and the signatories it will act for loaded, wait at a barrier and, once
released together, call ``workflow.actions.sign_on`` for each of them, each call its own
transaction:

- ours: ``sign_on`` (locks the statement row, checks the predicate and the deadline, inserts
  the signature, writes the audit entry, notifies);
- baseline: a plain ``INSERT`` of (statement, delegation, time) into a scratch table with the
  same unique constraint on (statement, delegation), one transaction each, from the same
  threads.

It checks that every signature is there and that the audit chain verifies
(``audit.verify.verify_chain``), and prints the median over ``--rounds`` of the throughput
(signatures per second, from the barrier to the last commit) and the ratio baseline / ours.
No goal is set: every signature must be there.

Run from the project root: ``DATABASE_URL=postgres://…/any .venv/bin/python
bench/signing.py [--delegations 42 193] [--rounds 5] [--connections 48]``.
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row, admin_execute, database_name, emit, setup_django

SCRATCH_TABLE = "bench_signing_baseline"
TEXT = """# Joint statement on a benchmark of signatures

The members of the coalition,

1. *Recalling* that the same rights that people have offline must also be protected online;

2. *Call upon* all states to refrain from shutting down access to the internet.
"""


def prepare() -> tuple[list[Any], list[Any], Any, Any]:
    """Seed, let every delegation join, and return (founding signatories, all signatories,
    the chair, the pen-holding delegate)."""
    from django.core.management import call_command
    from django.db import connection

    from delegations import actions as delegation_actions
    from delegations.models import Body, Delegation, User

    call_command("seed_scale", statements=20, stdout=StringIO())
    founding = set(Delegation.objects.filter(is_member=True).values_list("pk", flat=True))
    for delegation in Delegation.objects.filter(is_member=False).order_by("code"):
        delegation_actions.update_delegation(None, delegation, name=delegation.name, is_member=True)
    signatories = list(
        User.objects.filter(email__contains=".00@", role=User.Role.SIGNATORY)
        .select_related("delegation")
        .order_by("delegation__code")
    )
    by_delegation = {person.delegation_id: person for person in signatories}
    assert len(by_delegation) == Delegation.objects.count(), "a delegation has no signatory"
    body = delegation_actions.create_body(None, name="Signing benchmark", kind=Body.Kind.PLENARY)
    members = sorted(founding)
    chair = User.objects.filter(delegation_id=members[0], role=User.Role.DELEGATE).first()
    pen = User.objects.filter(delegation_id=members[1], role=User.Role.DELEGATE).first()
    assert chair is not None and pen is not None
    delegation_actions.set_chairs(None, body, chairs=[chair])
    chair.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {SCRATCH_TABLE} (id bigserial PRIMARY KEY, statement_id bigint "
            "NOT NULL, delegation_id bigint NOT NULL, signed_at timestamptz NOT NULL, "
            "UNIQUE (statement_id, delegation_id))"
        )
    founders = [p for p in signatories if p.delegation_id in founding]
    return founders, signatories, chair, pen


def statement_in_sign_on(chair: Any, pen: Any, number: int) -> Any:
    from django.utils import timezone

    from drafts.models import Statement
    from workflow import actions

    statement = actions.create_statement(
        pen,
        title=f"Joint statement on a benchmark of signatures, round {number}",
        kind=Statement.Kind.JOINT_STATEMENT,
        body=chair.chaired_bodies.get(),
        pen_holders=[pen.delegation],
        text=TEXT,
    )
    later = timezone.now() + timedelta(days=7)
    statement = actions.open_consultation(chair, statement, deadline=later - timedelta(days=3))
    return actions.open_sign_on(chair, statement, deadline=later)


def together(
    work: list[Any], lanes: int, prepare_lane: Callable[[], Any], act: Callable[[Any, Any], None]
) -> tuple[float, list[BaseException]]:
    """Run ``act(lane_state, item)`` for every item, from ``lanes`` threads released at once.

    Each thread runs ``prepare_lane()`` (opens its database connection, loads what it needs)
    before the barrier. Returns the seconds from the release to the last item done, and the
    errors raised.
    """
    from django.db import connection

    items: queue.SimpleQueue[Any] = queue.SimpleQueue()
    for item in work:
        items.put(item)
    barrier = threading.Barrier(lanes + 1)
    finished: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def lane() -> None:
        try:
            state = prepare_lane()
            connection.ensure_connection()
        except BaseException as error:
            with lock:
                errors.append(error)
            barrier.abort()
            return
        barrier.wait()
        try:
            while True:
                try:
                    item = items.get_nowait()
                except queue.Empty:
                    break
                try:
                    act(state, item)
                except Exception as error:
                    with lock:
                        errors.append(error)
            with lock:
                finished.append(time.perf_counter())
        finally:
            connection.close()

    threads = [threading.Thread(target=lane) for _ in range(lanes)]
    for thread in threads:
        thread.start()
    barrier.wait()
    released = time.perf_counter()
    for thread in threads:
        thread.join()
    return (max(finished) - released if finished else float("nan")), errors


def ours_round(signatories: list[Any], statement_id: int, lanes: int) -> float:
    from delegations import two_factor
    from drafts.models import Statement
    from workflow import actions
    from workflow.models import Signature

    def prepare_lane() -> Any:
        return Statement.objects.get(pk=statement_id)

    def act(statement: Any, person: Any) -> None:
        actions.sign_on(person, statement, proof=two_factor.operator_proof(person))

    seconds, errors = together(signatories, lanes, prepare_lane, act)
    if errors:
        raise SystemExit(f"{len(errors)} signatures failed, the first: {errors[0]!r}")
    signed = Signature.objects.filter(
        statement_id=statement_id, status=Signature.Status.SIGNED
    ).values_list("delegation_id", flat=True)
    missing = {p.delegation_id for p in signatories} - set(signed)
    if missing or len(signed) != len(signatories):
        raise SystemExit(f"signatures missing: {len(missing)} of {len(signatories)}")
    return seconds


def baseline_round(signatories: list[Any], statement_id: int, lanes: int) -> float:
    from django.db import connection

    def prepare_lane() -> None:
        return None

    def act(_: None, person: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SCRATCH_TABLE} (statement_id, delegation_id, signed_at) "
                "VALUES (%s, %s, now())",
                [statement_id, person.delegation_id],
            )

    seconds, errors = together(signatories, lanes, prepare_lane, act)
    if errors:
        raise SystemExit(f"{len(errors)} baseline inserts failed, the first: {errors[0]!r}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {SCRATCH_TABLE} WHERE statement_id = %s", [statement_id]
        )
        (count,) = cursor.fetchone() or (0,)
    if count != len(signatories):
        raise SystemExit(f"baseline rows missing: {count} of {len(signatories)}")
    return seconds


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delegations", type=int, nargs="+", default=[42, 193])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each (median reported)")
    parser.add_argument("--connections", type=int, default=48, help="threads, at most")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--quick", action="store_true", help="42 delegations, 2 rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.delegations, args.rounds = [42], 2

    scratch = f"{database_name()}_signing"
    print(
        f"signing: database {scratch}, {args.delegations} delegations, {args.rounds} rounds, "
        f"at most {args.connections} threads",
        flush=True,
    )
    admin_execute(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)", f"CREATE DATABASE {scratch}")
    rows: list[Row] = []
    try:
        setup_django(scratch)
        founders, everyone, chair, pen = prepare()
        from audit.verify import verify_chain

        for count in args.delegations:
            signatories = founders if count == len(founders) else everyone[:count]
            if len(signatories) < count:
                raise SystemExit(f"only {len(everyone)} delegations can sign")
            lanes = min(count, args.connections)
            ours: list[float] = []
            baseline: list[float] = []
            for number in range(args.rounds):
                statement = statement_in_sign_on(chair, pen, number)
                # Alternate which goes first, so neither always follows the other.
                if number % 2 == 0:
                    ours.append(ours_round(signatories, statement.pk, lanes))
                    baseline.append(baseline_round(signatories, statement.pk, lanes))
                else:
                    baseline.append(baseline_round(signatories, statement.pk, lanes))
                    ours.append(ours_round(signatories, statement.pk, lanes))
            report = verify_chain()
            if not report.intact:
                raise SystemExit(f"the audit chain does not verify: {report}")
            rows.append(
                Row(
                    benchmark=f"{count} delegations sign at once",
                    ours=count / statistics.median(ours),
                    baseline=count / statistics.median(baseline),
                    unit="sig/s",
                    higher_is_better=True,
                    passed=True,
                    note=f"all {count} signatures there in each of {args.rounds} rounds, audit "
                    f"chain intact; {lanes} threads; median round {statistics.median(ours):.3f} s "
                    f"vs {statistics.median(baseline):.3f} s",
                )
            )
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            admin_execute(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")
    emit(rows)
    return rows


if __name__ == "__main__":
    os.environ.setdefault("ACCORD_LOG_LEVEL", "WARNING")
    main()
