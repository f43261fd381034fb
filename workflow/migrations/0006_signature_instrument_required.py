"""Every signature now has its instrument (0005): require it, and drop the bare revision.

Apart from 0005 so that on PostgreSQL the new constraints are not added in the transaction
that wrote the instruments (its deferred checks are still pending there).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0005_signature_instrument"),
    ]

    operations = [
        migrations.AlterField(
            model_name="signature",
            name="instrument",
            field=models.ForeignKey(
                help_text="What the delegation committed to.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="signatures",
                to="drafts.instrument",
            ),
        ),
        migrations.AlterField(
            model_name="signature",
            name="content_hash",
            field=models.CharField(
                help_text="SHA-256 of the instrument's original text, as signed.",
                max_length=64,
                verbose_name="hash of the signed text",
            ),
        ),
        migrations.RemoveField(
            model_name="signature",
            name="revision",
        ),
    ]
