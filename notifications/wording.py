"""How a notification reads: its detail line, worded when it is read, in the reader's language
and time zone.

A notification is written once, in the actor's request, and read later by its recipient: on
the notifications page, in the bell's live list, in e-mails and digests. So an action stores
no sentence: it stores a ``DetailCode`` and the values the sentence needs (``detail()``:
numbers, moments as ISO 8601 in UTC, delegations' names as they were then, which are worded
in the reader's language when read, by ``delegations.names.recorded_name``, and words people
wrote, which are quoted as written and never translated). ``detail_text`` and ``detail_html``
word the line in the active language and time zone; ``as_recipient`` activates a
recipient's own, outside a request of theirs.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.moments import local_text, time_element
from delegations.names import recorded_name

# The most of a person's words a line quotes (a comment, a reason): the start of it.
QUOTE_LENGTH = 300


class DetailCode(models.TextChoices):
    """Every kind of detail line, and (in comments) the values it needs."""

    CLOSES = "closes"  # deadline
    CONSULTATION_CLOSES = "consultation_closes"  # deadline
    SIGN_ON_CLOSES = "sign_on_closes"  # deadline
    CONSULTATION_CLOSED = "consultation_closed"  # deadline
    SIGN_ON_CLOSED = "sign_on_closed"  # deadline
    SIGNATURES_VOID = "signatures_void"  # count
    SIGNATORIES = "signatories"  # count
    SIGNED_SO_FAR = "signed_so_far"  # count
    LATE_SIGNATURE = "late_signature"  # count
    OPEN_TO_LATE_SIGNATURES = "open_to_late_signatures"
    SIGNATURE_REMOVED = "signature_removed"  # delegation, reason
    REASON = "reason"  # reason
    REVISION = "revision"  # number
    REVISION_BY_AMENDMENT = "revision_by_amendment"  # number, delegation
    COMMENT = "comment"  # position (None: a paragraph since removed), excerpt
    REPLACEMENT_PROPOSED = "replacement_proposed"  # position, delegation
    INSERTION_PROPOSED = "insertion_proposed"  # position, delegation
    DELETION_PROPOSED = "deletion_proposed"  # position, delegation
    AMENDMENT_IN_REVISION = "amendment_in_revision"  # position, number


@dataclass(frozen=True)
class Detail:
    """A detail line as stored: its code and its values, ready for a JSON field."""

    code: str
    args: dict[str, Any] = field(default_factory=dict)


def quoted(words: str) -> str:
    """A person's words as a line quotes them: on one line, and at most ``QUOTE_LENGTH``."""
    return " ".join(words.split())[:QUOTE_LENGTH]


def detail(code: str, **values: int | str | datetime | None) -> Detail:
    """The line ``code`` with ``values``: moments are kept as ISO 8601 in UTC, and words (a
    reason, a comment, a delegation's name) as ``quoted`` gives them."""
    args: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, datetime):
            args[name] = value.astimezone(UTC).isoformat()
        elif isinstance(value, str):
            args[name] = quoted(value)
        else:
            args[name] = value
    return Detail(code, args)


def detail_text(code: str, args: Mapping[str, Any]) -> str:
    """The line as plain text, in the active language and time zone: for e-mails' text part
    and the live list (which puts it into the page as text)."""
    return _worded(code, args, html=False)


def detail_html(code: str, args: Mapping[str, Any]) -> SafeString:
    """The line as HTML: every value escaped, and moments as ``<time>`` with UTC on hover, as
    ``{% when %}`` shows them."""
    # Safe: _worded escapes the sentence and every value it puts in.
    return mark_safe(_worded(code, args, html=True))


@dataclass(frozen=True)
class Wording:
    """What a line declared by another app (``register_line``) is worded with: its stored
    values, and the ways to put them into a sentence for a page (HTML) or for text."""

    args: Mapping[str, Any]
    html: bool

    def say(self, sentence: str, **values: Any) -> str:
        """``sentence`` (from the catalogue) with ``values``, escaped for a page."""
        if not self.html:
            return sentence % values
        return escape(sentence) % {
            name: value if isinstance(value, int) else conditional_escape(value)
            for name, value in values.items()
        }

    def when(self, name: str) -> str:
        """The stored moment ``name`` in the reader's zone (a ``<time>`` on a page)."""
        moment = datetime.fromisoformat(self.args[name])
        return time_element(moment) if self.html else local_text(moment)

    def delegation(self, name: str = "delegation") -> str:
        """The stored delegation ``name`` in the reader's language."""
        return recorded_name(str(self.args.get(name) or ""))


# Lines other apps declare, by code: a new kind of line needs no change here.
_LINES: dict[str, Callable[[Wording], str]] = {}


