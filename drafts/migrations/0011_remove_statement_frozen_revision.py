from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("drafts", "0010_instrument"),
        ("workflow", "0005_signature_instrument"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="statement",
            name="frozen_revision",
        ),
    ]
