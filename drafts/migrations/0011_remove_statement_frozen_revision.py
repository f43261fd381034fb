from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("drafts", "0010_instrument"),
        ("workflow", "0006_signature_instrument_required"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="statement",
            name="frozen_revision",
        ),
    ]
