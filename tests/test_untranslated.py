"""No English left on a French or Spanish page.

Every page a reader meets is rendered twice, for a French and for a Spanish reader, as each
role sees it in each state of a statement's life. What a person reads (text, and the labels
and titles assistive technology reads) is interface, which the catalogues translate, or data
(titles, texts, names, dates), which is the same in both. So a piece of text that reads the
same in French and in Spanish, and is not data, is a string the catalogues do not cover:
hard-coded in a template, in Python or in a message, or marked but never translated.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from audit.models import AuditEntry
from delegations.models import Body, Delegation, User
from delegations.names import shown_name
from drafts import actions as drafts_actions
from drafts.models import Amendment, Comment, Revision, RevisionParagraph, Statement
from notifications.email import burst_email, digest_email, notification_email
from notifications.models import Notification
from tests.conftest import StatementMaker, client_for
from workflow import actions
from workflow.models import Signature

pytestmark = pytest.mark.django_db

# Attributes a reader meets: read aloud, shown on hover, or shown in an empty field.
READ_ATTRIBUTES = {"title", "aria-label", "aria-description", "placeholder", "alt"}

# What a page shows as it is, in every language: code, and what a person typed.
VERBATIM = {"script", "style", "template", "code", "pre", "kbd", "samp", "textarea"}

# Names of things, the same in French and Spanish (and in every language).
SAME_EVERYWHERE = [
    "Accord",
    "Word (.docx)",
    "Markdown",
    "English",
    "Français",
    "Español",
]


class Reading(HTMLParser):
    """The pieces of a page a person reads, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VERBATIM:
            self.hidden += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.pieces.append(value)
            if name == "value" and value and ("type", "submit") in attrs:
                self.pieces.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in VERBATIM and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.pieces.append(data)


def read(html: str) -> set[str]:
    parser = Reading()
    parser.feed(html)
    return {" ".join(piece.split()) for piece in parser.pieces if piece.strip()}


NOT_WORDS = re.compile(
    r"https?://\S+"  # addresses
    r"|\b[0-9a-f]{12,}\b"  # hashes
    r"|\b\d{1,2}:\d{2}\b"  # times
    r"|[^\W\d_]*\d[\w.-]*"  # anything with a digit: dates, revisions, ids, codes
    r"|\b[A-Z]{2,5}\b"  # zone abbreviations and ISO codes
    r"|[\W_]+",  # punctuation and symbols
    re.UNICODE,
)


def wordless(piece: str) -> bool:
    return not NOT_WORDS.sub(" ", piece).strip()


def data_of_the_database() -> tuple[str, list[str]]:
    """Every string people or the seed put into the database, which pages show as typed: the
    long ones (texts) as one blob, the short ones (names, titles) longest first."""
    found: list[str] = []
    for model, fields in (
        (Statement, ["title", "slug", "withdrawal_reason"]),
        (Revision, ["text"]),
        (RevisionParagraph, ["text"]),
        (Comment, ["body", "quote", "wording"]),
        (Amendment, ["text", "justification", "base_text", "rejection_reason"]),
        (Signature, ["removal_reason"]),
        (User, ["full_name", "email", "organisation"]),
        (Body, ["name"]),
        (AuditEntry, ["note"]),
        (Notification, ["subject_title"]),
    ):
        for row in model.objects.values_list(*fields):
            found.extend(" ".join(str(value).split()) for value in row if value)
    # Time zones are named by their IANA identifiers, as shown ("America/New York").
    found.extend(zone.replace("_", " ") for zone in zoneinfo.available_timezones())
    # Countries whose names French and Spanish share ("Ghana", "Costa Rica"); a name left in
    # English where they differ ("Germany") is still caught.
    for delegation in Delegation.objects.all():
        french, spanish = (
            shown_name(delegation.name, delegation.code, "fr"),
            shown_name(delegation.name, delegation.code, "es"),
        )
        if french == spanish:
            found.append(french)
    names = sorted({text for text in found if len(text) <= 200}, key=len, reverse=True)
    return "\n".join(found), names


def untranslated(piece: str, blob: str, names: list[str]) -> bool:
    """True if ``piece`` holds words that are neither data nor the same in every language."""
    if piece in blob:
        return False
    for name in [*names, *SAME_EVERYWHERE]:
        piece = piece.replace(name, " ")
    return not wordless(piece)


@dataclass
class Page:
    name: str
    reader: User | None
    url: str
    posted: dict[str, str] | None = None


