"""Notifications written before detail lines were codes: their English line becomes a code.

Until now an action worded a notification's detail line in English when it wrote the row
("Closes 3 Dec 2026 17:00 UTC", "2 signed so far"), so French and Spanish readers read
English. Now it stores a code and values (``detail_code``, ``detail_args``), worded when read.
Each line an action used to write is read back here into its code and values, and its English
text is cleared; a line this does not recognise stays in ``detail``, which is shown as it is
when there is no code. Reversible: going back words every coded line again in English (as the
actions did, times in UTC).
"""

import re
from datetime import UTC, datetime

from django.db import migrations

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MOMENT = r"(\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}) UTC"

# Per event, the lines its actions wrote: (pattern, code, names of the groups in order).
# Patterns match the whole line; text people wrote (a reason, a comment) is the last group.
LINES = {
    "consultation_opened": [(rf"Closes {MOMENT}", "closes", ["deadline"])],
    "sign_on_opened": [
        (rf"Closes {MOMENT}", "closes", ["deadline"]),
        (r"Published, and open to late signatures", "open_to_late_signatures", []),
    ],
    "returned_to_drafting": [
        (
            r"(\d+) signature\(s\) void; sign again when sign-on reopens",
            "signatures_void",
            ["count"],
        )
    ],
    "published": [(r"(\d+) signatories", "signatories", ["count"])],
    "withdrawn": [(r"(.+)", "reason", ["reason"])],
    "new_revision": [
        (r"Revision (\d+)", "revision", ["number"]),
        (
            r"Revision (\d+): amendment by (.+) accepted",
            "revision_by_amendment",
            ["number", "delegation"],
        ),
    ],
    "comment": [
        (r"On ¶ (\d+): (.*)", "comment", ["position", "excerpt"]),
        (r"On a paragraph since removed: (.*)", "comment", ["excerpt"]),
    ],
    "amendment_proposed": [
        (r"Replace ¶ (\d+), by (.+)", "replacement_proposed", ["position", "delegation"]),
        (r"Insert after ¶ (\d+), by (.+)", "insertion_proposed", ["position", "delegation"]),
        (r"Delete ¶ (\d+), by (.+)", "deletion_proposed", ["position", "delegation"]),
    ],
    "amendment_accepted": [
        (r"¶ (\d+), now in revision (\d+)", "amendment_in_revision", ["position", "number"])
    ],
    "amendment_rejected": [(r"Reason: (.*)", "reason", ["reason"])],
    "signature_removed": [(r"(.+?): (.*)", "signature_removed", ["delegation", "reason"])],
    "deadline_approaching": [
        (rf"Consultation closes {MOMENT}", "consultation_closes", ["deadline"]),
        (rf"Sign-on closes {MOMENT}", "sign_on_closes", ["deadline"]),
    ],
    "deadline_passed": [
        (rf"Consultation closed on {MOMENT}", "consultation_closed", ["deadline"]),
        (rf"Sign-on closed on {MOMENT}", "sign_on_closed", ["deadline"]),
    ],
}
for signature_event in ("signature_given", "signature_withdrawn", "signature_declined"):
    LINES[signature_event] = [
        (r"(\d+) signed so far", "signed_so_far", ["count"]),
        (
            r"Late signature, after publication: (\d+) signatories now",
            "late_signature",
            ["count"],
        ),
    ]
COMPILED = {
    event: [(re.compile(pattern, re.DOTALL), code, names) for pattern, code, names in lines]
    for event, lines in LINES.items()
}
NUMBERS = {"count", "number", "position"}


def utc_moment(text):
    """ "3 Dec 2026 17:00" (UTC, as the actions wrote it) as ISO 8601."""
    day, month, year, time = text.split()
    hour, minute = time.split(":")
    moment = datetime(
        int(year), MONTHS.index(month) + 1, int(day), int(hour), int(minute), tzinfo=UTC
    )
    return moment.isoformat()


