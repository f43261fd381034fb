"""How a person is named in a live frame, which reaches every page open on a statement and is
worded by each page in its reader's language."""

from __future__ import annotations

from typing import Any

from django.utils import translation


def person_of(person: Any) -> dict[str, str]:
    """``name``, ``affiliation`` in English (a delegation's coalition name, an organisation's
    own, or Accord's word for the coordination unit or the advisory network) and
    ``affiliation_code`` (``User.affiliation_code``), by which a page words the affiliation in
    its reader's language."""
    with translation.override("en"):
        affiliation = str(person.affiliation)
    return {
        "name": person.full_name,
        "affiliation": affiliation,
        "affiliation_code": person.affiliation_code,
    }
