"""Who hears of what, and how: each person's choices, and the defaults without one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from notifications.models import Delivery, DeliveryPreference, Event

# What a signatory must not miss reaches them by e-mail unless they say otherwise: a sign-on
# opening, its deadline, and their signature made void or removed. Everything else stays in
# Accord.
SIGNATORY_EMAIL_EVENTS = frozenset(
    {
        Event.SIGN_ON_OPENED,
        Event.DEADLINE_APPROACHING,
        Event.DEADLINE_PASSED,
        Event.RETURNED_TO_DRAFTING,
        Event.SIGNATURE_REMOVED,
    }
)


def default_delivery(person: Any, event: str) -> Delivery:
    if getattr(person, "is_signatory", False) and event in SIGNATORY_EMAIL_EVENTS:
        return Delivery.EMAIL
    return Delivery.PAGE


def deliveries(people: Iterable[Any], event: str) -> dict[int, Delivery]:
    """Each person's delivery for ``event``: their choice, or the default. One query."""
    people = list(people)
    chosen = dict(
        DeliveryPreference.objects.filter(
            person_id__in=[p.pk for p in people], event=event
        ).values_list("person_id", "delivery")
    )
    return {
        p.pk: Delivery(chosen[p.pk]) if p.pk in chosen else default_delivery(p, event)
        for p in people
    }


def choices_of(person: Any) -> dict[str, Delivery]:
    """Every event with the person's delivery for it, for the preferences page."""
    chosen = dict(DeliveryPreference.objects.filter(person=person).values_list("event", "delivery"))
    return {
        event: Delivery(chosen[event]) if event in chosen else default_delivery(person, event)
        for event in Event.values
    }
