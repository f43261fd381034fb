"""How an amendment changes a text, as pure functions of strings: a statement's text checked
and made canonical, an amendment applied to its paragraph, and an open amendment carried onto
its paragraph's new wording (or why it no longer applies)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from drafts.errors import InvalidAmendment, InvalidText
from drafts.merge import merge
from drafts.models import Amendment
from drafts.paragraphs import BLANK_LINE, Block, blocks, join, respaced
from drafts.text import canonical_text


def checked_text(text: str) -> str:
    """``text`` in canonical form; ``InvalidText`` if it is empty or over the size limit."""
    canonical = canonical_text(text)
    if not canonical:
        raise InvalidText(_("A statement's text cannot be empty."))
    size = len(canonical.encode("utf-8"))
    if size > settings.ACCORD_MAX_TEXT_BYTES:
        raise InvalidText(
            _("The text is %(size)s KB; the most a statement may hold is %(most)s KB.")
            % {"size": size // 1000, "most": settings.ACCORD_MAX_TEXT_BYTES // 1000}
        )
    return canonical


# Why an open amendment no longer applies to its paragraph's new wording.
OutdatedBecause = Amendment.OutdatedBecause


COLLIDES, ALREADY_SO, EDITED = (
    OutdatedBecause.COLLIDES,
    OutdatedBecause.ALREADY_SO,
    OutdatedBecause.EDITED,
)


def carry_over(kind: str, old_wording: str, proposal: str, new_wording: str) -> tuple[str, str]:
    """An amendment's proposed text carried from its paragraph's ``old_wording`` onto
    ``new_wording``; or ``("", why)`` when it no longer applies.

    A replacement is merged three ways, word by word (``drafts.merge``): the change that made
    ``new_wording`` and the amendment's change both apply when they touch different words
    (``COLLIDES`` when they touch the same ones, ``ALREADY_SO`` when the new wording already
    says what the amendment proposes). A paragraph inserted after it does not depend on its
    wording. A deletion proposed against a wording that has since been edited would delete
    words its proposer never saw (``EDITED``), as ``drafts.merge`` counts an edit against a
    deletion as a conflict.
    """
    if old_wording == new_wording or kind == Amendment.Kind.INSERT_AFTER:
        return proposal, ""
    if kind == Amendment.Kind.DELETE:
        return "", EDITED
    result = merge(old_wording, new_wording, proposal)
    if not result.clean:
        return "", COLLIDES
    carried = result.text.removesuffix("\n")
    if carried == new_wording:
        return "", ALREADY_SO
    return carried, ""


def applied(kind: str, index: int, proposal: str, text: str) -> tuple[str, dict[int, int]]:
    """``text`` with the amendment applied to its paragraph at ``index`` (from 0), and which
    paragraph of ``text`` each paragraph of the result is (new index → old index).

    Raises ``InvalidAmendment`` when the result would be empty or too long, or when the
    proposed wording would not stay paragraphs of its own once in the text.
    """
    parts = blocks(text)
    count = len(parts)
    new = blocks(proposal) if proposal else []
    spliced: list[Block]
    origins: list[int | None]
    if kind == Amendment.Kind.DELETE:
        spliced = [*parts[:index], *parts[index + 1 :]]
        origins = [*range(index), *range(index + 1, count)]
    elif kind == Amendment.Kind.REPLACE:
        first = Block(parts[index].separator, new[0].text)
        spliced = [*parts[:index], first, *new[1:], *parts[index + 1 :]]
        origins = [*range(index), index, *[None] * (len(new) - 1), *range(index + 1, count)]
    else:
        # A list item inserted in a list written without blank lines keeps the list so.
        tight = (
            parts[index].is_list_item
            and new[0].is_list_item
            and any(part.separator == "\n" for part in parts[index : index + 2])
        )
        first = Block("\n" if tight else BLANK_LINE, new[0].text)
        spliced = [*parts[: index + 1], first, *new[1:], *parts[index + 1 :]]
        origins = [*range(index + 1), *[None] * len(new), *range(index + 1, count)]
    spliced = respaced(spliced)
    result = join(spliced)
    if [block.text for block in blocks(result)] != [block.text for block in spliced]:
        raise InvalidAmendment(
            _(
                "Once in the text, this wording would run into the paragraph before or after it. "
                "Write it as a paragraph of its own (a list item starts with its number)."
            ),
            field="text",
        )
    try:
        checked_text(result)
    except InvalidText as invalid:
        raise InvalidAmendment(
            _("With this amendment: %(invalid)s") % {"invalid": invalid}, field="text"
        ) from invalid
    return result, {new: old for new, old in enumerate(origins) if old is not None}
