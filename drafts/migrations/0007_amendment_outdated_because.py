from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("drafts", "0006_late_signatures_and_verification"),
    ]

    operations = [
        migrations.AddField(
            model_name="amendment",
            name="outdated_because",
            field=models.CharField(
                blank=True,
                choices=[
                    ("collides", "Collides"),
                    ("already_so", "Already So"),
                    ("edited", "Edited"),
                    ("deleted", "Deleted"),
                ],
                help_text="Why it no longer applied after that revision (worded when shown).",
                max_length=20,
            ),
        ),
    ]
