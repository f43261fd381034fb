"""The production layout, run for real on loopback: three ASGI workers behind nginx, with the
repo's proxy rules (deploy/nginx/snippets/accord-proxy.conf), PostgreSQL and Redis.

A signatory signs through one worker; a page whose socket another worker holds sees the
signature arrive. Needs PostgreSQL (DATABASE_URL), Redis (REDIS_URL) and nginx: skipped
without them, unless ``ACCORD_REQUIRE_SCALE_OUT=1`` (as in CI) makes them required.
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import ExitStack
from functools import partial
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from daphne.testing import DaphneProcess
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as websocket
from websockets.typing import Origin

from bench.common import loopback_nginx_config
from delegations.models import User
from drafts.models import Statement
from tests.conftest import PASSWORD, StatementMaker, second_factor_device, totp_code
from tests.e2e.conftest import use_database
from workflow.models import Signature

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
# nginx names the worker that served each response; only in this test's server block.
UPSTREAM_HEADER = "X-Accord-Upstream"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def required(available: bool, message: str) -> None:
    """Skip without the service, or fail under ``ACCORD_REQUIRE_SCALE_OUT=1``."""
    if available:
        return
    if os.environ.get("ACCORD_REQUIRE_SCALE_OUT") == "1":
        pytest.fail(f"ACCORD_REQUIRE_SCALE_OUT=1 but {message}", pytrace=False)
    pytest.skip(message)


def nginx_executable() -> str | None:
    found = shutil.which("nginx")
    if found is None and os.access("/usr/sbin/nginx", os.X_OK):
        found = "/usr/sbin/nginx"
    return found


@pytest.fixture
def nginx_path() -> str:
    """The services the layout needs, checked before any database is set up."""
    required(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        "the scale-out test needs PostgreSQL (set DATABASE_URL)",
    )
    required(
        "redis" in str(settings.CHANNEL_LAYERS["default"]["BACKEND"]).lower(),
        "the scale-out test needs the Redis channel layer (set REDIS_URL)",
    )
    executable = nginx_executable()
    required(executable is not None, "no nginx: install Debian's nginx-light")
    assert executable is not None
    return executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fresh_application() -> Any:
    """The application a production worker runs, built in the worker itself, so WhiteNoise
    reads the static files collected for this test."""
    import config.asgi

    return importlib.reload(config.asgi).application


def prepare_worker(database: str) -> None:
    """In the forked worker: the tests' database, and warnings as a production worker has
    them. WhiteNoise (6.x) hands Django a synchronous file iterator, which Django serves over
    ASGI with a warning; the tests' "warnings are errors" would turn each static file into a
    500 that production never sends."""
    use_database(database)
    warnings.filterwarnings(
        "ignore", message="StreamingHttpResponse must consume synchronous iterators"
    )


def start_worker(stack: ExitStack, database: str) -> int:
    """One daphne worker process on a free loopback port, on the tests' database."""
    worker = DaphneProcess("127.0.0.1", fresh_application, setup=partial(prepare_worker, database))
    worker.start()

    def stop() -> None:
        worker.terminate()
        worker.join(timeout=10)
        if worker.is_alive() and worker.pid is not None:
            os.kill(worker.pid, signal.SIGKILL)

    stack.callback(stop)
    if not worker.ready.wait(timeout=30):
        pytest.fail("an ASGI worker did not start within 30 s")
    port: int = worker.port.value
    return port


