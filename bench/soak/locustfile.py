"""The soak test's simulated delegates, for Locust. Run by ``bench/soak/run.py``, never
imported by Django code or tests (Locust patches the standard library with gevent).

Each simulated person logs in once (e-mail and password at ``/accounts/login/``; signatories
then give the current code of their authenticator app at ``/accounts/login/code/``), then walks
the journey again and again, thinking between steps (``SOAK_THINK`` seconds, "min,max"):

1. the dashboard (``GET /``);
2. a consultation statement their delegation sees (``GET /statements/<pk>/``);
3. a comment on one of its paragraphs (``POST …/paragraphs/<key>/comment/``, with the CSRF
   token): the answer is a redirect to the statement page at ``#c-<comment id>``;
4. signatories only, while their list lasts: a sign-on statement their delegation has not
   answered, opened and signed (``POST /statements/<pk>/sign-on/``). One signatory per
   delegation, so no signature is ever refused as a second one.

People and statements come from ``SOAK_PEOPLE`` (a JSON file that ``run.py`` writes); every
comment and signature the server confirms is appended to ``SOAK_SUCCESSES`` (one JSON object a
line) for ``run.py`` to look for in the database afterwards.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import threading
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task
from locust.exception import StopUser

PEOPLE: list[dict[str, Any]] = json.loads(Path(os.environ["SOAK_PEOPLE"]).read_text())
SUCCESSES = Path(os.environ["SOAK_SUCCESSES"])
THINK = [float(x) for x in os.environ.get("SOAK_THINK", "1,3").split(",")]
next_person = itertools.count()
write_lock = threading.Lock()
COMMENT_ID = re.compile(r"#c-(\d+)$")


def totp(key: str, at: float | None = None) -> str:
    """The six-digit TOTP code of the hex ``key`` now: SHA-1, 30-second steps."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def note(**success: Any) -> None:
    with write_lock, SUCCESSES.open("a", encoding="utf-8") as out:
        out.write(json.dumps(success) + "\n")


class Delegate(HttpUser):
    wait_time = between(THINK[0], THINK[1])

    def on_start(self) -> None:
        number = next(next_person)
        if number >= len(PEOPLE):
            raise StopUser()
        self.person = PEOPLE[number]
        self.rng = random.Random(number)
        self.to_sign: list[int] = list(self.person["sign"])
        self.client.get("/accounts/login/", name="log in (form)")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.person["email"],
                "password": self.person["password"],
                "csrfmiddlewaretoken": self.csrf(),
            },
            allow_redirects=False,
            name="log in",
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "sessionid" not in self.client.cookies:
                response.failure(f"log-in as {self.person['email']}: {response.status_code}")
                raise StopUser()
        if self.person.get("totp_key"):
            self.second_factor(self.person["totp_key"])

    def second_factor(self, key: str) -> None:
        """The code from the authenticator app, as the app computes it (RFC 6238)."""
        self.client.get("/accounts/login/code/", name="log in (code form)")
        with self.client.post(
            "/accounts/login/code/",
            data={"code": totp(key), "csrfmiddlewaretoken": self.csrf()},
            allow_redirects=False,
            name="log in (code)",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"code for {self.person['email']}: {response.status_code}")
                raise StopUser()

    def csrf(self) -> str:
        return str(self.client.cookies.get("csrftoken", ""))

    @task
    def journey(self) -> None:
        self.client.get("/", name="dashboard")
        self.wait()
        statement, key, revision = self.rng.choice(self.person["consult"])
        self.client.get(f"/statements/{statement}/", name="statement")
        self.wait()
        self.comment(statement, key, revision)
        if self.to_sign:
            self.wait()
            self.sign(self.to_sign.pop(0))

    def comment(self, statement: int, key: str, revision: int) -> None:
        with self.client.post(
            f"/statements/{statement}/paragraphs/{key}/comment/",
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "revision": str(revision),
                "quote": "",
                "body": f"Soak comment by {self.person['email']}: we support this wording.",
            },
            allow_redirects=False,
            name="comment",
            catch_response=True,
        ) as response:
            found = COMMENT_ID.search(response.headers.get("Location", ""))
            if response.status_code != 302 or found is None:
                response.failure(f"comment: {response.status_code}")
                return
            note(kind="comment", id=int(found.group(1)), statement=statement,
                 email=self.person["email"])  # fmt: skip

    def sign(self, statement: int) -> None:
        self.client.get(f"/statements/{statement}/", name="statement (sign-on)")
        self.wait()
        with self.client.post(
            f"/statements/{statement}/sign-on/",
            data={"csrfmiddlewaretoken": self.csrf()},
            allow_redirects=False,
            name="sign on",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign on: {response.status_code}")
                return
            note(kind="signature", statement=statement, delegation=self.person["delegation"],
                 email=self.person["email"])  # fmt: skip
