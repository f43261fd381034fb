"""A real Chromium, driven by Playwright's sync API, against pytest-django's live server.

Playwright's own browser download fails on this network, so the system's ``chromium`` is
launched in its place. Without one the browser tests are skipped, unless
``ACCORD_REQUIRE_BROWSER=1`` says they must run (as in CI), where a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest
from channels.testing.live import make_application
from daphne.testing import DaphneProcess
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from delegations.models import User
from tests.conftest import PASSWORD, second_factor_device, totp_code

# The sandbox needs privileges a container lacks; the rest keeps Chromium off the network,
# which is closed here, so it does not stall on update and sync checks.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"

# How long a test waits for a condition (an expectation, an action, a page) before it fails:
# waits end as soon as the condition holds, so patience costs nothing on a quiet machine and
# keeps a 2-core machine under other load (live updates cross a socket, a channel layer and
# a page fetch) from failing tests that are right.
PATIENCE = 60_000
expect.set_options(timeout=PATIENCE)

# The live server's listen queue: Python's default of 5 pending connections overflows when a
# slow machine lets Chromium's parallel requests (styles, scripts, the catalogue) pile up,
# and an overflowing connection is reset, failing a request that was right.
ThreadedWSGIServer.request_queue_size = 128


def chromium_path() -> str:
    """The system Chromium; skips the test, or fails it under ``ACCORD_REQUIRE_BROWSER=1``."""
    executable = shutil.which("chromium")
    if executable is None:
        message = "no `chromium` on PATH: install Debian's chromium to run the browser tests"
        if os.environ.get("ACCORD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ACCORD_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    return executable


@pytest.fixture
def page(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    """A fresh browser tab whose relative URLs go to the live server; closed after the test."""
    executable = chromium_path()
    # Playwright's sync API runs an event loop in this thread, and Django refuses database
    # access from a thread with a running loop unless told it is safe, as it is here: the
    # test code and Playwright take turns, never overlap.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(PATIENCE)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            # While that loop runs, Django keeps this thread's connections apart from the
            # ones it had before (asgiref's Local turns per-context), and its teardown never
            # sees them: close them here, or PostgreSQL refuses to drop the test database
            # that an idle connection still uses.
            connections.close_all()


def use_database(name: str) -> None:
    """Ready the forked server process: open the tests' database by its name, and start
    afresh what the fork copied but cannot share. Channel-layer connections: two processes
    reading one Redis socket steal each other's replies. asgiref's thread for database calls:
    only the forking thread survives a fork, so an executor made earlier (by the consumer
    tests) would take work and never run it."""
    from asgiref.sync import SyncToAsync
    from channels.layers import channel_layers
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = name
    channel_layers.backends = {}
    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)


@contextmanager
def running_asgi_server(port: int | None = None) -> Iterator[str]:
    """Accord served by daphne in its own process, WebSockets and all; yields its base URL.

    It opens the same test database (a file, for SQLite), so test data must be committed.
    ``port`` brings a stopped server back where open pages expect it (any free port if None).
    """
    server = DaphneProcess(
        "localhost",
        partial(make_application, static_wrapper=ASGIStaticFilesHandler),
        setup=partial(use_database, connections["default"].settings_dict["NAME"]),
        port=port,
    )
    server.start()
    if not server.ready.wait(timeout=PATIENCE / 1000 * 2):
        server.terminate()
        pytest.fail("the ASGI test server did not start in time")
    try:
        yield f"http://localhost:{server.port.value}"
    finally:
        server.terminate()
        server.join(timeout=10)


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[str]:
    """One ASGI server process."""
    with running_asgi_server() as url:
        yield url


@pytest.fixture
def second_asgi_server(transactional_db: None) -> Iterator[str]:
    """Another ASGI server process beside ``asgi_server``: only Redis joins the two."""
    if "redis" not in str(settings.CHANNEL_LAYERS["default"]["BACKEND"]).lower():
        pytest.skip("needs the Redis channel layer (set REDIS_URL) to join two processes")
    with running_asgi_server() as url:
        yield url


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """Chromium, for tests that need several people (contexts) at once."""
    executable = chromium_path()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
            connections.close_all()


# What the browser tests leave for a person to look at (screenshots, accessibility tables),
# printed again at the end of the run so that CI's log keeps it.
REPORT: list[str] = []


def report(text: str) -> None:
    """Print ``text`` now, and again in the summary at the end of the run."""
    print(text)
    REPORT.append(text)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.section("browser tests: screenshots and accessibility")
        for text in REPORT:
            terminalreporter.write_line(text)


def screenshot(page: Page, name: str) -> Path:
    """Save what the page shows to ``test-artifacts/e2e/<name>.png``, and say where."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    report(f"[e2e] screenshot: {path}")
    return path


def log_in(page: Page, user: User) -> None:
    """Log ``user`` in through the login page, as a person would, and land on the dashboard.

    A person whose role requires two-factor authentication gets an app (made here, once) and
    types its current code on the second page, as they would read it from their phone.
    """
    device = second_factor_device(user)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if device is not None:
        expect(page.get_by_role("heading", name="Your two-factor code")).to_be_visible()
        # A code is accepted once: forget the last one spent, so one person may log in
        # twice within the same 30 seconds (two tabs of one test).
        TOTPDevice.objects.filter(pk=device.pk).update(
            last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
        )
        device.refresh_from_db()
        page.get_by_label("Code").fill(totp_code(device))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="What needs you")).to_be_visible()


def person_in(browser: Browser, base_url: str, user: User) -> Page:
    """A browser context of its own (its own cookies) with ``user`` logged in."""
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(PATIENCE)
    page = context.new_page()
    log_in(page, user)
    return page
