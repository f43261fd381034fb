"""Settings come from the environment, and production passes Django's deployment checks."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "from django.db import connection;"
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
    " 'layer': settings.CHANNEL_LAYERS['default']['BACKEND'],"
    " 'debug': settings.DEBUG}))"
)


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def probe(env: dict[str, str]) -> dict[str, object]:
    result = run({"DJANGO_SETTINGS_MODULE": "config.settings", **env}, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_with_nothing_set_it_runs_on_sqlite_and_the_in_memory_layer() -> None:
    assert probe({}) == {
        "engine": "django.db.backends.sqlite3",
        "layer": "channels.layers.InMemoryChannelLayer",
        "debug": True,
    }


def test_database_url_and_redis_url_switch_to_postgresql_and_redis() -> None:
    found = probe(
        {
            "DATABASE_URL": "postgres://accord@db.internal:5432/accord",
            "REDIS_URL": "redis://cache.internal:6379/0",
        }
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["layer"] == "channels_redis.core.RedisChannelLayer"


def test_production_settings_pass_check_deploy_without_warnings() -> None:
    result = run(
        {
            "DJANGO_SETTINGS_MODULE": "config.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "accord.example.org",
        },
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_its_secrets() -> None:
    result = run({"DJANGO_SETTINGS_MODULE": "config.production"}, "manage.py", "check")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY for production." in result.stderr


def test_the_embedded_database_uses_write_ahead_logging(tmp_path: Path) -> None:
    script = (
        "import django; django.setup(); from django.db import connection;"
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode');"
        "print(cursor.fetchone()[0])"
    )
    result = run(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ACCORD_SQLITE_PATH": str(tmp_path / "accord.sqlite3"),
        },
        "-c",
        script,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client: object) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert all(source.startswith("'nonce-") for source in directives["script-src"][1:])
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy


@pytest.mark.django_db
def test_every_page_names_its_icon_and_the_browsers_guess_finds_it() -> None:
    from django.contrib.staticfiles import finders
    from django.test import Client

    page = Client().get("/published/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    assert finders.find("img/favicon.svg")  # collected and served with the other files
    guess = Client().get("/favicon.ico")
    assert guess.status_code == 301 and guess["Location"] == "/static/img/favicon.svg"