def register_line(code: str, word: Callable[[Wording], str]) -> None:
    """Declare how the line ``code`` reads (from an ``AppConfig.ready``); ``word`` gets a
    ``Wording`` and returns the sentence in the active language."""
    if code in DetailCode.values or (code in _LINES and _LINES[code] is not word):
        raise ValueError(f"Two detail lines have the code {code!r}")
    _LINES[code] = word


def _worded(code: str, args: Mapping[str, Any], *, html: bool) -> str:
    declared = _LINES.get(code)
    if declared is not None:
        return declared(Wording(args, html))

    def say(sentence: str, **values: Any) -> str:
        if not html:
            return sentence % values
        # The sentence is the catalogue's (trusted, but plain text); values are escaped unless
        # already safe (a <time> element). Numbers stay numbers for %d.
        return escape(sentence) % {
            name: value if isinstance(value, int) else conditional_escape(value)
            for name, value in values.items()
        }

    moment: Callable[[datetime], str] = time_element if html else local_text

    def when(name: str) -> str:
        return moment(datetime.fromisoformat(args[name]))

    count = int(args.get("count") or 0)
    # Stored as the coalition named it then, in English; read in the reader's language.
    delegation = recorded_name(str(args.get("delegation") or ""))
    match code:
        case DetailCode.CLOSES:
            return say(_("Closes %(deadline)s"), deadline=when("deadline"))
        case DetailCode.CONSULTATION_CLOSES:
            return say(_("Consultation closes %(deadline)s"), deadline=when("deadline"))
        case DetailCode.SIGN_ON_CLOSES:
            return say(_("Sign-on closes %(deadline)s"), deadline=when("deadline"))
        case DetailCode.CONSULTATION_CLOSED:
            return say(_("Consultation closed on %(deadline)s"), deadline=when("deadline"))
        case DetailCode.SIGN_ON_CLOSED:
            return say(_("Sign-on closed on %(deadline)s"), deadline=when("deadline"))
        case DetailCode.SIGNATURES_VOID:
            return say(
                ngettext(
                    "%(count)d signature void; sign again when sign-on reopens",
                    "%(count)d signatures void; sign again when sign-on reopens",
                    count,
                ),
                count=count,
            )
        case DetailCode.SIGNATORIES:
            return say(ngettext("%(count)d signatory", "%(count)d signatories", count), count=count)
        case DetailCode.SIGNED_SO_FAR:
            return say(
                ngettext(
                    "%(count)d delegation has signed so far",
                    "%(count)d delegations have signed so far",
                    count,
                ),
                count=count,
            )
        case DetailCode.LATE_SIGNATURE:
            return say(
                ngettext(
                    "Late signature, after publication: %(count)d signatory now",
                    "Late signature, after publication: %(count)d signatories now",
                    count,
                ),
                count=count,
            )
        case DetailCode.OPEN_TO_LATE_SIGNATURES:
            return say(_("Published, and open to late signatures"))
        case DetailCode.SIGNATURE_REMOVED:
            return say(
                _("%(delegation)s — reason: %(reason)s"),
                delegation=delegation,
                reason=args["reason"],
            )
        case DetailCode.REASON:
            return say(_("Reason: %(reason)s"), reason=args["reason"])
        case DetailCode.REVISION:
            return say(_("Revision %(number)s"), number=args["number"])
        case DetailCode.REVISION_BY_AMENDMENT:
            return say(
                _("Revision %(number)s: amendment by %(delegation)s accepted"),
                number=args["number"],
                delegation=delegation,
            )
        case DetailCode.COMMENT if args.get("position"):
            return say(
                _("On ¶ %(position)s: %(excerpt)s"),
                position=args["position"],
                excerpt=args["excerpt"],
            )
        case DetailCode.COMMENT:
            return say(_("On a paragraph since removed: %(excerpt)s"), excerpt=args["excerpt"])
        case DetailCode.REPLACEMENT_PROPOSED:
            return say(
                _("Replace ¶ %(position)s, by %(delegation)s"),
                position=args["position"],
                delegation=delegation,
            )
        case DetailCode.INSERTION_PROPOSED:
            return say(
                _("Insert after ¶ %(position)s, by %(delegation)s"),
                position=args["position"],
                delegation=delegation,
            )
        case DetailCode.DELETION_PROPOSED:
            return say(
                _("Delete ¶ %(position)s, by %(delegation)s"),
                position=args["position"],
                delegation=delegation,
            )
        case DetailCode.AMENDMENT_IN_REVISION:
            return say(
                _("¶ %(position)s, now in revision %(number)s"),
                position=args["position"],
                number=args["number"],
            )
    return ""


@contextmanager
def as_recipient(person: Any) -> Iterator[None]:
    """Speak the person's language and show times in their time zone: e-mails go out from the
    task worker and live frames from someone else's request, where nothing has chosen them."""
    language = getattr(person, "language", "") or settings.LANGUAGE_CODE
    try:
        zone = zoneinfo.ZoneInfo(getattr(person, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    with translation.override(language), timezone.override(zone):
        yield
