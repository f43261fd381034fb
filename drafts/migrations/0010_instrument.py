"""The signed instrument: what a signature commits to, instead of a bare frozen revision.

Every statement with a frozen revision gets an instrument of it (hashed as
``drafts.instrument`` defines: the definition is copied here, as a migration must not change
with the code).
"""

import hashlib

import django.db.models.deletion
from django.db import migrations, models


def instrument_hash(content_hash):
    text = f"accord-instrument/1\noriginal\t{content_hash}\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def freeze_existing(apps, schema_editor):
    Statement = apps.get_model("drafts", "Statement")
    Instrument = apps.get_model("drafts", "Instrument")
    for statement in Statement.objects.filter(frozen_revision__isnull=False).select_related(
        "frozen_revision"
    ):
        revision = statement.frozen_revision
        instrument = Instrument.objects.create(
            statement=statement,
            revision=revision,
            content_hash=instrument_hash(revision.content_hash),
        )
        Instrument.objects.filter(pk=instrument.pk).update(frozen_at=revision.created_at)
        Statement.objects.filter(pk=statement.pk).update(instrument=instrument)


class Migration(migrations.Migration):
    dependencies = [
        ("drafts", "0009_remove_amendment_outdated_reason"),
    ]

    operations = [
        migrations.CreateModel(
            name="Instrument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "content_hash",
                    models.CharField(
                        help_text="Over every part's hash (drafts.instrument.instrument_hash).",
                        max_length=64,
                        verbose_name="SHA-256 of the instrument",
                    ),
                ),
                ("frozen_at", models.DateTimeField(auto_now_add=True)),
                (
                    "revision",
                    models.ForeignKey(
                        help_text="The original text, as put to sign-on.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="instruments",
                        to="drafts.revision",
                    ),
                ),
                (
                    "statement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="instruments",
                        to="drafts.statement",
                    ),
                ),
            ],
            options={
                "ordering": ["statement", "frozen_at", "id"],
            },
        ),
        migrations.AddField(
            model_name="statement",
            name="instrument",
            field=models.ForeignKey(
                blank=True,
                help_text="What is put to sign-on, and signed: set when sign-on opens.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="drafts.instrument",
            ),
        ),
        migrations.RunPython(freeze_existing, migrations.RunPython.noop),
    ]
