"""Text people type is shown as text, wherever it is shown.

Each payload of ``PAYLOADS`` is put into every text field people fill in (a statement's title
and text, comments, replies, amendments and their justifications, the reasons for rejecting,
withdrawing and removing a signature, a person's name, a delegation's and a body's names, a
token's name) and every place they show is checked: the pages, the live events, the e-mails,
the exports and the API. In HTML, nothing may come from the payload as markup: no script but
the page's own files, no event handler, no ``javascript:`` address, no image, frame or SVG
(Accord's templates have none); and the title still reads as typed.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree

import docx
import pytest
from channels.layers import get_channel_layer
from django.urls import reverse

from delegations import actions as delegation_actions
from delegations.admin import MAX_NEW_BODY_NAME
from delegations.models import Body, Delegation, User
from drafts import actions as drafts_actions
from drafts.models import Amendment, RevisionParagraph, Statement
from notifications.email import digest_email, notification_email
from notifications.models import Notification
from tests.conftest import TEXT, client_for, delegation, later, proof_for
from workflow import actions, exports, selectors

PAYLOADS = [
    "<script>alert('xss-1')</script>",
    '"><img src=x onerror=alert(2)>',
    "[click me](javascript:alert(3)) and ![pic](javascript:alert(4))",
    "<svg onload=alert(5)></svg>",
    "&lt;script&gt;alert(6)&lt;/script&gt; &amp; &#60;b&#62;",
    "</textarea></title><script>alert(7)</script>",
    "{{ request.user.password }} {% csrf_token %} ${alert(8)}",
    "\u202egnirts desrever\u202c <a href='javascript:alert(9)'>x</a>",
    '<iframe srcdoc="<script>alert(10)</script>"></iframe>',
    "Z" * 1900 + "<script>alert(11)</script>",
    "Headline\r\nBcc: evil@example.org\r\n\r\n<b>bold</b>",
]

ATOM = "{http://www.w3.org/2005/Atom}"
# The page's own script files: its static files and the catalogue of interface strings.
OWN_SCRIPTS = ("/static/", "/i18n/js/")
DANGEROUS_TAGS = frozenset({"img", "svg", "iframe", "object", "embed", "style", "base", "math"})


class Markup(HTMLParser):
    """What a browser would run or load from a page, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "script":
            self._in_script = True
            source = named.get("src") or ""
            if not source.startswith(OWN_SCRIPTS) and named.get("type") != "application/json":
                self.found.append(f"<script src={source!r}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("srcdoc", "formaction"):
                self.found.append(f"<{tag} {name}>")
            if value and name in ("href", "src", "action", "xlink:href"):
                address = "".join(value.split()).lower()
                if address.startswith(("javascript:", "vbscript:", "data:text")):
                    self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append("inline script content")
        self.text.append(data)


def read(html: str) -> Markup:
    parser = Markup()
    parser.feed(html)
    parser.close()
    return parser


def fit(payload: str, model: Any, name: str) -> str:
    limit = model._meta.get_field(name).max_length
    return payload[:limit] if limit else payload


@dataclass
class Scene:
    payload: str
    published: Statement
    withdrawn: Statement
    consulting: Statement
    voice: User  # a Kenyan signatory whose name is the payload
    reply_to: int  # a thread on the statement in consultation
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return fit(self.payload, Statement, "title").strip()


@pytest.fixture
def scene(
    request: pytest.FixtureRequest,
    cast: dict[str, Any],
    chair: User,
    coordinator: User,
    pen_delegate: User,
    third_signatory: User,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Scene]:
    payload: str = request.param
    events: list[dict[str, Any]] = []
    layer = get_channel_layer()
    assert layer is not None
    sent = layer.group_send

    async def recording(group: str, message: dict[str, Any]) -> None:
        events.append(message)
        await sent(group, message)

    monkeypatch.setattr(layer, "group_send", recording)
    with django_capture_on_commit_callbacks(execute=True):
        body = delegation_actions.create_body(
            # The admin's limit: the chairs' group is named after the body.
            None,
            name=payload[:MAX_NEW_BODY_NAME],
            kind=Body.Kind.TASK_FORCE,
        )
        delegation_actions.set_chairs(None, body, chairs=[chair])
        kenya = delegation("KE")
        delegation_actions.update_delegation(
            None, kenya, name=fit(payload, Delegation, "name"), is_member=True
        )
        voice = delegation_actions.add_person(
            None,
            email="voice.ke@example.org",
            full_name=fit(payload, User, "full_name"),
            role=User.Role.SIGNATORY,
            delegation=kenya,
            password="a-long-test-password",
        )
        delegation_actions.create_api_token(voice, name=payload[:80])

        def start() -> Statement:
            return actions.create_statement(
                pen_delegate,
                title=fit(payload, Statement, "title"),
                kind=Statement.Kind.JOINT_STATEMENT,
                body=body,
                pen_holders=[delegation("NL")],
                # First (after the heading), where summaries and feeds quote it, and last.
                text=TEXT.replace("\n\n", f"\n\n{payload}\n\n", 1) + f"\n{payload}\n",
                min_signatures=1,
            )

        def consult(statement: Statement) -> int:
            actions.open_consultation(chair, statement, deadline=later(10), advisers_invited=True)
            rows = RevisionParagraph.objects.filter(revision=statement.current_revision)
            third, fourth = (
                rows.get(text__contains=words).paragraph for words in ("Recalling", "Call upon")
            )
            thread = drafts_actions.comment_on_paragraph(
                voice, statement, paragraph=third, body=payload
            )
            drafts_actions.reply_to_comment(pen_delegate, thread, body=payload)
            drafts_actions.propose_amendment(
                voice,
                statement,
                paragraph=third,
                kind=Amendment.Kind.REPLACE,
                text=payload,
                justification=payload,
            )
            refused = drafts_actions.propose_amendment(
                voice,
                statement,
                paragraph=fourth,
                kind=Amendment.Kind.DELETE,
                text="",
                justification=payload,
            )
            drafts_actions.reject_amendment(pen_delegate, refused, reason=payload)
            return thread.pk

        published = start()
        consult(published)
        actions.open_sign_on(chair, published, deadline=later(7))
        actions.sign_on(voice, published, proof=proof_for(voice))
        actions.sign_on(third_signatory, published, proof=proof_for(third_signatory))
        actions.publish(coordinator, published)
        actions.remove_signature(coordinator, published, delegation("FR"), reason=payload)
        withdrawn = start()
        actions.withdraw(chair, withdrawn, reason=payload)
        consulting = start()
        thread = consult(consulting)
    for statement in (published, withdrawn, consulting):
        statement.refresh_from_db()
    yield Scene(payload, published, withdrawn, consulting, voice, thread, events)


def pages_of(scene: Scene, cast: dict[str, Any]) -> dict[str, tuple[User | None, str]]:
    """Every page where the scene's text shows, and who looks at it."""
    done, draft, open_ = scene.published, scene.withdrawn, scene.consulting
    last = done.instrument_revision.number if done.instrument_revision else 1
    return {
        "statement (published)": (scene.voice, reverse("workflow:statement", args=[done.pk])),
        "statement (consultation)": (scene.voice, reverse("workflow:statement", args=[open_.pk])),
        "statement (withdrawn)": (cast["chair"], reverse("workflow:statement", args=[draft.pk])),
        "statement record": (cast["chair"], reverse("workflow:record", args=[done.pk])),
        "edit": (cast["pen_delegate"], reverse("drafts:edit", args=[open_.pk])),
        "reply form": (scene.voice, reverse("drafts:reply", args=[open_.pk, scene.reply_to])),
        "history": (scene.voice, reverse("drafts:history", args=[done.pk])),
        "compare": (
            scene.voice,
            reverse("drafts:compare", args=[done.pk]) + f"?from=1&to={last}",
        ),
        "dashboard (chair)": (cast["chair"], reverse("workflow:dashboard")),
        "dashboard (signatory)": (scene.voice, reverse("workflow:dashboard")),
        "dashboard (coordinator)": (cast["coordinator"], reverse("workflow:dashboard")),
        "public list": (None, reverse("workflow:public_list")),
        "public search": (None, reverse("workflow:public_list") + "?q=alert"),
        "public detail": (None, reverse("workflow:public_detail", args=[done.slug])),
        "audit record": (cast["coordinator"], reverse("audit:record")),
        "profile": (scene.voice, reverse("delegations:profile")),
        "notification centre": (cast["pen_delegate"], reverse("notifications:centre")),
        "notification centre (signatory)": (scene.voice, reverse("notifications:centre")),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("scene", PAYLOADS, indirect=True, ids=lambda p: p[:24])
def test_every_place_shows_the_payload_as_text(
    scene: Scene, cast: dict[str, Any], record_property: Any
) -> None:
    problems: list[str] = []
    places = 0

    def check_html(place: str, html: str, *, title_shown: bool = False) -> None:
        nonlocal places
        places += 1
        parsed = read(html)
        if parsed.found:
            problems.append(f"{place}: markup from the payload: {parsed.found[:3]}")
        if title_shown and scene.title not in "".join(parsed.text):
            problems.append(f"{place}: the title does not read as typed")

    # Pages.
    for place, (person, address) in pages_of(scene, cast).items():
        response = client_for(person).get(address)
        if response.status_code != 200:
            problems.append(f"{place}: {response.status_code}")
            continue
        check_html(place, response.content.decode(), title_shown=place.startswith("statement ("))
    # The verification page, given the payload as the text to check.
    verified = client_for(None).post(reverse("workflow:verify"), {"text": scene.payload})
    check_html("verification result", verified.content.decode())
    # The feed, read as a feed reader reads it: the XML parsed, and each element of
    # type="html" (its summary) rendered as HTML.
    feed = ElementTree.fromstring(client_for(None).get(reverse("workflow:public_feed")).content)
    entries = feed.findall(f"{ATOM}entry")
    if not entries:
        problems.append("feed: no entry")
    for entry in entries:
        for element in entry:
            if element.get("type") == "html":
                check_html(f"feed {element.tag.removeprefix(ATOM)}", element.text or "")
        title = entry.findtext(f"{ATOM}title") or ""
        places += 1
        if title.replace("\r\n", "\n") != scene.title.replace("\r\n", "\n"):
            problems.append("feed: the title does not read as typed")

    # E-mails: every notification the scene sent, and a digest of them.
    notifications = list(Notification.objects.select_related("recipient"))
    assert notifications
    for notification in notifications:
        message = notification_email(notification)
        message.message()  # builds the headers: a line break in a title would be refused here
        (html, _), *_ = message.alternatives
        check_html(f"e-mail {notification.event}", str(html))
    digest = digest_email(cast["pen_delegate"], notifications)
    check_html("digest e-mail", str(digest.alternatives[0][0]))

    # Exports: the PDF's HTML, and the Word file's literal text.
    done = scene.published
    revision = done.instrument_revision
    assert revision is not None
    signatures = selectors.signatures_on(revision)
    check_html("PDF (its HTML)", exports.revision_html(done, revision, signatures))
    document = docx.Document(io.BytesIO(exports.revision_docx(done, revision, signatures)))
    places += 1
    words = "\n".join(paragraph.text for paragraph in document.paragraphs)
    if one_line(scene.title) not in one_line(words):
        problems.append("DOCX: the title is not there as literal text")

    # The API: data, as JSON.
    for address in (
        f"/api/statements/{done.pk}/",
        f"/api/statements/{done.pk}/comments/",
        f"/api/statements/{done.pk}/amendments/",
        f"/api/statements/{done.pk}/signatures/",
        f"/api/public/statements/{done.slug}/",
    ):
        response = client_for(scene.voice).get(address)
        places += 1
        if response["Content-Type"] != "application/json":
            problems.append(f"{address}: {response['Content-Type']}")
        elif address.endswith(f"{done.pk}/") and response.json()["title"] != scene.title:
            problems.append(f"{address}: the title changed on the way")

    # Live events: ids and short plain-text fields, never markup made by the server.
    assert scene.events, "the actions told the open pages"
    places += 1
    for event in scene.events:
        for key, value in flat(event):
            if isinstance(value, str) and "<" in value and not is_typed(value, scene):
                problems.append(f"live event {event.get('type')}: {key} carries markup")

    record_property("xss_places", places)
    PLACES_CHECKED.append(places)
    assert not problems, "\n".join(problems)


PLACES_CHECKED: list[int] = []


def flat(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from flat(inner, f"{key}.{name}" if key else str(name))
    elif isinstance(value, list):
        for inner in value:
            yield from flat(inner, key)
    else:
        yield key, value


def is_typed(value: str, scene: Scene) -> bool:
    """Plain text a person typed (a name, a title), sent as text for the page to show as text:
    Accord's scripts only ever set ``textContent`` with it."""
    return one_line(scene.payload)[:20] in one_line(value)


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_scripts_never_write_html() -> None:
    """What makes plain text in live events safe: the pages' scripts put it in as text."""
    from pathlib import Path

    scripts = list((Path(__file__).resolve().parents[1] / "static" / "js").glob("*.js"))
    assert scripts
    for script in scripts:
        source = script.read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, f"{script.name} uses {sink}"


@pytest.fixture(scope="module", autouse=True)
def report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and PLACES_CHECKED:
        reporter.write_line(
            f"XSS corpus: {len(PLACES_CHECKED)} payloads x {max(PLACES_CHECKED)} places "
            f"= {sum(PLACES_CHECKED)} checks"
        )


def test_the_checker_finds_what_it_looks_for() -> None:
    found = read(
        '<p onclick="x">a</p><script>1</script><a href=" javascript:1">x</a><img src=x>'
        '<script src="/static/js/live.js"></script>'
    ).found
    assert found == [
        "<p onclick>",
        "<script src=''>",
        "inline script content",
        "<a href= javascript:1>",
        "<img>",
    ]
    assert json.dumps(found)
