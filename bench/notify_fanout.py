"""Benchmark: how fast a sign-on reaches every page open on a statement, across ASGI processes.

N WebSocket clients (500 by default), each logged in as a different delegate, open
``/ws/statements/<id>/`` on one statement in sign-on, spread over several daphne processes
(2 by default) that share the Redis channel layer. Then, in turns:

- ours: one signatory signs on (or withdraws, alternately) through ``workflow.actions``;
  t0 is the moment the transaction commits (an ``on_commit`` callback registered before the
  action's own), and the round ends when every client has the ``statement`` frame;
- baseline: a bare ``group_send`` of the same payload shape (``change: "bench_baseline"``) to
  the same group, from the same process; t0 just before the call.

For each it prints the time from t0 to the last client (p50, p95 over the rounds), the p50 of
each round's per-client median, the ratio ours / baseline, and the messages lost: for each
round, the clients that had connected and did not get the frame within ``--timeout`` (clients
the server has closed included). The goal from the notifications issue: 0 lost, ratio < 2.

Connecting: a page that joins gets the list of who is there in one frame, and the pages already
there hear of it through one group message (N pages still cost N² presence frames to browsers,
but one group message each). By default clients arrive a few at a time
(``--connect-batch``), each batch waiting until every page knows every other; with
``--connect-batch 0`` they all come at once (``--connect-concurrency`` handshakes in flight),
as at the start of a meeting.

It needs PostgreSQL and Redis (see ``DATABASE_URL`` and ``REDIS_URL`` below): it creates and
at the end drops its own database ``accord_bench`` and flushes its own Redis database. All
clients run in one asyncio loop in a thread of this process, so every time is read from one
clock (``time.perf_counter``).

Run from the project root: ``.venv/bin/python bench/notify_fanout.py [--clients 500]
[--rounds 20] [--servers 2]``. Not part of the test suite; exits 0 whether or not the goal
is met.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import re
import socket
import statistics
import string
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    PG_SERVER,
    Process,
    percentile,
    start_daphne,
    stop,
    wait_listening,
)

DB_NAME = "accord_bench"
DATABASE_URL = f"{PG_SERVER}/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/5"

BASELINE_CHANGE = "bench_baseline"
GOAL_RATIO = 2.0

# The summaries (ours, baseline) of the last run of ``main``, for ``bench/run.py``.
last_run: tuple[Summary, Summary] | None = None


# --- numbers ----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


@dataclass
class Round:
    """One announcement: who had it, and when (perf_counter)."""

    kind: str  # "ours" or "baseline"
    change: str  # the ``change`` field the clients wait for
    expected: int  # clients that connected: each should get the frame
    waiting_for: int  # those of them still open when the round started
    t0: float = 0.0
    sent_at: float | None = None  # when the group_send to the statement's group began
    bell_pushes: int = 0  # group_sends to people's bells before it, in this round
    received: dict[int, float] = field(default_factory=dict)
    done: threading.Event = field(default_factory=threading.Event)

    def latencies(self) -> list[float]:
        return [t - self.t0 for t in self.received.values()]

    @property
    def lost(self) -> int:
        return self.expected - len(self.received)


# --- the clients --------------------------------------------------------------------------------


@dataclass
class Client:
    index: int
    person_id: int
    url: str
    origin: str
    cookie: str
    ws: Any = None
    task: asyncio.Task[None] | None = None
    others: dict[str, int] = field(default_factory=dict)  # channel → person, of other pages
    close_code: int | None = None
    close_reason: str = ""
    connect_error: str = ""
    frames: Counter[str] = field(default_factory=Counter)

    @property
    def open(self) -> bool:
        return self.ws is not None and self.close_code is None


class Fleet:
    """Every client, in one asyncio loop running in a background thread.

    Only the loop's thread changes the clients; the main thread reads counters.
    """

    def __init__(self, clients: list[Client], connect_concurrency: int) -> None:
        self.clients = clients
        self.connect_concurrency = connect_concurrency
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.round: Round | None = None
        self.last_presence = time.perf_counter()
        self.known = 0  # (open client, other page) pairs the open clients know of
        self.open = 0
        self.connected = 0
        self.stray: Counter[str] = Counter()  # statement frames matching no open round

    def start(self) -> None:
        self.thread.start()

    def run(self, coroutine: Any, timeout: float | None = None) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    # Called from the main thread.
    def connect(self, clients: list[Client]) -> None:
        self.run(self._connect_many(clients))

    def presence_complete(self) -> bool:
        return self.known >= self.open * (self.open - 1)

    def presence_pairs(self) -> tuple[int, int]:
        """(pairs known, pairs expected) among open clients, by person, exactly."""
        open_clients = [c for c in self.clients if c.open]
        people = {c.person_id for c in open_clients}
        known = sum(len(set(c.others.values()) & people - {c.person_id}) for c in open_clients)
        return known, len(open_clients) * (len(open_clients) - 1)

    def start_round(self, kind: str, change: str) -> Round:
        current = Round(kind=kind, change=change, expected=self.connected, waiting_for=self.open)
        if current.waiting_for == 0:
            current.done.set()
        self.round = current
        return current

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.run(self._close_all(), timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    # In the loop's thread.
    async def _connect_many(self, clients: list[Client]) -> None:
        gate = asyncio.Semaphore(self.connect_concurrency)
        await asyncio.gather(*(self._connect(client, gate) for client in clients))

    async def _connect(self, client: Client, gate: asyncio.Semaphore) -> None:
        from websockets.asyncio.client import connect
        from websockets.typing import Origin

        async with gate:
            try:
                client.ws = await connect(
                    client.url,
                    origin=Origin(client.origin),
                    additional_headers={"Cookie": client.cookie},
                    compression=None,
                    proxy=None,
                    ping_interval=None,
                    open_timeout=120,
                    close_timeout=2,
                )
            except Exception as error:
                client.connect_error = f"{type(error).__name__}: {error}"
                return
        self.connected += 1
        self.open += 1
        client.task = asyncio.create_task(self._read(client))

    async def _read(self, client: Client) -> None:
        from websockets.exceptions import ConnectionClosed

        ws = client.ws
        try:
            async for raw in ws:
                now = time.perf_counter()
                frame = json.loads(raw)
                kind = frame.get("type")
                client.frames[str(kind)] += 1
                if kind == "statement":
                    self._on_statement(client, frame, now)
                elif kind == "presence" and frame.get("change") == "list":
                    # Who was already here when this page arrived, in one frame.
                    self.last_presence = now
                    for person in frame["people"]:
                        if person["channel"] not in client.others:
                            self.known += 1
                        client.others[person["channel"]] = person["id"]
                elif kind == "presence":
                    self.last_presence = now
                    channel = frame["channel"]
                    if frame.get("change") == "join":
                        if channel not in client.others:
                            self.known += 1
                        client.others[channel] = frame["id"]
                    elif client.others.pop(channel, None) is not None:
                        self.known -= 1
        except ConnectionClosed:
            pass
        finally:
            client.close_code = ws.close_code if ws.close_code is not None else -1
            client.close_reason = ws.close_reason or ""
            self.open -= 1
            self.known -= len(client.others)
            current = self.round
            if current is not None and len(current.received) >= self.open:
                current.done.set()

    def _on_statement(self, client: Client, frame: dict[str, Any], now: float) -> None:
        current = self.round
        if current is None or frame.get("change") != current.change:
            self.stray[str(frame.get("change"))] += 1
            return
        if client.index in current.received:
            self.stray["duplicate"] += 1
            return
        current.received[client.index] = now
        if len(current.received) >= min(current.waiting_for, self.open):
            current.done.set()

    async def _close_all(self) -> None:
        async def close(client: Client) -> None:
            if client.ws is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(client.ws.close(), 3)

        await asyncio.gather(*(close(c) for c in self.clients))
        tasks = [c.task for c in self.clients if c.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def settle(fleet: Fleet, timeout: float, quiet: float) -> bool:
    """Wait until every open client knows every other (True), or presence has been quiet for
    ``quiet`` seconds, or ``timeout`` has passed (False)."""
    started = time.perf_counter()
    while not fleet.presence_complete():
        now = time.perf_counter()
        if now - fleet.last_presence > quiet or now - started > timeout:
            return False
        time.sleep(0.01)
    return True


@dataclass
class ConnectPhase:
    seconds: float
    complete: bool
    pairs_known: int
    pairs_expected: int
    presence_frames: int
    failures: Counter[str]
    closed: Counter[int | None]


def connect_everyone(fleet: Fleet, batch: int, settle_timeout: float) -> ConnectPhase:
    started = time.perf_counter()
    complete = True
    if batch <= 0:
        fleet.connect(fleet.clients)
        complete = settle(fleet, settle_timeout, quiet=5.0)
    else:
        for first in range(0, len(fleet.clients), batch):
            fleet.connect(fleet.clients[first : first + batch])
            complete = settle(fleet, settle_timeout, quiet=2.0) and complete
    seconds = time.perf_counter() - started
    known, expected = fleet.presence_pairs()
    return ConnectPhase(
        seconds=seconds,
        complete=complete and known >= expected,
        pairs_known=known,
        pairs_expected=expected,
        presence_frames=sum(c.frames["presence"] for c in fleet.clients),
        failures=Counter(c.connect_error for c in fleet.clients if c.connect_error),
        closed=Counter(c.close_code for c in fleet.clients if c.ws is not None and not c.open),
    )


# --- servers ------------------------------------------------------------------------------------


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def start_servers(count: int, log_dir: Path) -> list[Process]:
    env = {
        "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        # channels_redis reports messages dropped at a full channel at INFO only.
        "ACCORD_LOG_LEVEL": "INFO",
    }
    return [start_daphne(port, log_dir / f"daphne-{port}.log", env) for port in free_ports(count)]


SERVER_LOG_PATTERNS = {
    "exceptions in a consumer": r"Exception inside application",
    "of them ChannelFull": r"channels\.exceptions\.ChannelFull",
    "group_sends over capacity": r"channels over capacity in group",
}


def server_log_counts(servers: list[Process]) -> dict[str, int]:
    """How often the servers' logs say a consumer died or a message was dropped."""
    counts = dict.fromkeys(SERVER_LOG_PATTERNS, 0)
    for server in servers:
        text = server.log.read_text(errors="replace") if server.log.exists() else ""
        for name, pattern in SERVER_LOG_PATTERNS.items():
            counts[name] += len(re.findall(pattern, text))
    return counts


