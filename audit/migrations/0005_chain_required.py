"""Every entry now has its place in the chain: require it, and only once."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_existing_entries")]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(editable=False, unique=True),
        ),
    ]
