"""Outdated amendments: the English sentence each one kept becomes the code of why.

Until now, an amendment marked outdated stored why as an English sentence with the revision's
number in it ("Revision 2 deleted the paragraph."), so a French or Spanish reader saw English.
It now stores a code (``outdated_because``) and the sentence is worded when shown, in the
reader's language, with the number of ``outdated_by``. These were the only four sentences
ever written; the revision's number is ``outdated_by``'s already. Reversible: going back
words the sentences again in English.
"""

import re

from django.db import migrations

# The sentences as drafts.actions worded them, the revision's number left out.
SENTENCES = {
    "collides": "Revision {n} changed the same words of the paragraph as this amendment.",
    "already_so": "Revision {n} already words the paragraph as this amendment proposes.",
    "edited": "Revision {n} edited the paragraph this amendment would delete.",
    "deleted": "Revision {n} deleted the paragraph.",
}
PATTERNS = {
    re.compile("^" + re.escape(sentence).replace(r"\{n\}", r"\d+") + "$"): code
    for code, sentence in SENTENCES.items()
}


def code_of(sentence: str) -> str:
    """The code for one of the four English sentences; "" for anything else."""
    sentence = sentence.strip()
    for pattern, code in PATTERNS.items():
        if pattern.match(sentence):
            return code
    return ""


def sentences_to_codes(apps, schema_editor):
    Amendment = apps.get_model("drafts", "Amendment")
    changed = []
    for amendment in Amendment.objects.filter(outdated_because="").exclude(outdated_reason=""):
        amendment.outdated_because = code_of(amendment.outdated_reason)
        if amendment.outdated_because:
            changed.append(amendment)
    Amendment.objects.bulk_update(changed, ["outdated_because"], batch_size=500)


def codes_to_sentences(apps, schema_editor):
    Amendment = apps.get_model("drafts", "Amendment")
    coded = list(
        Amendment.objects.exclude(outdated_because="")
        .filter(outdated_by__isnull=False)
        .select_related("outdated_by")
    )
    for amendment in coded:
        amendment.outdated_reason = SENTENCES[amendment.outdated_because].format(
            n=amendment.outdated_by.number
        )
    Amendment.objects.bulk_update(coded, ["outdated_reason"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("drafts", "0007_amendment_outdated_because"),
    ]

    operations = [
        migrations.RunPython(sentences_to_codes, codes_to_sentences),
    ]
