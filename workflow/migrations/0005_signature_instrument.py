"""A signature commits to the statement's instrument, not to a bare revision.

Each signature is bound to the instrument of the revision it signed (made for a revision of an
earlier sign-on round, whose signatures are void), hashed as ``drafts.instrument`` defines.
"""

import hashlib

import django.db.models.deletion
from django.db import migrations, models


def instrument_hash(content_hash):
    text = f"accord-instrument/1\noriginal\t{content_hash}\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bind_signatures(apps, schema_editor):
    Signature = apps.get_model("workflow", "Signature")
    Instrument = apps.get_model("drafts", "Instrument")
    found = {(i.statement_id, i.revision_id): i for i in Instrument.objects.all().order_by("-id")}
    for signature in Signature.objects.select_related("revision").order_by("given_at", "id"):
        key = (signature.statement_id, signature.revision_id)
        instrument = found.get(key)
        if instrument is None:
            instrument = Instrument.objects.create(
                statement_id=signature.statement_id,
                revision=signature.revision,
                content_hash=instrument_hash(signature.revision.content_hash),
            )
            Instrument.objects.filter(pk=instrument.pk).update(frozen_at=signature.given_at)
            found[key] = instrument
        Signature.objects.filter(pk=signature.pk).update(instrument=instrument)


class Migration(migrations.Migration):
    dependencies = [
        ("drafts", "0010_instrument"),
        ("workflow", "0004_signature_removal"),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="instrument",
            field=models.ForeignKey(
                help_text="What the delegation committed to.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="signatures",
                to="drafts.instrument",
            ),
        ),
        migrations.RunPython(bind_signatures, migrations.RunPython.noop),
    ]
