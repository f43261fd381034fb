"""Whether what a notification is about is still within its reader's reach.

A notification outlives its subject's state: a statement later withdrawn, returned to
drafting or no longer shared with the reader would lead to a 404. The app that owns a kind
of subject registers how to tell (``register``, from its ``AppConfig.ready``); the centre
then says so instead of offering the link. Notifications stays below the apps it serves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType

from notifications.models import Notification

# Given the reader and subject ids, the reason each subject is out of reach (e.g.
# "withdrawn", "unavailable"); subjects within reach are left out.
Reach = Callable[[Any, list[str]], dict[str, str]]

_REACH: dict[str, Reach] = {}


def register(model: str, reach: Reach) -> None:
    """``model`` as "app_label.model_name", e.g. "drafts.statement"."""
    _REACH[model] = reach


def out_of_reach(reader: Any, notifications: Iterable[Notification]) -> dict[int, str]:
    """For the given notifications, why each whose subject is out of reach is: by id."""
    wanted: dict[int, list[Notification]] = defaultdict(list)
    for notification in notifications:
        wanted[notification.subject_type_id].append(notification)
    reasons: dict[int, str] = {}
    for type_id, some in wanted.items():
        kind = ContentType.objects.get_for_id(type_id)  # cached after the first
        reach = _REACH.get(f"{kind.app_label}.{kind.model}")
        if reach is None:
            continue
        why = reach(reader, sorted({n.subject_id for n in some}))
        reasons.update({n.pk: why[n.subject_id] for n in some if n.subject_id in why})
    return reasons