def rendered(page: Page, language: str) -> str:
    if page.reader is not None:
        User.objects.filter(pk=page.reader.pk).update(language=language)
    client = client_for(page.reader)
    if page.reader is None:
        client.cookies["django_language"] = language
    if page.posted is not None:
        response = client.post(page.url, page.posted, HTTP_ACCEPT_LANGUAGE=language)
    else:
        response = client.get(page.url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert response.status_code in {200, 400, 404, 409}, (page.name, response.status_code)
    return response.content.decode()


@pytest.fixture
def pages(
    make_statement: StatementMaker,
    pen_delegate: User,
    pen_signatory: User,
    other_signatory: User,
    adviser: User,
    chair: User,
    coordinator: User,
) -> list[Page]:
    """The pages of a statement's whole life, as the people who use them see them."""
    drafting = make_statement(title="Drafting statement")
    consulting = make_statement(
        Statement.State.CONSULTATION, title="Consultation statement", advisers_invited=True
    )
    read = RevisionParagraph.objects.filter(revision=consulting.current_revision).last()
    assert read is not None
    drafts_actions.comment_on_paragraph(
        other_signatory, consulting, paragraph=read.paragraph, body="Throttling should count too."
    )
    drafts_actions.propose_amendment(
        other_signatory,
        consulting,
        paragraph=read.paragraph,
        kind=Amendment.Kind.REPLACE,
        text="A new wording.",
        justification="Clearer.",
    )
    signing = make_statement(Statement.State.SIGN_ON, title="Sign-on statement")
    published = make_statement(Statement.State.PUBLISHED, title="Published statement")
    actions.open_late_signatures(chair, published)
    withdrawn = make_statement(Statement.State.WITHDRAWN, title="Withdrawn statement")
    assert published.slug and published.instrument_revision
    published_text = published.instrument_revision.text

    def on(statement: Statement, name: str) -> str:
        return reverse(name, args=[statement.pk])

    found = [
        Page("login", None, reverse("login")),
        Page("public list", None, reverse("workflow:public_list")),
        Page("public page", None, reverse("workflow:public_detail", args=[published.slug])),
        Page("verify", None, reverse("workflow:verify")),
        Page("not found", None, "/no-such-page/"),
        Page("dashboard", chair, reverse("workflow:dashboard")),
        Page("statements", coordinator, reverse("workflow:statement_list")),
        Page("new statement", pen_delegate, reverse("workflow:create")),
        Page("profile", pen_signatory, reverse("delegations:profile")),
        Page("two-factor", pen_delegate, reverse("delegations:two_factor_setup")),
        Page("notifications", pen_delegate, reverse("notifications:centre")),
        Page("preferences", pen_delegate, reverse("notifications:preferences")),
        Page("audit", coordinator, reverse("audit:record")),
        Page("withdrawn", chair, on(withdrawn, "workflow:statement")),
        # Steps that ask once more, and a step refused for its input.
        Page("publish?", coordinator, on(signing, "workflow:publish"), {}),
        Page("withdraw?", chair, on(consulting, "workflow:withdraw"), {"reason": "Overtaken."}),
        Page(
            "return?",
            chair,
            on(signing, "workflow:return_to_drafting"),
            {"reason": "More work needed."},
        ),
        Page("no deadline", chair, on(consulting, "workflow:open_sign_on"), {"deadline": ""}),
        Page("verified", None, reverse("workflow:verify"), {"text": published_text}),
        Page("not verified", None, reverse("workflow:verify"), {"text": "Something else."}),
    ]
    for statement in (drafting, consulting, signing, published):
        state = statement.state
        found.extend(
            Page(f"{state} as {reader.role}", reader, on(statement, "workflow:statement"))
            for reader in (pen_delegate, other_signatory, adviser, chair, coordinator)
        )
        found += [
            Page(f"{state} edit", pen_delegate, on(statement, "drafts:edit")),
            Page(f"{state} history", chair, on(statement, "drafts:history")),
            Page(f"{state} record", chair, on(statement, "workflow:record")),
            Page(
                f"{state} compare",
                chair,
                on(statement, "drafts:compare") + "?from=1&to=1",
            ),
        ]
    return found


def test_no_english_is_left_on_a_french_or_spanish_page(pages: list[Page]) -> None:
    blob, names = data_of_the_database()
    typed = [value for page in pages for value in (page.posted or {}).values() if value]
    names = sorted([*names, *typed], key=len, reverse=True)
    left: dict[str, set[str]] = {}
    for page in pages:
        french = read(rendered(page, "fr"))
        spanish = read(rendered(page, "es"))
        same = {piece for piece in french & spanish if untranslated(piece, blob, names)}
        if same:
            left[page.name] = same
    assert left == {}


def test_no_english_is_left_in_a_french_or_spanish_email(
    pages: list[Page], pen_delegate: User, chair: User
) -> None:
    """The e-mails of the same life: one notification, a burst, a day's digest."""
    blob, names = data_of_the_database()
    left: dict[str, set[str]] = {}
    for reader in (pen_delegate, chair):
        waiting = list(Notification.objects.filter(recipient=reader).order_by("id"))
        assert len(waiting) > 2
        emails: dict[str, Callable[[User, list[Notification]], EmailMultiAlternatives]] = {
            "one": lambda person, rows: notification_email(rows[0]),
            "burst": lambda person, rows: burst_email(person, rows[:3]),
            "digest": digest_email,
        }
        for name, email in emails.items():
            readings = []
            for language in ("fr", "es"):
                reader.language = language
                for notification in waiting:
                    notification.recipient = reader
                message = email(reader, waiting)
                html = str(message.alternatives[0][0])
                readings.append({message.subject, *message.body.splitlines()} | read(html))
            same = {
                " ".join(piece.split())
                for piece in readings[0] & readings[1]
                if piece.strip() and untranslated(" ".join(piece.split()), blob, names)
            }
            if same:
                left[f"{name} to {reader.role}"] = same
    assert left == {}
