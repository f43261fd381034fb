from django.db import migrations


class Migration(migrations.Migration):
    """The reason is worded when shown, from ``outdated_because`` and ``outdated_by``."""

    dependencies = [
        ("drafts", "0008_outdated_reasons_as_codes"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="amendment",
            name="outdated_reason",
        ),
    ]
