"""Who hears of what, and how: each person's choices, and the defaults without one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from notifications.kinds import Kind, codes, find
from notifications.models import Delivery, DeliveryPreference


def default_delivery(person: Any, event: str) -> Delivery:
    """Without a choice: by e-mail for a signatory if the kind says a signatory must not miss
    it (a sign-on opening, its deadline, a signature made void or removed), else in Accord."""
    kind = find(event)
    if getattr(person, "is_signatory", False) and kind and kind.emailed_to_signatories:
        return Delivery.EMAIL
    return Delivery.PAGE


def deliveries(people: Iterable[Any], event: str | Kind) -> dict[int, Delivery]:
    """Each person's delivery for ``event``: their choice, or the default. One query."""
    event = str(event)
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
        for event in codes()
    }
