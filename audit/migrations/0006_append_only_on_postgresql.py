"""On PostgreSQL, a trigger refuses to change or delete an audit entry, whoever asks.

The application's role has no UPDATE or DELETE grant on the table (``deploy/postgres``); the
trigger also stops the table's owner, so rewriting the record takes a superuser who
deliberately runs ``ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only``. Row
triggers do not fire on TRUNCATE, which the application's role is not granted either.
SQLite has no roles; there ``manage.py verify_audit`` is the protection.
"""

from typing import Any

from django.db import migrations

CREATE = [
    """
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % of entry % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$
""",
    """
CREATE TRIGGER audit_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()
""",
]

DROP = [
    "DROP TRIGGER IF EXISTS audit_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]


def create_trigger(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            # No parameters: the "%" are PL/pgSQL's own placeholders, not the driver's.
            schema_editor.execute(statement, params=None)


def drop_trigger(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_chain_required")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
