"""The soak test: simulated delegates walking their journeys against the scale-out layout.

It copies the seeded database named by ``DATABASE_URL`` to ``<name>_soak`` (dropped first and
at the end, unless ``--keep``), picks the people (one signatory, ``<code>.00``, of each of the
42 member delegations, and delegates ``.02`` to ``.09`` of the members for the rest), gives
them the seed's password, and lists for each the consultation statements (and a paragraph of
each) to comment on and, for signatories, the sign-on statements their delegation has not
answered whose deadline is still ahead. Then it starts the scale-out layout on loopback as
``tests/deploy/test_scale_out.py`` does: ``--workers`` daphne processes
(``config.asgi:application``, DEBUG off, Redis channel layer, a pool of ``--pool-size``
database connections each) behind nginx with the repo's
proxy rules (``deploy/nginx/snippets/accord-proxy.conf``), and runs Locust headless with
``bench/soak/locustfile.py`` in its own process.

Two-factor authentication stays as configured (signatories and coordinators must use it):
each simulated signatory gets a TOTP device, and the locustfile computes its code at login.
``--no-two-factor`` switches it off instead (``ACCORD_TWO_FACTOR_REQUIRED_ROLES`` empty in the
workers' environment).

Afterwards it prints the requests per second, the p50 and p95 of each endpoint and the
errors (from Locust's CSV), and checks that every comment and signature the server confirmed
(``SOAK_SUCCESSES``) is in the database.

Run from the project root::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_scale \\
    REDIS_URL=redis://127.0.0.1:6379/8 \\
    .venv/bin/python bench/soak/run.py --users 200 --spawn-rate 2 --time 10m --think 30,60

Exit status 0 when there were no errors and everything confirmed is in the database.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import (
    ROOT,
    Process,
    admin_execute,
    analyze,
    database_name,
    database_url,
    django_env,
    free_port,
    loopback_nginx_config,
    setup_django,
    start_daphne,
    stop,
    wait_listening,
)

PASSWORD = "accord-scale"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
CONSULTATIONS_EACH = 30
SIGN_ONS_EACH = 200


def choose_people(count: int, *, two_factor: bool) -> list[dict[str, Any]]:
    """The simulated people, what they comment on and what they sign; sets their password
    and, with ``two_factor``, gives each signatory an authenticator app (a TOTP device)."""
    from django.contrib.auth.hashers import make_password
    from django.utils.crypto import get_random_string
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def random_hex(size: int) -> str:
        return get_random_string(2 * size, "0123456789abcdef")

    from django.db.models import Exists, OuterRef, Q
    from django.utils import timezone

    from delegations.models import Delegation, User
    from drafts.models import RevisionParagraph, Statement
    from workflow.models import Signature

    State = Statement.State
    members = list(Delegation.objects.filter(is_member=True).order_by("code"))
    # Signatories first, so a short run with few users still signs.
    wanted = [f"{d.code.lower()}.00" for d in members]
    for index in range(2, 10):
        wanted += [f"{d.code.lower()}.{index:02d}" for d in members]
    wanted = wanted[:count]
    by_prefix = {
        person.email.split("@")[0]: person
        for person in User.objects.filter(
            email__in=[f"{prefix}@scale.accord.example" for prefix in wanted]
        ).select_related("delegation")
    }
    people = [by_prefix[prefix] for prefix in wanted if prefix in by_prefix]
    if len(people) < count:
        raise SystemExit(f"only {len(people)} seeded people found: run manage.py seed_scale")
    User.objects.filter(pk__in=[p.pk for p in people]).update(password=make_password(PASSWORD))

    # Consultations: every member sees and may comment on each; a paragraph of the current text.
    consultations = list(
        Statement.objects.filter(state=State.CONSULTATION)
        .select_related("current_revision")
        .order_by("pk")
    )
    first_paragraph = dict(
        RevisionParagraph.objects.filter(
            revision__in=[s.current_revision_id for s in consultations]
        )
        .order_by("revision", "-position")
        .values_list("revision", "paragraph__key")
    )
    targets = [
        (s.pk, first_paragraph[s.current_revision_id], s.current_revision.number)
        for s in consultations
        if s.current_revision is not None and s.current_revision_id in first_paragraph
    ]

    soon = timezone.now() + timedelta(hours=2)
    chosen = []
    rng = random.Random(2026)
    for person in people:
        entry: dict[str, Any] = {
            "email": person.email,
            "password": PASSWORD,
            "role": person.role,
            "delegation": person.delegation.code if person.delegation else "",
            "consult": rng.sample(targets, min(CONSULTATIONS_EACH, len(targets))),
            "sign": [],
        }
        if person.role == User.Role.SIGNATORY and two_factor:
            key = random_hex(20)
            TOTPDevice.objects.create(
                user=person, name="Soak authenticator", confirmed=True, key=key
            )
            entry["totp_key"] = key
        if person.role == User.Role.SIGNATORY:
            answered = Signature.objects.filter(
                ~Q(status=Signature.Status.VOID),
                statement=OuterRef("pk"),
                delegation=person.delegation,
            )
            open_ones = list(
                Statement.objects.filter(state=State.SIGN_ON, sign_on_deadline__gt=soon)
                .exclude(Exists(answered))
                .values_list("pk", flat=True)
            )
            rng.shuffle(open_ones)
            entry["sign"] = open_ones[:SIGN_ONS_EACH]
        chosen.append(entry)
    return chosen


def start_nginx(folder: Path, port: int, workers: list[int]) -> Process:
    executable = shutil.which("nginx") or "/usr/sbin/nginx"
    config = loopback_nginx_config(folder, port, workers)
    checked = subprocess.run(
        [executable, "-t", "-c", str(config), "-p", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if checked.returncode != 0:
        raise SystemExit(f"nginx refuses the configuration:\n{checked.stderr}")
    log = folder / "nginx.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [executable, "-c", str(config), "-p", str(folder)], stdout=out, stderr=out
        )
    return Process(name="nginx", process=process, log=folder / "error.log", port=port)


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def print_stats(rows: list[dict[str, str]], seconds: float) -> dict[str, float]:
    line = "{:<24}{:>9}{:>8}{:>9}{:>9}{:>9}{:>9}"
    print(line.format("endpoint", "requests", "errors", "req/s", "p50", "p95", "max"))
    total: dict[str, float] = {}
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        print(
            line.format(
                f"{row['Type']} {name}" if name != "all" else "all",
                row["Request Count"],
                row["Failure Count"],
                f"{float(row['Requests/s']):.1f}",
                f"{row['50%']} ms",
                f"{row['95%']} ms",
                f"{float(row['Max Response Time']):.0f} ms",
            )
        )
        if name == "all":
            total = {
                "requests": float(row["Request Count"]),
                "errors": float(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
            }
    return total


def check_database(successes: Path) -> tuple[int, int, int, int]:
    """(comments confirmed, of them found; signatures confirmed, of them found)."""
    from delegations.models import User
    from drafts.models import Comment
    from workflow.models import Signature

    lines = [json.loads(line) for line in successes.read_text().splitlines() if line.strip()]
    comments = [line for line in lines if line["kind"] == "comment"]
    signatures = [line for line in lines if line["kind"] == "signature"]
    authors = dict(
        User.objects.filter(email__in={c["email"] for c in comments}).values_list("email", "pk")
    )
    found = {
        (pk, statement, author)
        for pk, statement, author in Comment.objects.filter(
            pk__in=[c["id"] for c in comments]
        ).values_list("pk", "statement_id", "author_id")
    }
    comments_found = sum(
        (c["id"], c["statement"], authors.get(c["email"])) in found for c in comments
    )
    signed = set(
        Signature.objects.filter(
            status=Signature.Status.SIGNED, statement_id__in=[s["statement"] for s in signatures]
        ).values_list("statement_id", "delegation__code", "given_by__email")
    )
    signatures_found = sum(
        (s["statement"], s["delegation"], s["email"]) in signed for s in signatures
    )
    return len(comments), comments_found, len(signatures), signatures_found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    # People arrive over a couple of minutes, not all in the same second: each login hashes a
    # password (about 0.3 s of a core here), and 200 at once would only measure that queue.
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--time", default="10m", help="Locust's --run-time, e.g. 30s, 10m")
    parser.add_argument("--workers", type=int, default=3, help="daphne processes behind nginx")
    parser.add_argument(
        "--pool-size",
        type=int,
        default=20,
        help="database connections per worker (ACCORD_DB_POOL_SIZE; 0: no pool)",
    )
    parser.add_argument("--think", default="1,3", help="seconds between steps: min,max")
    parser.add_argument(
        "--no-two-factor",
        action="store_true",
        help="switch two-factor authentication off (ACCORD_TWO_FACTOR_REQUIRED_ROLES empty)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    args = parser.parse_args(argv)
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("the soak test needs Redis for the workers: set REDIS_URL=redis://…")

    source = database_name()
    soak = f"{source}_soak"
    folder = Path(tempfile.mkdtemp(prefix="accord-soak-"))
    print(f"soak: copying {source} to {soak}; logs in {folder}", flush=True)
    admin_execute(
        f"DROP DATABASE IF EXISTS {soak} WITH (FORCE)", f"CREATE DATABASE {soak} TEMPLATE {source}"
    )
    processes: list[Process] = []
    try:
        setup_django(soak)
        analyze()
        people = choose_people(args.users, two_factor=not args.no_two_factor)
        people_file = folder / "people.json"
        people_file.write_text(json.dumps(people))
        successes = folder / "successes.jsonl"
        successes.touch()
        signatories = sum(1 for p in people if p["sign"])
        print(
            f"people: {len(people)} ({signatories} signatories with statements to sign), "
            f"password set; think time {args.think} s",
            flush=True,
        )
        from django.db import connections

        connections.close_all()

        env = django_env(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=database_url(soak),
            REDIS_URL=os.environ["REDIS_URL"],
        )
        if args.pool_size:
            env["ACCORD_DB_POOL_SIZE"] = str(args.pool_size)
        if args.no_two_factor:
            env["ACCORD_TWO_FACTOR_REQUIRED_ROLES"] = ""
        workers = []
        port = 18100
        for number in range(args.workers):
            port = free_port(port + 1, 18199)
            workers.append(start_daphne(port, folder / f"daphne-{number + 1}.log", env))
        processes += workers
        wait_listening(workers)
        nginx_port = free_port(18200, 18299)
        processes.append(start_nginx(folder, nginx_port, [w.port for w in workers]))
        wait_listening(processes[-1:])

        prefix = folder / "locust"
        locust = Path(sys.executable).parent / "locust"
        command = [
            str(locust),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "-u",
            str(args.users),
            "-r",
            str(args.spawn_rate),
            "-t",
            args.time,
            "--host",
            f"http://127.0.0.1:{nginx_port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "30",
        ]
        print("locust: " + " ".join(command), flush=True)
        started = time.perf_counter()
        with (folder / "locust.log").open("wb") as out:
            subprocess.run(
                command,
                cwd=ROOT,
                env=os.environ
                | {
                    "SOAK_PEOPLE": str(people_file),
                    "SOAK_SUCCESSES": str(successes),
                    "SOAK_THINK": args.think,
                },
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            )
        seconds = time.perf_counter() - started
        stop(processes)
        processes = []

        print(f"\n{args.users} users, {args.time}, {args.workers} workers behind nginx:")
        total = print_stats(read_stats(prefix), seconds)
        failures = Path(f"{prefix}_failures.csv")
        if failures.exists():
            lines = failures.read_text().strip().splitlines()[1:]
            for line in lines[:10]:
                print(f"  failure: {line}")
        comments, comments_found, signatures, signatures_found = check_database(successes)
        print(
            f"in the database: {comments_found}/{comments} confirmed comments, "
            f"{signatures_found}/{signatures} confirmed signatures"
        )
        ok = (
            total.get("errors", 1) == 0
            and comments_found == comments
            and signatures_found == signatures
        )
        print(
            f"soak: {total.get('rps', 0):.1f} requests/s, p50 {total.get('p50', 0):.0f} ms, "
            f"p95 {total.get('p95', 0):.0f} ms, {total.get('errors', 0):.0f} errors; "
            + ("everything confirmed is there" if ok else "FAILED")
        )
        return 0 if ok else 1
    finally:
        stop(processes)
        if not args.keep:
            from django.db import connections

            connections.close_all()
            admin_execute(f"DROP DATABASE IF EXISTS {soak} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
