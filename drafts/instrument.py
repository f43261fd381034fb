"""The signed instrument: what a signature commits to.

When sign-on opens, the statement's text is frozen into an ``Instrument``: today one part, the
original text (a revision and its SHA-256). Language versions and attached reservations join
it as further parts; a signature commits to the instrument as a whole, and the instrument's
hash covers every part.

The instrument hash (``instrument_hash``) is the SHA-256 (hex) of this UTF-8 text::

    accord-instrument/1\n
    <part name>\t<SHA-256 of the part's canonical text>\n      (one line per part)

with the parts in their fixed order (the original first). The original's part name is
``original``. So for a statement signed in one text whose canonical form hashes to ``h``, it
is ``sha256("accord-instrument/1\noriginal\t" + h + "\n")``: anyone holding the text can
recompute it (``printf 'accord-instrument/1\noriginal\t%s\n' "$h" | sha256sum``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

HEADER = "accord-instrument/1\n"
ORIGINAL = "original"


@dataclass(frozen=True)
class Part:
    """One text of an instrument: its name and its canonical text's SHA-256."""

    name: str
    content_hash: str


def instrument_hash(parts: Iterable[Part]) -> str:
    """The SHA-256 over an instrument's parts, as the module's documentation defines it."""
    lines = "".join(f"{part.name}\t{part.content_hash}\n" for part in parts)
    return hashlib.sha256((HEADER + lines).encode("utf-8")).hexdigest()
