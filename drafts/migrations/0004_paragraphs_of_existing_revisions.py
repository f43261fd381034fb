"""Give the paragraphs of every revision saved before paragraphs had identities their identity,
revision by revision, the way saving a revision now does: each paragraph continues the parent's
paragraph it keeps, edits in place or moves (``drafts.diff.correspondence``), or is new.

Reversible: going back leaves the identities where they are (comments and amendments are
anchored to them; 0003, reversed, drops the tables), and running it again skips the revisions
that already have theirs.
"""

import secrets

from django.db import migrations

from drafts.diff import correspondence
from drafts.paragraphs import texts


def _key(taken):
    while True:
        key = f"p-{secrets.token_hex(3)}"
        if key not in taken:
            taken.add(key)
            return key


def build_identities(apps, schema_editor):
    Statement = apps.get_model("drafts", "Statement")
    Revision = apps.get_model("drafts", "Revision")
    Paragraph = apps.get_model("drafts", "Paragraph")
    RevisionParagraph = apps.get_model("drafts", "RevisionParagraph")
    for statement in Statement.objects.order_by("pk").iterator():
        taken = set(Paragraph.objects.filter(statement=statement).values_list("key", flat=True))
        rows_of = {}  # revision id → its paragraphs, in order
        for revision in Revision.objects.filter(statement=statement).order_by("number"):
            if RevisionParagraph.objects.filter(revision=revision).exists():
                rows_of[revision.pk] = list(
                    RevisionParagraph.objects.filter(revision=revision)
                    .select_related("paragraph")
                    .order_by("position")
                )
                continue
            previous = rows_of.get(revision.parent_id, [])
            new_texts = texts(revision.text)
            continues = correspondence([row.text for row in previous], new_texts)
            rows = []
            for index, text in enumerate(new_texts):
                if index in continues:
                    paragraph = previous[continues[index]].paragraph
                else:
                    paragraph = Paragraph.objects.create(
                        statement=statement, key=_key(taken), created_in=revision
                    )
                rows.append(
                    RevisionParagraph(
                        revision=revision, paragraph=paragraph, position=index + 1, text=text
                    )
                )
            RevisionParagraph.objects.bulk_create(rows)
            rows_of[revision.pk] = rows


class Migration(migrations.Migration):
    dependencies = [
        ("drafts", "0003_paragraphs_comments_amendments"),
    ]

    operations = [
        migrations.RunPython(build_identities, migrations.RunPython.noop),
    ]