def read_line(event, line):
    """The (code, args) an English ``line`` of a notification of ``event`` stands for, or
    None when it is not one the actions wrote."""
    for pattern, code, names in COMPILED.get(event, []):
        found = pattern.fullmatch(line)
        if found is None:
            continue
        args = {}
        for name, value in zip(names, found.groups(), strict=True):
            if name == "deadline":
                args[name] = utc_moment(value)
            elif name in NUMBERS:
                args[name] = int(value)
            else:
                args[name] = value
        if code == "comment":
            args.setdefault("position", None)
        return code, args
    return None


def batches(queryset, size=1000):
    """The rows of ``queryset`` a batch at a time, by primary key: the loop may write to them."""
    last = 0
    while batch := list(queryset.filter(pk__gt=last).order_by("pk")[:size]):
        yield batch
        last = batch[-1].pk


def lines_to_codes(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for batch in batches(Notification.objects.filter(detail_code="").exclude(detail="")):
        changed = []
        for notification in batch:
            read = read_line(notification.event, notification.detail)
            if read is not None:
                notification.detail_code, notification.detail_args = read
                notification.detail = ""
                changed.append(notification)
        Notification.objects.bulk_update(changed, ["detail_code", "detail_args", "detail"])


def utc_text(iso):
    moment = datetime.fromisoformat(iso).astimezone(UTC)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year} {moment:%H:%M} UTC"


# How the actions worded each code, in English.
ENGLISH = {
    "closes": lambda a: f"Closes {utc_text(a['deadline'])}",
    "consultation_closes": lambda a: f"Consultation closes {utc_text(a['deadline'])}",
    "sign_on_closes": lambda a: f"Sign-on closes {utc_text(a['deadline'])}",
    "consultation_closed": lambda a: f"Consultation closed on {utc_text(a['deadline'])}",
    "sign_on_closed": lambda a: f"Sign-on closed on {utc_text(a['deadline'])}",
    "signatures_void": lambda a: f"{a['count']} signature(s) void; sign again when sign-on reopens",
    "signatories": lambda a: f"{a['count']} signatories",
    "signed_so_far": lambda a: f"{a['count']} signed so far",
    "late_signature": lambda a: f"Late signature, after publication: {a['count']} signatories now",
    "open_to_late_signatures": lambda a: "Published, and open to late signatures",
    "signature_removed": lambda a: f"{a['delegation']}: {a['reason']}",
    "reason": lambda a: f"Reason: {a['reason']}",
    "revision": lambda a: f"Revision {a['number']}",
    "revision_by_amendment": lambda a: (
        f"Revision {a['number']}: amendment by {a['delegation']} accepted"
    ),
    "comment": lambda a: (
        f"On ¶ {a['position']}: {a['excerpt']}"
        if a.get("position")
        else f"On a paragraph since removed: {a['excerpt']}"
    ),
    "replacement_proposed": lambda a: f"Replace ¶ {a['position']}, by {a['delegation']}",
    "insertion_proposed": lambda a: f"Insert after ¶ {a['position']}, by {a['delegation']}",
    "deletion_proposed": lambda a: f"Delete ¶ {a['position']}, by {a['delegation']}",
    "amendment_in_revision": lambda a: f"¶ {a['position']}, now in revision {a['number']}",
}


def codes_to_lines(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for batch in batches(Notification.objects.exclude(detail_code="")):
        for notification in batch:
            worded = ENGLISH.get(notification.detail_code)
            line = worded(notification.detail_args) if worded else ""
            if notification.event == "withdrawn" and notification.detail_code == "reason":
                line = notification.detail_args["reason"]  # a withdrawal's line was the reason
            notification.detail = line[:300]
            notification.detail_code, notification.detail_args = "", {}
        Notification.objects.bulk_update(batch, ["detail_code", "detail_args", "detail"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_notification_detail_code_and_args"),
    ]

    operations = [
        migrations.RunPython(lines_to_codes, codes_to_lines),
    ]
