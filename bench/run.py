"""Every benchmark in turn, on PostgreSQL, and one table: benchmark, ours, baseline, ratio,
goal, verdict.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_scale \\
    REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/run.py [--quick] [--only NAME…]

``DATABASE_URL`` names the database seeded with ``manage.py seed_scale --statements 10000``:
the page benchmark reads it (and sets one delegate's password); the others create their own
databases beside it, named after it (``<name>_visibility``, ``<name>_signing``,
``<name>_fanout``), and drop them at the end. ``REDIS_URL`` is the Redis database the
fan-out benchmark flushes and uses (required for it).

Each benchmark runs in its own process (Django binds one database per process), by importing
its module and calling its ``main``; each is also runnable alone (``bench/pages.py`` …).
``--quick`` is a smoke run: small sizes, few iterations. The ratio is always the cost of ours
in units of the baseline's (ours / baseline for times, baseline / ours for rates): below 1,
Accord does better.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RESULTS_ENV, ROOT, Row, database_name, emit, print_table, read_rows

FANOUT_CLIENTS = 500


def run_pages(quick: bool) -> None:
    from bench import pages

    pages.main(["--quick"] if quick else [])


def run_visibility(quick: bool) -> None:
    from bench import visibility

    visibility.main(["--quick"] if quick else [])


def run_signing(quick: bool) -> None:
    from bench import signing

    signing.main(["--quick"] if quick else [])


def run_merge_diff(quick: bool) -> None:
    from bench import merge_diff

    rows = merge_diff.main(["--repeat", "3"] if quick else [])
    emit(
        [
            Row(
                benchmark=f"{label}, 20,000 words",
                ours=ours * 1000,
                baseline=base * 1000,
                unit="ms",
            )
            for label, ours, base in rows
        ]
    )


def run_notify_fanout(quick: bool) -> None:
    from bench import notify_fanout
    from bench.common import database_url, free_port

    # Its own database and Redis database, named after the ones given; ports in our range.
    notify_fanout.DB_NAME = f"{database_name()}_fanout"
    notify_fanout.PG_SERVER = database_url("postgres").rsplit("/", 1)[0]
    notify_fanout.DATABASE_URL = database_url(notify_fanout.DB_NAME)
    notify_fanout.REDIS_URL = os.environ["REDIS_URL"]

    def ports(count: int) -> list[int]:
        found: list[int] = []
        while len(found) < count:
            port = free_port(18600 + 10 * len(found), 18999)
            if port not in found:
                found.append(port)
        return found

    notify_fanout.free_ports = ports
    clients = 50 if quick else FANOUT_CLIENTS
    rounds = ["--rounds", "5", "--warmup", "1"] if quick else []
    notify_fanout.main(["--clients", str(clients), *rounds])
    if notify_fanout.last_run is None:
        raise SystemExit("the fan-out benchmark measured nothing")
    ours, baseline = notify_fanout.last_run
    note = f"{clients} WebSockets over 2 daphne processes; lost: ours {ours.lost}/{ours.owed}"
    lost = ours.lost == 0
    emit(
        [
            Row(
                benchmark=f"notification fan-out p50 ({clients} pages)",
                ours=ours.p50_last * 1000,
                baseline=baseline.p50_last * 1000,
                unit="ms",
                goal=notify_fanout.GOAL_RATIO,
                passed=lost,
                note=note,
            ),
            Row(
                benchmark=f"notification fan-out p95 ({clients} pages)",
                ours=ours.p95_last * 1000,
                baseline=baseline.p95_last * 1000,
                unit="ms",
                goal=notify_fanout.GOAL_RATIO,
                passed=lost,
            ),
        ]
    )


BENCHMARKS: dict[str, Callable[[bool], None]] = {
    "pages": run_pages,
    "visibility": run_visibility,
    "signing": run_signing,
    "notify_fanout": run_notify_fanout,
    "merge_diff": run_merge_diff,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: small sizes, few runs")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), help="run only these")
    parser.add_argument("--child", choices=list(BENCHMARKS), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        BENCHMARKS[args.child](args.quick)
        return 0

    chosen = args.only or list(BENCHMARKS)
    if any(name != "merge_diff" for name in chosen):
        database_name()  # fails early without PostgreSQL
    if "notify_fanout" in chosen and not os.environ.get("REDIS_URL"):
        raise SystemExit("the fan-out benchmark needs Redis: set REDIS_URL=redis://…/<db>")
    results = Path(tempfile.mkdtemp(prefix="accord-bench-run-")) / "rows.jsonl"
    failed = []
    started = time.perf_counter()
    for name in chosen:
        print(f"\n===== {name} =====", flush=True)
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", name]
            + (["--quick"] if args.quick else []),
            cwd=ROOT,
            env=os.environ | {RESULTS_ENV: str(results)},
            check=False,
        )
        print(f"({name}: {time.perf_counter() - began:.0f} s)", flush=True)
        if done.returncode != 0:
            failed.append(name)
    print(f"\n===== every benchmark ({time.perf_counter() - started:.0f} s) =====")
    rows = read_rows(results)
    print_table(rows)
    if failed:
        print(f"\nFAILED: {', '.join(failed)} (see above)")
    return 1 if failed or any(row.verdict == "FAIL" for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
