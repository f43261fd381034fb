"""Benchmark: how fast ``manage.py verify_audit`` checks a 100,000-entry audit chain.

It builds a fresh database, appends ``--entries`` audit entries (100,000 by default) in bulk
through a helper that computes each entry's hash exactly as ``audit.actions.record`` does
(sequence, previous hash, SHA-256 of the canonical form), then times, ``--repeat`` times each:

- ours: ``manage.py verify_audit --no-store`` (streams the entries in sequence order, recomputes
  every hash and checks every link);
- baseline: a plain iteration over the same rows, reading the same columns in the same order
  with the same chunk size, and nothing else (no hashing, no checks).

It prints the median time and entries per second of each, and the ratio ours / baseline: what
the hashing and checking cost on top of reading the record.

Backends: ``--backend sqlite`` (a temporary file, WAL, as the embedded default), ``postgres``
(creates the database named by ``--pg-database`` on ``--pg-server``, dropping it first if it
exists, and drops it at the end), or ``both`` (one run each, in child processes, since Django
binds to one database per process).

Run from the project root: ``.venv/bin/python bench/audit_chain.py [--backend both]
[--entries 100000] [--repeat 3]``. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "accord_bench_audit"
BATCH = 5000

ACTIONS = [
    "drafts.save_revision",
    "drafts.comment",
    "workflow.sign_on",
    "workflow.open_consultation",
    "drafts.change_details",
]


def before_after(action: str, n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Before and after of the size actions record."""
    if action == "drafts.save_revision":
        return {"revision": n, "hash": f"{n:064x}"}, {"revision": n + 1, "hash": f"{n + 1:064x}"}
    if action == "drafts.comment":
        return {}, {"comment": n, "paragraph": f"p{n % 40:04d}", "revision": n // 7}
    if action == "workflow.sign_on":
        return {"delegation": "CA", "status": None}, {"delegation": "CA", "status": "signed"}
    if action == "workflow.open_consultation":
        return {"state": "draft"}, {"state": "consultation", "deadline": "2026-12-01T12:00Z"}
    title = "Joint statement on internet shutdowns"
    return {"title": title}, {"title": f"{title} ({n})"}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-server", default=PG_SERVER)
    parser.add_argument("--pg-database", default=PG_DATABASE)
    return parser.parse_args()


def run_children(options: argparse.Namespace) -> None:
    for backend in ("sqlite", "postgres"):
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--backend",
                backend,
                "--entries",
                str(options.entries),
                "--repeat",
                str(options.repeat),
                "--pg-server",
                options.pg_server,
                "--pg-database",
                options.pg_database,
            ],
            check=True,
        )


def recreate_postgres(server: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


def build_chain(count: int) -> None:
    """Append ``count`` entries in bulk, each hashed and chained as ``record()`` would."""
    from django.contrib.contenttypes.models import ContentType

    from audit.chain import GENESIS_HASH, entry_hash
    from audit.models import AuditEntry
    from delegations.models import User
    from drafts.models import Statement

    random.seed(2026)
    people = [
        User.objects.create(
            email=f"bench{n}@example.org", full_name=f"Bench Person {n}", role=User.Role.ADVISER
        )
        for n in range(20)
    ]
    delegations = ["Canada", "Kenya", "France", "The Netherlands", "Germany", ""]
    statement_type = ContentType.objects.get_for_model(Statement)
    label = f"{statement_type.app_label}.{statement_type.model}"
    start = datetime(2026, 1, 1, tzinfo=UTC)
    previous = GENESIS_HASH
    batch: list[AuditEntry] = []
    for sequence in range(1, count + 1):
        action = ACTIONS[sequence % len(ACTIONS)]
        before, after = before_after(action, sequence)
        person = people[sequence % len(people)]
        entry = AuditEntry(
            created_at=start + timedelta(seconds=sequence, microseconds=sequence % 997),
            actor=person,
            actor_name=str(person),
            actor_delegation=random.choice(delegations),
            action=action,
            target_type=statement_type,
            target_id=str(sequence % 500 + 1),
            target_repr=f"Joint statement number {sequence % 500 + 1} on human rights online",
            before=before,
            after=after,
            note="" if sequence % 9 else "Overtaken by events.",
            sequence=sequence,
            previous_hash=previous,
        )
        entry.entry_hash = previous = entry_hash(
            sequence=sequence,
            previous_hash=previous,
            created_at=entry.created_at,
            actor_id=person.pk,
            actor_name=entry.actor_name,
            actor_delegation=entry.actor_delegation,
            action=action,
            target_type=label,
            target_id=entry.target_id,
            target_repr=entry.target_repr,
            before=before,
            after=after,
            note=entry.note,
        )
        batch.append(entry)
        if len(batch) == BATCH:
            AuditEntry.objects.bulk_create(batch)
            batch = []
    AuditEntry.objects.bulk_create(batch)


def timed(call: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(options: argparse.Namespace) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    from audit.models import AuditEntry
    from audit.verify import CHUNK, COLUMNS

    call_command("migrate", verbosity=0)
    built = time.perf_counter()
    build_chain(options.entries)
    build_seconds = time.perf_counter() - built

    def verify() -> str:
        out = io.StringIO()
        call_command("verify_audit", "--no-store", stdout=out)
        return out.getvalue().strip()

    def iterate() -> int:
        rows = AuditEntry.objects.order_by("sequence").values_list(*COLUMNS)
        return sum(1 for _ in rows.iterator(chunk_size=CHUNK))

    iterate()  # warm the database's cache for both
    ours, message = timed(verify, options.repeat)
    baseline, seen = timed(iterate, options.repeat)
    count = options.entries
    assert seen == count and message.startswith(f"Audit chain intact: {count} entries"), message
    print(f"\n{connection.vendor}: {count:,} entries (built and chained in {build_seconds:.1f} s)")
    print(f"  {message}")
    print(f"  verify_audit  {ours:7.2f} s  {count / ours:10,.0f} entries/s  (median)")
    print(f"  baseline      {baseline:7.2f} s  {count / baseline:10,.0f} entries/s  (same read)")
    print(f"  ratio verify_audit / baseline: {ours / baseline:.2f}")


def main() -> None:
    options = parse()
    if options.backend == "both":
        run_children(options)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("REDIS_URL", None)
    if options.backend == "postgres":
        recreate_postgres(options.pg_server, options.pg_database)
        os.environ["DATABASE_URL"] = f"{options.pg_server}/{options.pg_database}"
        try:
            measure(options)
        finally:
            from django.db import connections

            connections.close_all()
            recreate_postgres(options.pg_server, options.pg_database, drop_only=True)
        return
    os.environ.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["ACCORD_SQLITE_PATH"] = str(Path(folder) / "bench.sqlite3")
        measure(options)


if __name__ == "__main__":
    main()
