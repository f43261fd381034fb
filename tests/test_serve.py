"""``./accord serve``, the README's first command, is how a coalition first sees Accord: it
serves the site as a person should see it (DEBUG off, Accord's own error pages, styled),
with links in e-mails and feeds to the port it serves."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Setting up, migrating and seeding a fresh database comes first: on a busy machine, slowly.
READY_WITHIN = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "ACCORD_SQLITE_PATH": str(tmp_path / "served.sqlite3"),
        "DJANGO_DEBUG": "1",  # what serve must override unless --dev is given
    }
    env.pop("ACCORD_BASE_URL", None)
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        ["bash", str(ROOT / "accord"), "serve", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_WITHIN
        while True:
            assert process.poll() is None, "./accord serve stopped"
            try:
                if fetch(f"{base}/published/")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "./accord serve did not answer in time"
            time.sleep(0.5)  # polling a condition: the server answering
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def test_serve_shows_accord_as_a_person_should_see_it(served: str) -> None:
    status, page = fetch(f"{served}/no-such-page/")
    assert status == 404
    assert "There is nothing here" in page  # Accord's page...
    assert "URLconf" not in page and "Django" not in page  # ...not the technical one
    assert 'href="/static/css/accord.css"' in page
    assert fetch(f"{served}/static/css/accord.css")[0] == 200  # styled
    # Links that leave the site (e-mails, the feed) lead to the port served.
    status, feed = fetch(f"{served}/published/feed/")
    assert status == 200
    assert f"<id>{served}/published/" in feed or f'href="{served}/published/' in feed
