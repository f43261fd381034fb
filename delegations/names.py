"""Delegations' names in the reader's language, in that language's order.

In English a delegation keeps the coalition's own short name ("Republic of Korea", "The
Netherlands"); in other languages it takes the CLDR name of its territory (Babel), e.g.
"Allemagne", "Corea del Sur". Lists sort by the Unicode Collation Algorithm (pyuca's default
table: accents and case after the letters, as French and Spanish readers expect), and in
English by the coalition's own order (``collation_key``). Names people typed are never
translated: only delegations, by their ISO code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from babel import Locale
from django.utils import translation


def _language(language: str | None = None) -> str:
    return (language or translation.get_language() or "en").split("-")[0].lower()


@cache
def _territories(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language).territories)
    except (ValueError, LookupError):
        return {}


@cache
def _collator() -> Any:
    import pyuca  # its table is read once, on first use

    return pyuca.Collator()


def shown_name(name: str, code: str, language: str | None = None) -> str:
    """A delegation's name for a reader of ``language`` (the active one by default)."""
    spoken = _language(language)
    if spoken == "en":
        return name
    return _territories(spoken).get(code, name)


# The ISO codes of delegations by the names records keep ("Germany"): a record stores a
# delegation's name as it was then, in English, and is worded for its reader at display.
_codes_by_name: dict[str, str] = {}


def _code_of(name: str) -> str:
    code = _codes_by_name.get(name)
    if code is None:
        # A name met for the first time, or a delegation added or renamed since: read them
        # again (one query), and remember a name no delegation has so it is not looked for
        # on every line.
        from delegations.models import Delegation

        _codes_by_name.clear()
        _codes_by_name.update(Delegation.objects.values_list("name", "code"))
        code = _codes_by_name.setdefault(name, "")
    return code


def recorded_name(name: str, language: str | None = None) -> str:
    """A delegation's name as a record or a notification stored it (the coalition's English
    name then), for a reader of ``language``: "Germany" reads "Allemagne" in French. A name
    no delegation bears any more is shown as it was recorded."""
    if not name or _language(language) == "en":
        return name
    return shown_name(name, _code_of(name), language)


def sorted_by_name[T](items: Iterable[T], name_of: Callable[[T], str]) -> list[T]:
    """``items`` in the reader's order of the names ``name_of`` gives."""
    from delegations.models import collation_key

    if _language() == "en":
        return sorted(items, key=lambda item: collation_key(name_of(item)))
    collator = _collator()
    return sorted(items, key=lambda item: collator.sort_key(name_of(item)))
