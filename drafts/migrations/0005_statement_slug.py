from datetime import UTC

from django.db import migrations, models
from django.utils.text import slugify


def slugs_for_published(apps, schema_editor):
    """Statements published before addresses existed get one, as publication would give."""
    Statement = apps.get_model("drafts", "Statement")
    taken = set()
    for statement in Statement.objects.filter(state="published", slug__isnull=True).order_by("id"):
        moment = statement.published_at or statement.updated_at
        base = f"{moment.astimezone(UTC):%Y-%m-%d}-{slugify(statement.title)[:100].rstrip('-') or 'statement'}"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        statement.slug = slug
        statement.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("drafts", "0004_paragraphs_of_existing_revisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="statement",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="The public address, given at publication: its date and title. Never changes.",
                max_length=120,
                null=True,
                unique=True,
            ),
        ),
        migrations.RunPython(slugs_for_published, migrations.RunPython.noop),
    ]
