"""Seed the coalition's 42 member delegations, and the advisory network's group."""

from django.db import migrations

MEMBERS = [
    ("Argentina", "AR"),
    ("Armenia", "AM"),
    ("Australia", "AU"),
    ("Austria", "AT"),
    ("Cabo Verde", "CV"),
    ("Canada", "CA"),
    ("Chile", "CL"),
    ("Colombia", "CO"),
    ("Costa Rica", "CR"),
    ("Czech Republic", "CZ"),
    ("Denmark", "DK"),
    ("Estonia", "EE"),
    ("Finland", "FI"),
    ("France", "FR"),
    ("Georgia", "GE"),
    ("Germany", "DE"),
    ("Ghana", "GH"),
    ("Iceland", "IS"),
    ("Ireland", "IE"),
    ("Italy", "IT"),
    ("Japan", "JP"),
    ("Kenya", "KE"),
    ("Republic of Korea", "KR"),
    ("Latvia", "LV"),
    ("Lithuania", "LT"),
    ("Luxembourg", "LU"),
    ("The Maldives", "MV"),
    ("Mexico", "MX"),
    ("Moldova", "MD"),
    ("Mongolia", "MN"),
    ("The Netherlands", "NL"),
    ("New Zealand", "NZ"),
    ("Norway", "NO"),
    ("Poland", "PL"),
    ("Slovakia", "SK"),
    ("Slovenia", "SI"),
    ("Spain", "ES"),
    ("Sweden", "SE"),
    ("Switzerland", "CH"),
    ("Tunisia", "TN"),
    ("United Kingdom", "GB"),
    ("United States of America", "US"),
]

ADVISORY_NETWORK_GROUP = "advisory-network"


def sort_key(name):
    # Frozen copy of delegations.models.collation_key, as it stood when the seed was written.
    key = name.strip()
    if key.lower().startswith("the "):
        key = key[4:]
    if key.lower().startswith("republic of "):
        key = f"{key[12:]}, Republic of"
    return key.casefold()


def seed(apps, schema_editor):
    Delegation = apps.get_model("delegations", "Delegation")
    Group = apps.get_model("auth", "Group")
    for name, code in MEMBERS:
        Delegation.objects.create(
            name=name,
            code=code,
            sort_key=sort_key(name),
            is_member=True,
            group=Group.objects.create(name=f"delegation:{code}"),
            signatories_group=Group.objects.create(name=f"delegation:{code}:signatories"),
        )
    Group.objects.get_or_create(name=ADVISORY_NETWORK_GROUP)


def unseed(apps, schema_editor):
    Delegation = apps.get_model("delegations", "Delegation")
    Group = apps.get_model("auth", "Group")
    codes = [code for _, code in MEMBERS]
    group_ids = []
    for delegation in Delegation.objects.filter(code__in=codes):
        group_ids += [delegation.group_id, delegation.signatories_group_id]
    Delegation.objects.filter(code__in=codes).delete()
    Group.objects.filter(pk__in=group_ids).delete()
    Group.objects.filter(name=ADVISORY_NETWORK_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
