"""Published statements that keep taking signatures, and what verifying a text looks up: the
hash of every revision (indexed) and, for published statements, the hash of the signed text's
words.

Reversible: going back drops the fields and the index; the hashes are computed again from the
frozen revisions when it runs forward.
"""

from django.db import migrations, models

from drafts.text import words_hash


def hash_published_words(apps, schema_editor):
    Statement = apps.get_model("drafts", "Statement")
    published = Statement.objects.filter(state="published", frozen_revision__isnull=False)
    for statement in published.select_related("frozen_revision").iterator():
        statement.words_hash = words_hash(statement.frozen_revision.text)
        statement.save(update_fields=["words_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("drafts", "0005_statement_slug"),
    ]

    operations = [
        migrations.AddField(
            model_name="statement",
            name="accepts_late_signatures",
            field=models.BooleanField(
                default=False,
                help_text="Whether, once published, it still takes the signatures of members "
                "that cleared it late. The text never changes.",
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="words_hash",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="Set at publication: the hash of the signed text's words and "
                "punctuation, markup and spacing aside, so a copy of it in another format can "
                "be verified.",
                max_length=64,
                verbose_name="SHA-256 of the signed text's words",
            ),
        ),
        migrations.AddIndex(
            model_name="revision",
            index=models.Index(fields=["content_hash"], name="revision_content_hash"),
        ),
        migrations.RunPython(hash_published_words, migrations.RunPython.noop),
    ]