def start_nginx(stack: ExitStack, executable: str, config: Path, tmp_path: Path, port: int) -> str:
    checked = subprocess.run(
        [executable, "-t", "-c", str(config), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [executable, "-c", str(config), "-p", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    stack.callback(stop)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return f"127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    log = (tmp_path / "error.log").read_text() if (tmp_path / "error.log").exists() else ""
    pytest.fail(f"nginx did not start:\n{log}")


@pytest.fixture
def behind_nginx(
    nginx_path: str, transactional_db: None, tmp_path: Path, settings: Any
) -> Iterator[str]:
    """Three workers behind nginx; yields nginx's address. Every process stops at the end,
    whatever happened."""
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)
    database = connections["default"].settings_dict["NAME"]
    with ExitStack() as stack:
        workers = [start_worker(stack, database) for _ in range(WORKERS)]
        port = free_port()
        config = loopback_nginx_config(
            tmp_path / "nginx",
            port,
            workers,
            f"add_header {UPSTREAM_HEADER} $upstream_addr always;",
        )
        yield start_nginx(stack, nginx_path, config, tmp_path / "nginx", port)
    # The workers' database connections are gone with them; close this thread's too, so the
    # test database can be flushed and dropped.
    connections.close_all()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """One person's cookies, talking HTTP to nginx; remembers which worker served each answer."""

    def __init__(self, address: str, served: list[str]) -> None:
        self.base = f"http://{address}"
        self.cookies = CookieJar()
        self.served = served
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(self, path: str, form: dict[str, str] | None = None) -> tuple[int, Any, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=data)
        if form is not None:
            request.add_header("Origin", self.base)
            request.add_header("Referer", f"{self.base}{path}")
        try:
            with self.opener.open(request, timeout=20) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as answer:
            status, headers, body = answer.code, answer.headers, answer.read()
        self.served.append(headers[UPSTREAM_HEADER])
        return status, headers, body.decode("utf-8", "replace")

    def csrf_token(self, path: str) -> str:
        status, _, page = self.request(path)
        assert status == 200, (path, status)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found is not None, f"no CSRF token on {path}"
        return found.group(1)

    def log_in(self, user: User) -> None:
        """Password, then (for a role that requires it) the authenticator app's code."""
        device = second_factor_device(user)
        token = self.csrf_token("/accounts/login/")
        status, headers, _ = self.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": user.email, "password": PASSWORD},
        )
        assert status == 302, "logging in through nginx failed"
        assert headers["Location"] == "/"
        if device is not None:
            token = self.csrf_token("/accounts/login/code/")
            status, headers, _ = self.request(
                "/accounts/login/code/",
                {"csrfmiddlewaretoken": token, "code": totp_code(device), "next": "/"},
            )
            assert status == 302, "the two-factor code was refused through nginx"
            assert headers["Location"] == "/"

    def cookie(self, name: str) -> str:
        return next(c.value or "" for c in self.cookies if c.name == name)

    def open_socket(self, stack: ExitStack, path: str) -> tuple[ClientConnection, str]:
        """Connect to ``path``; the socket closes when ``stack`` does. Returns the socket and
        the worker that holds it."""
        connection = stack.enter_context(
            websocket(
                f"ws://{self.base.removeprefix('http://')}{path}",
                origin=Origin(self.base),
                additional_headers={"Cookie": f"sessionid={self.cookie('sessionid')}"},
                open_timeout=15,
            )
        )
        assert connection.response is not None
        upstream = connection.response.headers[UPSTREAM_HEADER]
        self.served.append(upstream)
        return connection, upstream


def next_event(connection: ClientConnection, kind: str, timeout: float = 15) -> dict[str, Any]:
    """The next frame of ``kind`` on the socket (presence frames come and go meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no {kind!r} event within {timeout} s"
        message: dict[str, Any] = json.loads(connection.recv(timeout=remaining))
        if message["type"] == kind:
            return message


@pytest.fixture
def in_sign_on(make_statement: StatementMaker) -> Statement:
    """A statement in sign-on that France has signed."""
    return make_statement(Statement.State.SIGN_ON)


def test_a_signature_through_one_worker_reaches_a_page_on_another(
    in_sign_on: Statement, chair: User, other_signatory: User, behind_nginx: str
) -> None:
    served: list[str] = []
    chair_browser = Browser(behind_nginx, served)
    signatory_browser = Browser(behind_nginx, served)
    chair_browser.log_in(chair)
    signatory_browser.log_in(other_signatory)
    page = f"/statements/{in_sign_on.pk}/"
    socket_path = f"/ws/statements/{in_sign_on.pk}/"

    # Open the statement's socket until two are held by two different workers.
    sockets: dict[str, ClientConnection] = {}
    with ExitStack() as open_sockets:
        for attempt in range(2 * WORKERS):
            browser = chair_browser if attempt % 2 == 0 else signatory_browser
            opened, upstream = browser.open_socket(open_sockets, socket_path)
            if upstream in sockets:
                opened.close()
                continue
            sockets[upstream] = opened
            if len(sockets) == 2:
                break
        assert len(sockets) == 2, f"every socket went to the same worker: {served}"

        # nginx takes the workers in turn: load the page until the next request goes to the
        # third worker, so the signature comes in where no socket is held (if the turn allows).
        following = dict(itertools.pairwise(served))
        token = signatory_browser.csrf_token(page)
        for _ in range(WORKERS):
            if following.get(served[-1]) not in sockets:
                break
            token = signatory_browser.csrf_token(page)
        status, headers, _ = signatory_browser.request(
            f"{page}sign-on/", {"csrfmiddlewaretoken": token}
        )
        assert status == 302, "signing on through nginx failed"
        assert headers["Location"] == page
        signed_through = served[-1]
        print(f"[scale-out] sockets held by {sorted(sockets)}; signed through {signed_through}")

        others = {upstream: s for upstream, s in sockets.items() if upstream != signed_through}
        assert others, "no socket on a worker other than the one that took the signature"
        for upstream, held in others.items():
            event = next_event(held, "statement")
            assert (event["change"], event["signed"]) == ("sign_on", 2), upstream
        assert len(set(served)) == WORKERS, f"not every worker served: {served}"

    assert Signature.objects.filter(
        statement=in_sign_on,
        delegation=other_signatory.delegation,
        status=Signature.Status.SIGNED,
    ).exists()


def test_static_files_come_through_nginx_from_whitenoise(behind_nginx: str) -> None:
    served: list[str] = []
    visitor = Browser(behind_nginx, served)
    status, headers, body = visitor.request("/static/css/accord.css")
    assert status == 200
    assert body == (ROOT / "static" / "css" / "accord.css").read_text()
    assert headers["Content-Type"].startswith("text/css")
    # WhiteNoise's own headers, which Django's views would not send.
    assert "max-age=" in headers["Cache-Control"]
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert served[0].startswith("127.0.0.1:")
    assert connection.vendor == "postgresql"
