"""The kinds of thing Accord tells people about, declared by the apps that own them.

An app declares its kinds (``Kind``: a stable code, the label people read on the centre, the
preferences page and e-mails, and who gets it by e-mail unless they choose otherwise) in its own
module and registers them when it loads (``AppConfig.ready``). This app stores the code and
knows no kind by name: a new kind needs no migration here, only its declaration, the action
that sends it and its catalogue entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Kind:
    """One kind of notification."""

    code: str
    label: StrOrPromise
    # What a signatory must not miss reaches them by e-mail unless they say otherwise.
    emailed_to_signatories: bool = False

    def __str__(self) -> str:
        return self.code


_KINDS: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    """Declare ``kinds`` (from an ``AppConfig.ready``); the same kind twice is harmless, two
    kinds with one code are a mistake."""
    for kind in kinds:
        known = _KINDS.get(kind.code)
        if known is not None and known != kind:
            raise ValueError(f"Two notification kinds have the code {kind.code!r}")
        _KINDS[kind.code] = kind


def all_kinds() -> list[Kind]:
    """Every kind, in the order the apps declared them."""
    return list(_KINDS.values())


def find(code: str) -> Kind | None:
    """The kind with this code, if an app declares one."""
    return _KINDS.get(code)


def codes() -> list[str]:
    return list(_KINDS)


def label_of(code: str) -> str:
    """The kind's label in the active language; a code no app declares (any more) as is."""
    kind = _KINDS.get(code)
    return str(kind.label) if kind is not None else code


def choices() -> list[tuple[str, str]]:
    """(code, label) of every kind, for a form or a filter."""
    return [(kind.code, str(kind.label)) for kind in _KINDS.values()]
