"""Benchmark: the dashboard and a statement page for a typical delegate, through daphne.

On the seeded database named by ``DATABASE_URL`` (``manage.py seed_scale --statements 10000``)
it picks a typical delegate: delegate ``.05`` (not a chair of any body) of the member
delegation whose count of drafts and consultations it holds the pen on is the median of the
42, and gives that account the seed's password. It picks the consultation statement whose
number of comments is the median of those the delegate sees. It starts one daphne process
(``config.asgi:application``, DEBUG off, ``bench.bench_settings``: Accord's URLs plus the
bare baseline pages of ``bench/baseline_views.py``), logs in at ``/accounts/login/`` over one
keep-alive connection, and alternates, after a warm-up:

- ours: ``GET /`` (the dashboard) and ``GET /statements/<pk>/``;
- baseline: ``GET /bench/dashboard/`` and ``GET /bench/statements/<pk>/``, bare views reading
  the same visible rows with a plain ``EXISTS`` filter and a minimal template.

Before timing, it checks that each dashboard links exactly the same statements. It prints the
median and p95 of each and the ratio ours / baseline; the issue's goal is at most 1.5.

Run from the project root: ``DATABASE_URL=postgres://…/accord_scale .venv/bin/python
bench/pages.py [--requests 200] [--profile]``. It changes one thing in that database: the
chosen delegate's password.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Row,
    analyze,
    database_name,
    django_env,
    emit,
    free_port,
    median,
    percentile,
    running,
    setup_django,
    start_daphne,
)

GOAL = 1.5
PASSWORD = "accord-scale"


@dataclass
class Scene:
    email: str
    delegation: str
    statement_id: int
    statement_comments: int
    visible: int


def choose_scene() -> Scene:
    """The typical delegate and the consultation statement, the same on every run."""
    from django.db.models import Count, Q

    from delegations.models import Delegation, User
    from drafts.models import Statement
    from workflow.selectors import statements_visible_to

    State = Statement.State
    pen_counts = (
        Delegation.objects.filter(is_member=True)
        .annotate(
            pens=Count(
                "pen_held_statements",
                filter=Q(pen_held_statements__state__in=[State.DRAFT, State.CONSULTATION]),
            )
        )
        .order_by("pens", "code")
    )
    ranked = list(pen_counts)
    if not ranked:
        raise SystemExit("no member delegation: seed the database with manage.py seed_scale")
    typical = ranked[len(ranked) // 2]
    delegate = User.objects.filter(
        email__startswith=f"{typical.code.lower()}.05@", role=User.Role.DELEGATE
    ).first()
    if delegate is None:
        raise SystemExit("no seeded delegate .05: seed the database with manage.py seed_scale")
    if delegate.chaired_bodies.exists():
        raise SystemExit(f"{delegate.email} chairs a body; the benchmark wants a plain delegate")
    delegate.set_password(PASSWORD)
    delegate.save(update_fields=["password"])

    visible = statements_visible_to(delegate)
    consultations = list(
        visible.filter(state=State.CONSULTATION)
        .annotate(comment_count=Count("comments"))
        .order_by("comment_count", "pk")
        .values_list("pk", "comment_count")
    )
    if not consultations:
        raise SystemExit(f"{delegate.email} sees no consultation statement")
    statement_id, comments = consultations[len(consultations) // 2]
    return Scene(
        email=delegate.email,
        delegation=typical.name,
        statement_id=statement_id,
        statement_comments=comments,
        visible=visible.count(),
    )


class Browser:
    """One person on one keep-alive connection, with their cookies."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.origin = f"http://127.0.0.1:{port}"

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Host": self.origin.removeprefix("http://")}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content

    def get(self, path: str) -> bytes:
        status, _, content = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return content

    def log_in(self, email: str, password: str) -> None:
        page = self.get("/accounts/login/").decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the login page"
        status, _, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": email, "password": password, "csrfmiddlewaretoken": token.group(1)},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"log-in as {email} failed ({status})")


def linked_statements(page: bytes) -> set[int]:
    return {int(pk) for pk in re.findall(rb'href="/statements/(\d+)/"', page)}


def measure(browser: Browser, paths: list[str], requests: int, warmup: int) -> list[list[float]]:
    """Seconds of each request to each of ``paths``, taken in turns so that both see the same
    moments of the machine."""
    for _ in range(warmup):
        for path in paths:
            browser.get(path)
    spent: list[list[float]] = [[] for _ in paths]
    for number in range(requests):
        order = range(len(paths)) if number % 2 == 0 else reversed(range(len(paths)))
        for index in order:
            started = time.perf_counter()
            browser.get(paths[index])
            spent[index].append(time.perf_counter() - started)
    return spent


def profile(scene: Scene) -> None:
    """Where the time of each page goes, in this process (Django's test client, no server)."""
    import cProfile
    import pstats

    from django.test import Client

    client = Client()
    from delegations.models import User

    client.force_login(User.objects.get(email=scene.email))
    for path in ("/", f"/statements/{scene.statement_id}/"):
        client.get(path)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            client.get(path)
        profiler.disable()
        print(f"\n--- profile of GET {path} (5 requests), by cumulative time ---")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests of each page")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="profile both pages, then stop")
    parser.add_argument("--quick", action="store_true", help="20 requests of each")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.warmup = 20, 3

    database = database_name()
    setup_django(database, "bench.bench_settings", DJANGO_DEBUG="false")
    analyze()
    scene = choose_scene()
    print(
        f"pages: {database}, {scene.email} (delegate of {scene.delegation}, sees "
        f"{scene.visible} statements); statement {scene.statement_id} in consultation with "
        f"{scene.statement_comments} comments; {args.requests} requests of each after "
        f"{args.warmup} warm-up",
        flush=True,
    )
    if args.profile:
        profile(scene)
        return []

    log_dir = Path(tempfile.mkdtemp(prefix="accord-bench-pages-"))
    port = free_port()
    server = start_daphne(
        port,
        log_dir / "daphne.log",
        django_env(
            DJANGO_SETTINGS_MODULE="bench.bench_settings",
            DATABASE_URL=os.environ["DATABASE_URL"],
        ),
    )
    with running([server]):
        browser = Browser(port)
        browser.log_in(scene.email, PASSWORD)
        ours_links = linked_statements(browser.get("/"))
        baseline_links = linked_statements(browser.get("/bench/dashboard/"))
        if ours_links != baseline_links:
            raise SystemExit(
                f"the dashboards differ: {len(ours_links)} statements linked by ours, "
                f"{len(baseline_links)} by the baseline"
            )
        statement = f"/statements/{scene.statement_id}/"
        dashboard, dashboard_base, page, page_base = measure(
            browser,
            ["/", "/bench/dashboard/", statement, f"/bench{statement}"],
            args.requests,
            args.warmup,
        )
    print(f"dashboard lists {len(ours_links)} statements; server log: {server.log}")
    rows = []
    for name, ours, base in (
        ("dashboard", dashboard, dashboard_base),
        ("statement page", page, page_base),
    ):
        for label, q in (("median", 50.0), ("p95", 95.0)):
            figure_ours = median(ours) if q == 50 else percentile(ours, q)
            figure_base = median(base) if q == 50 else percentile(base, q)
            rows.append(
                Row(
                    benchmark=f"{name} {label} (N=10k)",
                    ours=figure_ours * 1000,
                    baseline=figure_base * 1000,
                    unit="ms",
                    goal=GOAL,
                )
            )
    emit(rows)
    return rows


if __name__ == "__main__":
    main()
