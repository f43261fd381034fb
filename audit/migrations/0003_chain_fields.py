"""The hash chain's three fields, nullable until ``0004`` fills them for existing entries."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="previous_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="entry_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={"ordering": ["sequence"], "verbose_name_plural": "audit entries"},
        ),
        migrations.CreateModel(
            name="ChainVerification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("checked_at", models.DateTimeField(db_index=True)),
                ("checked_by", models.CharField(max_length=160)),
                ("intact", models.BooleanField()),
                ("entries", models.PositiveBigIntegerField()),
                ("last_hash", models.CharField(blank=True, max_length=64)),
                ("broken_at", models.PositiveBigIntegerField(blank=True, null=True)),
                ("problem", models.TextField(blank=True)),
                ("seconds", models.FloatField()),
            ],
            options={"ordering": ["-checked_at", "-id"]},
        ),
    ]
