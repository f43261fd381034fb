"""Benchmark: the visible-statements query against a hand-written ``EXISTS``, at two sizes.

It creates its own database (``<DATABASE_URL's name>_visibility``, dropped first and at the
end), migrates it, and seeds it with ``manage.py seed_scale`` until the statements' permission
rows reach each of ``--sizes`` (10,000 and 100,000 by default): nine tenths group permissions
from the seed (about 41 rows per statement), the rest direct grants of ``view_statement`` to
people on random statements (Accord grants to groups only, but the user table must hold rows
for its plan to mean anything). At each size, for a typical delegate
(delegate ``.05`` of the member delegation at the middle of the list), it times, median of
``--repeat`` runs:

- ours: ``workflow.selectors.statements_visible_to(user)`` (guardian's
  ``get_objects_for_user`` over the direct foreign-key permission tables), reading the ids;
- baseline: one hand-written SQL query, ``EXISTS`` on the group permission table joined to the
  person's groups ``OR EXISTS`` on the user permission table, reading the same ids.

It checks that both return the same statements, and runs ``EXPLAIN (ANALYZE, BUFFERS)`` on
both: a sequential scan of ``drafts_statementgroupobjectpermission`` or
``drafts_statementuserobjectpermission`` fails the benchmark (exit status 1).

Run from the project root: ``DATABASE_URL=postgres://…/any .venv/bin/python
bench/visibility.py [--sizes 10000 100000] [--repeat 50] [--plans]``.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
from io import StringIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Row,
    admin_execute,
    analyze,
    database_name,
    emit,
    median,
    setup_django,
    timings,
)

PERMISSION_TABLES = (
    "drafts_statementgroupobjectpermission",
    "drafts_statementuserobjectpermission",
)

HAND_WRITTEN = """
SELECT s.id FROM drafts_statement s
WHERE EXISTS (
    SELECT 1 FROM drafts_statementgroupobjectpermission g
    JOIN delegations_user_groups ug ON ug.group_id = g.group_id
    WHERE g.content_object_id = s.id AND g.permission_id = %(permission)s
      AND ug.user_id = %(user)s
) OR EXISTS (
    SELECT 1 FROM drafts_statementuserobjectpermission u
    WHERE u.content_object_id = s.id AND u.permission_id = %(permission)s
      AND u.user_id = %(user)s
)
"""


def permission_rows() -> int:
    from drafts.models import StatementGroupObjectPermission, StatementUserObjectPermission

    return (
        StatementGroupObjectPermission.objects.count()
        + StatementUserObjectPermission.objects.count()
    )


def grow_to(rows: int) -> tuple[int, int]:
    """Seed statements until the group permission rows reach nine tenths of ``rows``, then
    grant ``view_statement`` directly to people on random statements for the rest, at least a
    tenth (the seed grants to groups only, and an empty table tells nothing about its plan).
    Returns (statements, permission rows)."""
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    from delegations.models import User
    from drafts.models import (
        Statement,
        StatementGroupObjectPermission,
        StatementUserObjectPermission,
    )

    statements = max(Statement.objects.count(), 50)
    while True:
        call_command("seed_scale", statements=statements, stdout=StringIO())
        group_rows = StatementGroupObjectPermission.objects.count()
        if group_rows >= rows * 0.9:
            break
        per_statement = group_rows / max(statements, 1)
        statements = max(statements + 1, math.ceil(rows * 0.9 / per_statement))
    view = Permission.objects.get(codename="view_statement", content_type__app_label="drafts")
    people = list(User.objects.order_by("pk").values_list("pk", flat=True))
    statement_ids = list(Statement.objects.order_by("pk").values_list("pk", flat=True))
    rng = random.Random(rows)
    wanted_user_rows = max(rows - group_rows, rows // 10)
    while (have := StatementUserObjectPermission.objects.count()) < wanted_user_rows:
        missing = wanted_user_rows - have
        StatementUserObjectPermission.objects.bulk_create(
            (
                StatementUserObjectPermission(
                    user_id=rng.choice(people),
                    content_object_id=rng.choice(statement_ids),
                    permission=view,
                )
                for _ in range(missing)
            ),
            batch_size=5000,
            ignore_conflicts=True,
        )
    analyze()
    return len(statement_ids), permission_rows()


def typical_delegate() -> Any:
    from delegations.models import Delegation, User

    members = list(Delegation.objects.filter(is_member=True).order_by("code"))
    middle = members[len(members) // 2]
    return User.objects.get(email__startswith=f"{middle.code.lower()}.05@")


def explain(sql: str, params: Any) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(line for (line,) in cursor.fetchall())


def seq_scans(plan: str) -> list[str]:
    return [
        line.strip()
        for line in plan.splitlines()
        if "Seq Scan" in line and any(table in line for table in PERMISSION_TABLES)
    ]


def measure_size(label: str, repeat: int, show_plans: bool) -> tuple[list[Row], list[str]]:
    from django.contrib.auth.models import Permission
    from django.db import connection

    from workflow.selectors import statements_visible_to

    user = typical_delegate()
    permission = Permission.objects.get(codename="view_statement", content_type__app_label="drafts")
    params = {"permission": permission.pk, "user": user.pk}

    def ours() -> list[int]:
        return list(statements_visible_to(user).values_list("pk", flat=True))

    def baseline() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN, params)
            return [pk for (pk,) in cursor.fetchall()]

    seen = set(ours())
    if seen != set(baseline()):
        raise SystemExit(f"{label}: the two queries return different statements")

    ours_sql, ours_params = statements_visible_to(user).values_list("pk").query.sql_with_params()
    plans = {
        "ours": explain(ours_sql, ours_params),
        "baseline": explain(HAND_WRITTEN, params),
    }
    problems = []
    for name, plan in plans.items():
        if show_plans:
            print(f"\n--- EXPLAIN (ANALYZE, BUFFERS), {name}, {label} ---\n{plan}")
        problems += [f"{label}, {name}: {line}" for line in seq_scans(plan)]

    # In turns, so both see the same moments of the machine.
    ours_times: list[float] = []
    baseline_times: list[float] = []
    for _ in range(repeat):
        ours_times += timings(ours, 1, warmup=0)
        baseline_times += timings(baseline, 1, warmup=0)
    rows = [
        Row(
            benchmark=f"visible statements, {label}",
            ours=median(ours_times) * 1000,
            baseline=median(baseline_times) * 1000,
            unit="ms",
            passed=not problems,
            note=f"{len(seen)} statements visible to {user.email}; "
            + ("no seq scan of the permission tables" if not problems else "SEQ SCAN"),
        )
    ]
    return rows, problems


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--plans", action="store_true", help="print the EXPLAIN output")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--quick", action="store_true", help="sizes 2,000 and 10,000, 10 runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat = [2_000, 10_000], 10

    scratch = f"{database_name()}_visibility"
    print(
        f"visibility: database {scratch}, sizes {args.sizes}, median of {args.repeat}", flush=True
    )
    admin_execute(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)", f"CREATE DATABASE {scratch}")
    rows: list[Row] = []
    problems: list[str] = []
    try:
        setup_django(scratch)
        for size in sorted(args.sizes):
            statements, have = grow_to(size)
            label = f"{have // 1000}k permission rows ({statements} statements)"
            print(f"  seeded: {label}", flush=True)
            measured, found = measure_size(label, args.repeat, args.plans)
            rows += measured
            problems += found
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            admin_execute(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")
    emit(rows)
    if problems:
        print("FAIL: sequential scan of a permission table:\n  " + "\n  ".join(problems))
        raise SystemExit(1)
    return rows


if __name__ == "__main__":
    os.environ.setdefault("ACCORD_LOG_LEVEL", "WARNING")
    main()
