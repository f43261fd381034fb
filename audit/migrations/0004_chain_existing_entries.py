"""Chain the entries written before the chain existed, oldest first (by time, then id)."""

from typing import Any

from django.db import migrations

from audit.chain import GENESIS_HASH, entry_hash


def chain_existing(apps: Any, schema_editor: Any) -> None:
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    models = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.using(db)}
    previous = GENESIS_HASH
    batch: list[Any] = []
    entries = AuditEntry.objects.using(db).order_by("created_at", "id")
    for sequence, entry in enumerate(entries.iterator(chunk_size=2000), start=1):
        entry.sequence = sequence
        entry.previous_hash = previous
        entry.entry_hash = previous = entry_hash(
            sequence=sequence,
            previous_hash=entry.previous_hash,
            created_at=entry.created_at,
            actor_id=entry.actor_id,
            actor_name=entry.actor_name,
            actor_delegation=entry.actor_delegation,
            action=entry.action,
            target_type=models[entry.target_type_id],
            target_id=entry.target_id,
            target_repr=entry.target_repr,
            before=entry.before,
            after=entry.after,
            note=entry.note,
        )
        batch.append(entry)
        if len(batch) == 2000:
            AuditEntry.objects.using(db).bulk_update(
                batch, ["sequence", "previous_hash", "entry_hash"]
            )
            batch = []
    AuditEntry.objects.using(db).bulk_update(batch, ["sequence", "previous_hash", "entry_hash"])


def unchain(apps: Any, schema_editor: Any) -> None:
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditEntry.objects.using(schema_editor.connection.alias).update(
        sequence=None, previous_hash="", entry_hash=""
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_chain_fields"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(chain_existing, unchain)]
