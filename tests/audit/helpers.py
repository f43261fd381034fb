"""Tampering with the audit record the way someone with database access could."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def trigger_disabled() -> Iterator[None]:
    """On PostgreSQL, switch off the append-only trigger as the superuser the tests run as
    (a deliberate act, as it would be in production); elsewhere there is none to switch off.

    Used inside a test's transaction, so the rollback at its end switches it back on.
    """
    if connection.vendor != "postgresql":
        yield
        return
    # ALTER TABLE refuses while foreign-key checks of rows just written wait for the commit.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def tamper(sql: str, params: list[str | int]) -> None:
    """Run raw SQL against the audit table, past the trigger."""
    with trigger_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)
