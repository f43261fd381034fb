# Each person chooses the language Accord speaks to them and the time zone it shows times in.

from django.db import migrations, models

import delegations.models


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0003_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[("en", "English"), ("fr", "Français"), ("es", "Español")],
                help_text="The language Accord speaks to this person; blank: their browser's.",
                max_length=10,
                verbose_name="language",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="time_zone",
            field=models.CharField(
                default="UTC",
                help_text="Dates and times are shown in it, e.g. Europe/Paris.",
                max_length=64,
                validators=[delegations.models.validate_time_zone],
                verbose_name="time zone",
            ),
        ),
    ]