# --- database, Redis and Django -----------------------------------------------------------------


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DB_NAME}")


def drop_database() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def flush_redis() -> None:
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.flushdb()
    finally:
        connection.close()


def setup_django(settings: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["REDIS_URL"] = REDIS_URL
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


class OverCapacity(logging.Handler):
    """Counts channels_redis's "N of M channels over capacity" reports in this process."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "over capacity" in record.getMessage():
            self.count += 1


class SendLog:
    """Wraps this process's channel layer's ``group_send`` to note when each call starts.

    Measurement only: the app's code runs unchanged, through the same layer instance.
    """

    def __init__(self) -> None:
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        assert layer is not None, "the benchmark needs a channel layer"
        self.calls: list[tuple[float, str]] = []
        original = layer.group_send

        async def group_send(group: str, message: dict[str, Any]) -> None:
            self.calls.append((time.perf_counter(), group))
            await original(group, message)

        setattr(layer, "group_send", group_send)  # noqa: B010
        self.layer = layer

    def mark(self) -> int:
        return len(self.calls)

    def attribute(self, current: Round, since: int, group: str) -> None:
        for at, name in self.calls[since:]:
            if name == group:
                current.sent_at = at
                break
            if name.startswith("user."):
                current.bell_pushes += 1


@dataclass
class Scene:
    statement_id: int
    signatory: Any
    statement: Any
    people: list[tuple[int, str]]  # (user id, session cookie) of each viewer
    baseline_payload: dict[str, Any]


TEXT = """# Joint statement on a benchmark

The members of the coalition,

1. *Recalling* that the same rights that people have offline must also be protected online;

2. *Call upon* all states to refrain from shutting down access to the internet.
"""


def seed(viewers: int) -> Scene:
    """A statement in sign-on, a Kenyan signatory, and ``viewers`` delegates logged in."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from delegations import actions as delegation_actions
    from delegations.models import Body, Delegation, User
    from drafts.live import state_name
    from drafts.models import Statement
    from workflow import actions
    from workflow.models import Signature

    def person(email: str, role: str, code: str) -> User:
        return delegation_actions.add_person(
            None,
            email=email,
            full_name=email.split("@")[0].replace(".", " ").title(),
            role=role,
            delegation=Delegation.objects.get(code=code),
            password=None,
        )

    plenary = delegation_actions.create_body(None, name="Plenary", kind=Body.Kind.PLENARY)
    chair = person("chair@bench.accord.example", User.Role.DELEGATE, "DE")
    delegation_actions.set_chairs(None, plenary, chairs=[chair])
    chair.refresh_from_db()
    pen_delegate = person("delegate.ca@bench.accord.example", User.Role.DELEGATE, "CA")
    signatory = person("signatory.ke@bench.accord.example", User.Role.SIGNATORY, "KE")

    statement = actions.create_statement(
        pen_delegate,
        title="Joint statement on a benchmark",
        kind=Statement.Kind.JOINT_STATEMENT,
        body=plenary,
        pen_holders=[Delegation.objects.get(code="NL")],
        text=TEXT,
    )
    later = timezone.now() + timedelta(days=7)
    statement = actions.open_consultation(chair, statement, deadline=later + timedelta(days=3))
    statement = actions.open_sign_on(chair, statement, deadline=later)

    # Viewers: delegates spread over every member delegation, made in bulk (add_person for
    # each would be slow), put in their delegation's group as sync_groups would.
    members = list(Delegation.objects.filter(is_member=True).order_by("code"))
    people = []
    for number in range(viewers):
        viewer = User(
            email=f"viewer{number:04d}@bench.accord.example",
            full_name=f"Viewer {number:04d}",
            role=User.Role.DELEGATE,
            delegation=members[number % len(members)],
        )
        viewer.set_unusable_password()
        people.append(viewer)
    User.objects.bulk_create(people)
    membership = User.groups.through
    membership.objects.bulk_create(
        membership(user_id=viewer.pk, group_id=members[number % len(members)].group_id)
        for number, viewer in enumerate(people)
    )

    # Logged in: a session row each, as django.contrib.auth.login would write it.
    store = SessionStore()
    expires = timezone.now() + timedelta(days=1)
    keys = [get_random_string(32, string.ascii_lowercase + string.digits) for _ in people]
    Session.objects.bulk_create(
        Session(
            session_key=key,
            session_data=store.encode(
                {
                    "_auth_user_id": str(viewer.pk),
                    "_auth_user_backend": "delegations.backends.PersonBackend",
                    "_auth_user_hash": viewer.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
        )
        for key, viewer in zip(keys, people, strict=True)
    )

    fresh = Statement.objects.select_related("current_revision").get(pk=statement.pk)
    # What workflow.live.announce sends, field for field, with a change of our own.
    baseline_payload = {
        "type": "statement.changed",
        "statement": fresh.pk,
        "change": BASELINE_CHANGE,
        "state": fresh.state,
        "state_label": state_name(fresh.state),
        "state_changed": False,
        "revision": fresh.current_revision.number if fresh.current_revision else None,
        "signed": Signature.objects.filter(statement=fresh, status=Signature.Status.SIGNED).count(),
        "actor": f"{signatory} ({signatory.delegation})",
    }
    return Scene(
        statement_id=fresh.pk,
        signatory=signatory,
        statement=fresh,
        people=[(viewer.pk, f"sessionid={key}") for key, viewer in zip(keys, people, strict=True)],
        baseline_payload=baseline_payload,
    )


# --- the rounds ---------------------------------------------------------------------------------


def ours_round(fleet: Fleet, sends: SendLog, scene: Scene, number: int, timeout: float) -> Round:
    """Sign on (even numbers) or withdraw (odd): t0 at commit, before the action's callbacks."""
    from django.db import transaction

    from delegations import two_factor
    from workflow import actions
    from workflow.live import statement_group

    def sign(person: Any, statement: Any) -> Any:
        return actions.sign_on(person, statement, proof=two_factor.operator_proof(person))

    act: Callable[[Any, Any], Any]
    change = "sign_on" if number % 2 == 0 else "withdraw_signature"
    act = sign if number % 2 == 0 else actions.withdraw_signature
    current = fleet.start_round("ours", change)
    since = sends.mark()

    def committed() -> None:
        current.t0 = time.perf_counter()

    with transaction.atomic():
        transaction.on_commit(committed)  # registered first, so run first
        act(scene.signatory, scene.statement)
    current.done.wait(timeout)
    fleet.round = None
    sends.attribute(current, since, statement_group(scene.statement_id))
    return current


def baseline_round(fleet: Fleet, sends: SendLog, scene: Scene, timeout: float) -> Round:
    """A bare group_send of the same payload to the same group, from the same thread."""
    from asgiref.sync import async_to_sync

    from workflow.live import statement_group

    group = statement_group(scene.statement_id)
    current = fleet.start_round("baseline", BASELINE_CHANGE)
    since = sends.mark()
    current.t0 = time.perf_counter()
    async_to_sync(sends.layer.group_send)(group, scene.baseline_payload)
    current.done.wait(timeout)
    fleet.round = None
    sends.attribute(current, since, group)
    return current


@dataclass
class Summary:
    p50_last: float
    p95_last: float
    p50_median: float
    p50_to_send: float  # t0 → the group_send to the statement's group begins
    p50_send_to_last: float  # that → the last client
    bell_pushes: float  # group_sends to bells before it, per round
    lost: int
    owed: int

    @classmethod
    def of(cls, rounds: list[Round]) -> Summary:
        heard = [r for r in rounds if r.received]
        sent = [r for r in heard if r.sent_at is not None]
        return cls(
            p50_last=percentile([max(r.latencies()) for r in heard], 50),
            p95_last=percentile([max(r.latencies()) for r in heard], 95),
            p50_median=percentile([statistics.median(r.latencies()) for r in heard], 50),
            p50_to_send=percentile([r.sent_at - r.t0 for r in sent if r.sent_at], 50),
            p50_send_to_last=percentile(
                [max(r.received.values()) - r.sent_at for r in sent if r.sent_at], 50
            ),
            bell_pushes=statistics.mean(r.bell_pushes for r in rounds) if rounds else 0,
            lost=sum(r.lost for r in rounds),
            owed=sum(r.expected for r in rounds),
        )


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time from a sign-on's commit to the last of N WebSocket pages, "
        "against a bare group_send."
    )
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=20, help="counted rounds of each kind")
    parser.add_argument("--servers", type=int, default=2, help="daphne processes")
    parser.add_argument("--warmup", type=int, default=2, help="uncounted rounds of each kind")
    parser.add_argument(
        "--timeout", type=float, default=10, help="seconds a round waits for the last client"
    )
    parser.add_argument(
        "--connect-batch",
        type=int,
        default=2,
        help="clients that connect together before waiting for presence to settle (0: all at once)",
    )
    parser.add_argument(
        "--connect-concurrency",
        type=int,
        default=50,
        help="WebSocket handshakes in flight at once",
    )
    parser.add_argument(
        "--settings",
        default="config.settings",
        help="settings module of this process and the servers (to try a change of settings)",
    )
    parser.add_argument(
        "--settle-timeout",
        type=float,
        default=600,
        help="most seconds to wait for presence to settle (per batch)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    global last_run
    args = parse_args(argv)
    log_dir = Path(tempfile.mkdtemp(prefix="accord-bench-"))
    over_capacity = OverCapacity()
    channels_redis_log = logging.getLogger("channels_redis")
    channels_redis_log.addHandler(over_capacity)
    channels_redis_log.setLevel(logging.INFO)
    channels_redis_log.propagate = False  # counted and reported below, not printed each time

    print(
        f"notify_fanout: {args.clients} clients, {args.servers} daphne processes, "
        f"{args.rounds} rounds of each kind (+{args.warmup} warm-up), "
        f"PostgreSQL {DB_NAME}, Redis {REDIS_URL}",
        flush=True,
    )
    servers: list[Process] = []
    fleet: Fleet | None = None
    database_made = False
    try:
        flush_redis()
        started = time.perf_counter()
        recreate_database()
        database_made = True
        setup_django(args.settings)
        scene = seed(args.clients)
        sends = SendLog()
        print(
            f"set-up: database migrated and seeded in {time.perf_counter() - started:.1f} s "
            f"(statement {scene.statement_id} in sign-on)",
            flush=True,
        )

        servers = start_servers(args.servers, log_dir)
        wait_listening(servers)
        clients = []
        for number, (person_id, cookie) in enumerate(scene.people):
            port = servers[number % len(servers)].port
            clients.append(
                Client(
                    index=number,
                    person_id=person_id,
                    url=f"ws://127.0.0.1:{port}/ws/statements/{scene.statement_id}/",
                    origin=f"http://127.0.0.1:{port}",
                    cookie=cookie,
                )
            )
        fleet = Fleet(clients, args.connect_concurrency)
        fleet.start()
        phase = connect_everyone(fleet, args.connect_batch, args.settle_timeout)
        print_connect_phase(args, fleet, phase)
        if fleet.open == 0:
            print("no client is connected; nothing to measure")
            return 0

        ours: list[Round] = []
        baseline: list[Round] = []
        started = time.perf_counter()
        for number in range(args.warmup + args.rounds):
            # Alternate which goes first, so neither always follows the other.
            if number % 2 == 0:
                pair = (
                    ours_round(fleet, sends, scene, number, args.timeout),
                    baseline_round(fleet, sends, scene, args.timeout),
                )
            else:
                pair = (
                    baseline_round(fleet, sends, scene, args.timeout),
                    ours_round(fleet, sends, scene, number, args.timeout),
                )
            if number >= args.warmup:
                for current in pair:
                    (ours if current.kind == "ours" else baseline).append(current)
            time.sleep(0.05)

        rounds_took = time.perf_counter() - started
        time.sleep(1)  # let stragglers arrive, to count them
        last_run = report(args, fleet, ours, baseline, over_capacity.count, servers)
        print(
            f"time: connecting {phase.seconds:.1f} s, the {2 * (args.warmup + args.rounds)} rounds "
            f"{rounds_took:.1f} s"
            + (
                " (connecting is the bottleneck: every page that joins is announced to every "
                "page already there, N² presence frames in all)"
                if phase.seconds > rounds_took
                else ""
            )
        )
        return 0
    finally:
        if servers:
            stop(servers)
        if fleet is not None:
            fleet.stop()
        if database_made:
            drop_database()
        flush_redis()
        if servers:
            print(f"server logs: {log_dir}")


def print_connect_phase(args: argparse.Namespace, fleet: Fleet, phase: ConnectPhase) -> None:
    how = (
        f"all at once, {args.connect_concurrency} handshakes in flight"
        if args.connect_batch <= 0
        else f"{args.connect_batch} at a time, each batch waiting for presence to settle"
    )
    print(
        f"connect: {fleet.connected}/{args.clients} connected ({how}) in {phase.seconds:.1f} s; "
        f"presence {'complete' if phase.complete else 'INCOMPLETE'}: "
        f"{phase.pairs_known}/{phase.pairs_expected} (page, other page) pairs known "
        f"among open pages, {phase.presence_frames} presence frames",
        flush=True,
    )
    for error, count in phase.failures.most_common(5):
        print(f"  connect failed x{count}: {error}")
    if phase.closed:
        print(
            f"  WARNING: the servers closed {sum(phase.closed.values())} pages while they "
            f"connected (close codes {dict(phase.closed)}); see the server log counts below"
        )


def report(
    args: argparse.Namespace,
    fleet: Fleet,
    ours: list[Round],
    baseline: list[Round],
    over_capacity_here: int,
    servers: list[Process],
) -> tuple[Summary, Summary]:
    a, b = Summary.of(ours), Summary.of(baseline)
    ratio50 = a.p50_last / b.p50_last if b.p50_last else float("nan")
    ratio95 = a.p95_last / b.p95_last if b.p95_last else float("nan")
    print()
    print(
        f"{args.clients} clients, {args.servers} servers, {len(ours)} rounds of each kind: "
        "t0 → last client"
    )
    header = ("", "p50 last", "p95 last", "p50 median", "t0→send", "send→last", "lost")
    row = "{:<24}{:>11}{:>11}{:>12}{:>10}{:>11}   {}"
    print(row.format(*header))
    for name, s in (("ours (commit → pages)", a), ("baseline (group_send)", b)):
        print(
            row.format(
                name,
                ms(s.p50_last),
                ms(s.p95_last),
                ms(s.p50_median),
                ms(s.p50_to_send),
                ms(s.p50_send_to_last),
                f"{s.lost}/{s.owed}",
            )
        )
    print(f"ratio ours / baseline: p50 {ratio50:.2f}, p95 {ratio95:.2f}")
    print(f"lost messages: ours {a.lost}, baseline {b.lost}")
    print(
        f"(t0→send: until the group_send to the statement's group began; ours first sent "
        f"{a.bell_pushes:.0f} notification pushes to bells per round)"
    )

    closed = Counter(c.close_code for c in fleet.clients if c.ws is not None and not c.open)
    print(
        f"pages still open: {fleet.open}/{fleet.connected}"
        + (f"; closed by the servers: {dict(closed)}" if closed else "")
    )
    if fleet.stray:
        print(f"late or unexpected statement frames: {dict(fleet.stray)}")
    logs = server_log_counts(servers)
    print(
        "server logs: "
        + ", ".join(f"{name} {count}" for name, count in logs.items())
        + f"; over-capacity reports from this process: {over_capacity_here}"
    )
    met = a.lost == 0 and ratio50 < GOAL_RATIO and ratio95 < GOAL_RATIO
    print(f"goal (0 lost, ratio < {GOAL_RATIO:g}): {'goal met' if met else 'goal missed'}")
    return a, b


if __name__ == "__main__":
    sys.exit(main())
