from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from delegations.names import recorded_name, sorted_by_name

register = template.Library()


@register.filter
def by_delegation_name(items: Iterable[Any]) -> list[Any]:
    """Signatures (anything with a ``delegation``) in the reader's order of its names."""
    return sorted_by_name(items, lambda item: item.delegation.shown_name)


@register.filter
def recorded_delegation(name: str) -> str:
    """A delegation's name as a record kept it, in the reader's language."""
    return recorded_name(name or "")


@register.filter
def delegation_names(delegations: Iterable[Any]) -> str:
    """Delegations as one line, each in the reader's language and order: "Canada, Pays-Bas"."""
    return ", ".join(d.shown_name for d in sorted_by_name(delegations, lambda d: d.shown_name))
