"""On PostgreSQL the record is append-only for the application, and appends never fork.

The application's role is set up from ``deploy/postgres/grants.sql`` exactly as an operator
would; roles are created inside the test's transaction, so they vanish with its rollback.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from audit.actions import record
from audit.models import AuditEntry
from audit.verify import verify_chain
from delegations.models import Delegation
from tests.conftest import delegation

GRANTS = Path(settings.BASE_DIR) / "deploy" / "postgres" / "grants.sql"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no roles, grants or triggers",
    ),
]


def grants_for(role: str) -> list[str]:
    """The statements of ``grants.sql`` with ``role`` as the application's role, as psql
    would run them with ``-v app_role=<role>`` (its meta-commands and comments left out)."""
    lines = [
        line
        for line in GRANTS.read_text().splitlines()
        if not line.startswith("\\") and not line.lstrip().startswith("--")
    ]
    sql = "\n".join(lines)
    sql = sql.replace(':"app_role"', f'"{role}"').replace(
        ':"DBNAME"', f'"{connection.settings_dict["NAME"]}"'
    )
    assert ":" + '"' not in sql, "a psql variable was left unset"
    return [statement.strip() for statement in sql.split(";") if statement.strip()]


@pytest.fixture
def app_role(db: None) -> str:
    """The documented application role, set up from the grants file inside this test."""
    role = re.sub(r"\W", "_", f"{connection.settings_dict['NAME']}_app")
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        for statement in grants_for(role):
            cursor.execute(statement)
    return role


def as_role(role: str, sql: str, params: list[int]) -> None:
    """Run ``sql`` as ``role`` in a savepoint, then become the test's own role again."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(sql, params)


def test_the_application_role_may_append_but_not_change_or_delete(app_role: str) -> None:
    entry = record(None, "delegations.update_delegation", delegation("CA"))

    for sql in (
        "UPDATE audit_auditentry SET note = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="permission denied for table audit_auditentry"):
            as_role(app_role, sql, [entry.pk])
    with pytest.raises(DatabaseError, match="permission denied for table audit_auditentry"):
        as_role(app_role, "TRUNCATE audit_auditentry", [])

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        appended = record(None, "delegations.update_delegation", delegation("KE"))
        # and the rest of Accord's tables stay writable
        Delegation.objects.filter(code="KE").update(name="Kenya")
    assert appended.sequence == entry.sequence + 1
    assert AuditEntry.objects.get(pk=entry.pk).note == ""
    assert verify_chain().intact


@pytest.mark.django_db
def test_the_trigger_refuses_changes_even_to_the_owner() -> None:
    entry = record(None, "delegations.update_delegation", delegation("CA"))
    for sql in (
        "UPDATE audit_auditentry SET note = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="audit entries are append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(note="rewritten")
    assert AuditEntry.objects.filter(pk=entry.pk, note="").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_never_fork() -> None:
    """Eight writers appending at once, each in its own connection and transaction."""
    writers, each = 8, 5
    barrier = threading.Barrier(writers)
    failures: list[BaseException] = []
    targets = list(Delegation.objects.order_by("pk")[:writers])

    def write(target: Delegation) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=30)
            for n in range(each):
                with transaction.atomic():
                    record(None, "delegations.update_delegation", target, after={"n": n})
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures
    sequences = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, writers * each + 1))
    report = verify_chain()
    assert report.intact
    assert report.entries == writers * each
