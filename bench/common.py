"""What the benchmarks share: figures, the rows of the runner's table, databases and servers.

Nothing here imports Django at module level: a benchmark chooses its database and settings
before Django starts, and the runner (``bench/run.py``) imports this without starting it.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"

# Where a benchmark run by the runner writes its rows (one JSON object a line).
RESULTS_ENV = "ACCORD_BENCH_RESULTS"


# --- figures ------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def timings(call: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Seconds each of ``repeat`` calls took, after ``warmup`` uncounted ones."""
    for _ in range(warmup):
        call()
    spent = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        spent.append(time.perf_counter() - started)
    return spent


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Row:
    """One line of the runner's table.

    ``ratio`` is always "how many times the cost of the baseline": ours / baseline for times,
    baseline / ours for rates (``higher_is_better``). Below 1, Accord does better.
    """

    benchmark: str
    ours: float
    baseline: float
    unit: str
    goal: float | None = None  # the largest ratio the issue accepts, if it names one
    higher_is_better: bool = False
    note: str = ""
    passed: bool | None = None  # a check beside the ratio (all signatures there, no seq scan…)

    @property
    def ratio(self) -> float:
        if self.higher_is_better:
            return self.baseline / self.ours if self.ours else float("inf")
        return self.ours / self.baseline if self.baseline else float("inf")

    @property
    def verdict(self) -> str:
        if self.passed is False:
            return "FAIL"
        if self.goal is None:
            return "ok" if self.passed else "-"
        return "met" if self.ratio <= self.goal else "MISSED"


def emit(rows: list[Row]) -> None:
    """Print ``rows`` as a table, and hand them to the runner when it runs this benchmark."""
    print_table(rows)
    target = os.environ.get(RESULTS_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(asdict(row)) + "\n")


def read_rows(path: Path) -> list[Row]:
    if not path.exists():
        return []
    return [Row(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def figure(value: float, unit: str) -> str:
    if value != value:  # NaN
        return "-"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"


def print_table(rows: list[Row]) -> None:
    if not rows:
        return
    head = ("benchmark", "ours", "baseline", "ratio", "goal", "verdict")
    cells = [
        (
            row.benchmark,
            figure(row.ours, row.unit),
            figure(row.baseline, row.unit),
            f"{row.ratio:.2f}x",
            f"<= {row.goal:g}x" if row.goal is not None else "-",
            row.verdict,
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [head, *cells]) for i in range(len(head))]
    print()
    print(
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(head, widths, strict=True))
        )
    )
    for line in cells:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=True))
            )
        )
    notes = [f"  {row.benchmark}: {row.note}" for row in rows if row.note]
    if notes:
        print("\n".join(notes))
    sys.stdout.flush()


# --- databases ------------------------------------------------------------------------------------


def database_url(name: str) -> str:
    """``DATABASE_URL`` with its database name replaced by ``name`` (same server and user)."""
    base = os.environ.get("DATABASE_URL", f"{PG_SERVER}/postgres")
    if not base.startswith("postgres"):
        raise SystemExit("the benchmarks need PostgreSQL: set DATABASE_URL=postgres://…")
    server = base.rsplit("/", 1)[0]
    return f"{server}/{name}"


def database_name() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("the benchmarks need PostgreSQL: set DATABASE_URL=postgres://…/<database>")
    return url.rsplit("/", 1)[1].split("?")[0]


def admin_execute(*statements: str) -> None:
    """Run statements on the server's ``postgres`` database, outside any transaction."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


def setup_django(database: str, settings: str = "config.settings", **env: str) -> None:
    """Start Django in this process on ``database``, with migrations applied."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ["DATABASE_URL"] = database_url(database)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def analyze() -> None:
    """Fresh statistics for the planner: a database filled by bulk inserts (or copied from
    one) has none until autovacuum comes by, and plans as if its tables were empty."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- servers ------------------------------------------------------------------------------------


def free_port(first: int = 18000, last: int = 18999) -> int:
    """A free loopback port in the benchmarks' range."""
    span = last - first + 1
    for step in range(span):
        port = first + step
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{last}")


@dataclass
class Process:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    port: int

    def tail(self, size: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-size:] if self.log.exists() else ""


def start_daphne(port: int, log: Path, env: dict[str, str]) -> Process:
    daphne = Path(sys.executable).parent / "daphne"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(daphne), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=ROOT,
            env=os.environ | env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Process(name=f"daphne:{port}", process=process, log=log, port=port)


def wait_listening(processes: list[Process], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    for server in processes:
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"{server.name} exited:\n{server.tail()}")
            try:
                socket.create_connection(("127.0.0.1", server.port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{server.name} never listened:\n{server.tail()}") from None
                time.sleep(0.1)


def stop(processes: list[Process]) -> None:
    for server in processes:
        if server.process.poll() is None:
            server.process.terminate()
    for server in processes:
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@contextmanager
def running(processes: list[Process]) -> Iterator[list[Process]]:
    try:
        wait_listening(processes)
        yield processes
    finally:
        stop(processes)


def django_env(**extra: str) -> dict[str, Any]:
    """The environment a benchmark's servers run with: DEBUG off, warnings quiet."""
    return {"DJANGO_DEBUG": "false", "ACCORD_LOG_LEVEL": "WARNING", **extra}


# --- the scale-out layout on loopback ---------------------------------------------------------

PROXY_RULES = ROOT / "deploy" / "nginx" / "snippets" / "accord-proxy.conf"


def loopback_nginx_config(
    folder: Path, port: int, workers: list[int], server_extra: str = ""
) -> Path:
    """A whole nginx.conf in ``folder`` serving the repo's proxy rules on ``port`` in front of
    the daphne ``workers``, with the upstream settings of ``deploy/nginx/accord.conf``; used by
    the scale-out test and the soak. ``server_extra`` goes into the server block."""
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    upstreams = "\n".join(
        f"        server 127.0.0.1:{worker} max_fails=3 fail_timeout=10s;" for worker in workers
    )
    root_only = "user root;" if os.geteuid() == 0 else ""
    config = f"""
{root_only}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    log_format upstream '$request $status $upstream_addr $request_time';
    access_log {folder}/access.log upstream;
    upstream accord_workers {{
{upstreams}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        {server_extra}
        include {PROXY_RULES};
    }}
}}
"""
    path = folder / "nginx.conf"
    path.write_text(config)
    return path
