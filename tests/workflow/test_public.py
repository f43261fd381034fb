"""The public site: the list of published statements (search, filters, pages), each
statement's page with what a shared link previews, and the Atom feed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import pytest
from django.urls import reverse
from django.utils.text import slugify

from delegations import actions as delegation_actions
from delegations.models import Body, User
from drafts.instrument import ORIGINAL, Part, instrument_hash
from drafts.models import Instrument, Revision, Statement
from drafts.text import content_hash, words_hash
from tests.conftest import TEXT, StatementMaker, client_for, delegation, person, proof_for
from workflow import actions
from workflow.models import Signature

pytestmark = pytest.mark.django_db
State = Statement.State
ATOM = "{http://www.w3.org/2005/Atom}"


def publish_many(
    count: int,
    *,
    body: Body,
    author: User,
    start: datetime = datetime(2025, 1, 1, 12, tzinfo=UTC),
    title: str = "Statement number {n}",
    kind: str = Statement.Kind.JOINT_STATEMENT,
    text: str = TEXT,
    signers: tuple[str, ...] = ("FR", "KE"),
) -> list[Statement]:
    """``count`` published statements, one a day from ``start``, each signed by ``signers``:
    made directly (bulk) for speed, with what publication would have given them."""
    statements = Statement.objects.bulk_create(
        Statement(
            title=title.format(n=n),
            kind=kind,
            body=body,
            state=State.PUBLISHED,
            created_by=author,
            published_at=start + timedelta(days=n),
            slug=f"{start + timedelta(days=n):%Y-%m-%d}-{slugify(title.format(n=n))}",
            words_hash=words_hash(text),
        )
        for n in range(count)
    )
    revisions = Revision.objects.bulk_create(
        Revision(
            statement=statement,
            number=1,
            text=text,
            content_hash=content_hash(text),
            author=author,
            statement_state=State.DRAFT,
        )
        for statement in statements
    )
    instruments = Instrument.objects.bulk_create(
        Instrument(
            statement=statement,
            revision=revision,
            content_hash=instrument_hash([Part(ORIGINAL, revision.content_hash)]),
        )
        for statement, revision in zip(statements, revisions, strict=True)
    )
    for statement, revision, instrument in zip(statements, revisions, instruments, strict=True):
        statement.current_revision = revision
        statement.instrument = instrument
    Statement.objects.bulk_update(statements, ["current_revision", "instrument"])
    delegations = [delegation(code) for code in signers]
    Signature.objects.bulk_create(
        Signature(
            statement=statement,
            delegation=signer,
            instrument=instrument,
            content_hash=content_hash(text),
            given_by=author,
            given_at=start + timedelta(days=n, hours=-1),
            changed_at=start + timedelta(days=n, hours=-1),
        )
        for n, (statement, instrument) in enumerate(zip(statements, instruments, strict=True))
        for signer in delegations
    )
    return statements


@pytest.fixture
def many(plenary: Body, coordinator: User) -> Callable[..., list[Statement]]:
    def make(count: int, **options: Any) -> list[Statement]:
        options.setdefault("body", plenary)
        return publish_many(count, author=coordinator, **options)

    return make


def listing(query: str = "") -> Any:
    return client_for(None).get(reverse("workflow:public_list") + query)


def titles(response: Any) -> list[str]:
    return [s.title for s in response.context["statements"]]


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_newest_first_by_pages(many: Callable[..., list[Statement]]) -> None:
    many(30)
    first = listing()
    assert first.status_code == 200
    assert titles(first)[:2] == ["Statement number 29", "Statement number 28"]
    assert len(titles(first)) == 25
    assert "30 statements published; page 1 of 2" in first.content.decode()
    second = listing("?page=2")
    assert titles(second) == [f"Statement number {n}" for n in range(4, -1, -1)]
    assert listing("?page=3").status_code == 404


def test_search_finds_words_in_the_title_or_the_signed_text(
    many: Callable[..., list[Statement]],
) -> None:
    many(2, title="On encryption {n}", text="# Encryption\n\nStrong ENCRYPTION protects people.\n")
    many(1, title="On shutdowns {n}", start=datetime(2026, 3, 1, tzinfo=UTC))
    assert set(titles(listing("?q=encryption"))) == {"On encryption 0", "On encryption 1"}
    assert titles(listing("?q=refrain+shutting")) == ["On shutdowns 0"]  # words of the text
    assert titles(listing("?q=strong+shutdowns")) == []  # every word must be found
    nothing = listing("?q=quantum")
    assert "No published statement matches this search." in nothing.content.decode()


def test_filters_by_year_body_and_kind(
    many: Callable[..., list[Statement]], task_force: Body
) -> None:
    many(2, title="Plenary {n}", start=datetime(2025, 6, 1, tzinfo=UTC))
    many(
        1,
        title="Task force {n}",
        body=task_force,
        kind=Statement.Kind.RAPID_RESPONSE,
        start=datetime(2026, 2, 1, tzinfo=UTC),
    )
    assert set(titles(listing("?year=2025"))) == {"Plenary 0", "Plenary 1"}
    assert titles(listing(f"?body={task_force.pk}")) == ["Task force 0"]
    assert titles(listing("?kind=rapid_response")) == ["Task force 0"]
    assert titles(listing("?kind=joint_statement&year=2026")) == []
    page = listing().content.decode()
    assert '<option value="2026">2026</option>' in page  # the years that have publications
    assert '<option value="2025">2025</option>' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?year=last", "Choose a year as four digits, e.g. 2026."),
        ("?year=20", "Choose a year as four digits, e.g. 2026."),
        ("?kind=manifesto", "Choose a joint statement or a rapid response."),
        ("?body=999999", "There is no such body; choose one from the list."),
        ("?body=plenary", "There is no such body; choose one from the list."),
        ("?page=0", "Pages are numbered from 1."),
        ("?q=" + "x" * 201, "Search for at most 200 characters."),
    ],
)
def test_a_bad_filter_is_a_400_with_the_message(
    query: str, message: str, many: Callable[..., list[Statement]]
) -> None:
    many(1)
    response = listing(query)
    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    assert response.context["statements"] == []


def test_the_list_costs_the_same_for_10_and_1000_published_statements(
    many: Callable[..., list[Statement]], django_assert_num_queries: Any
) -> None:
    many(10)
    visitor = client_for(None)
    url = reverse("workflow:public_list")
    # count, page of statements, their signatures, the years, the bodies of the filter
    with django_assert_num_queries(5):
        assert visitor.get(url).status_code == 200
    many(990, start=datetime(2020, 1, 1, tzinfo=UTC), title="Older {n}")
    with django_assert_num_queries(5):
        response = visitor.get(url)
    assert "1000 statements published" in response.content.decode()
    with django_assert_num_queries(5):
        assert visitor.get(url + "?q=internet&year=2021&page=2").status_code == 200


# --- one statement ----------------------------------------------------------------------------


def test_unknown_addresses_are_404(make_statement: StatementMaker) -> None:
    visitor = client_for(None)
    assert visitor.get("/published/2026-01-01-no-such-statement/").status_code == 404
    draft = make_statement(State.DRAFT)
    assert visitor.get(f"/published/{draft.pk}/").status_code == 404
    signing = make_statement(State.SIGN_ON, title="Still signing")
    assert signing.slug is None
    assert visitor.get("/published/still-signing/").status_code == 404


def test_the_page_of_a_statement_previews_well_when_shared(
    make_statement: StatementMaker, settings: Any
) -> None:
    settings.ACCORD_BASE_URL = "https://accord.example.org/"
    statement = make_statement(State.PUBLISHED, title='Rights & "freedoms" <online>')
    html = client_for(None).get(reverse("workflow:public_detail", args=[statement.slug]))
    page = html.content.decode()
    url = f"https://accord.example.org/published/{statement.slug}/"

    def meta(attribute: str, name: str) -> str:
        found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
        assert found, name
        return found.group(1)

    assert "<title>Rights &amp; &quot;freedoms&quot; &lt;online&gt; · Accord</title>" in page
    assert meta("property", "og:title") == "Rights &amp; &quot;freedoms&quot; &lt;online&gt;"
    assert meta("property", "og:type") == "article"
    assert meta("property", "og:url") == url
    assert f'<link rel="canonical" href="{url}">' in page
    assert statement.published_at is not None
    assert meta("property", "article:published_time") == statement.published_at.isoformat()
    description = unescape(meta("name", "description"))
    assert description.startswith("Joint statement of 1 member of the coalition. The members")
    assert unescape(meta("property", "og:description")) == description
    assert 'rel="alternate" type="application/atom+xml"' in page
    assert reverse("workflow:verify") in page


def test_the_page_shows_the_text_the_signatories_and_the_hash(
    make_statement: StatementMaker, chair: User
) -> None:
    statement = make_statement(State.SIGN_ON)
    for code in ("NL", "AR", "MV"):
        signer = person(f"s.{code.lower()}@example.org", User.Role.SIGNATORY, delegation(code))
        actions.sign_on(signer, statement, proof=proof_for(signer))
    coordinator = User.objects.get(role=User.Role.COORDINATOR)
    statement = actions.publish(coordinator, statement)
    actions.open_late_signatures(chair, statement)
    korea = person("s.kr@example.org", User.Role.SIGNATORY, delegation("KR"))
    late = actions.sign_on(korea, statement, proof=proof_for(korea))

    page = client_for(None).get(reverse("workflow:public_detail", args=[statement.slug]))
    html = page.content.decode()
    names = re.findall(r"<li>([^<]+?)(?: <span|</li>)", html.split('data-testid="signatories"')[1])
    assert names == ["Argentina", "France", "Republic of Korea", "The Maldives", "The Netherlands"]
    assert "Joint statement of 5 members of the coalition" in html
    korea_row = html[html.index("Republic of Korea") :].split("</li>")[0]
    assert f"{late.given_at:%-d %B %Y}" in korea_row and "after publication" in korea_row
    frozen = statement.instrument_revision
    assert frozen is not None
    # The hash once, in full; not the internal revision number, which means nothing outside.
    assert f'data-testid="full-hash">{frozen.content_hash}<' in html
    assert html.count(frozen.short_hash) == 1
    assert f"Revision {frozen.number}" not in html
    assert "<em>Recalling</em>" in html
    assert "Joint statement · Plenary ·" in html


def test_the_page_of_a_statement_costs_a_fixed_number_of_queries(
    many: Callable[..., list[Statement]], django_assert_num_queries: Any
) -> None:
    few = many(1, signers=("FR",))[0]
    lots = many(
        1, title="Signed by many {n}", signers=("AR", "AT", "CA", "FR", "KE", "MV", "NL", "NO")
    )[0]
    visitor = client_for(None)
    for statement in (few, lots):
        # the statement with its body and text; its signatures with their delegations
        with django_assert_num_queries(2):
            response = visitor.get(reverse("workflow:public_detail", args=[statement.slug]))
        assert response.status_code == 200


# --- the feed ---------------------------------------------------------------------------------


def test_the_atom_feed_lists_publications_newest_first(
    many: Callable[..., list[Statement]], settings: Any, django_assert_num_queries: Any
) -> None:
    settings.ACCORD_BASE_URL = "https://accord.example.org"
    many(3, title="Feed item {n}")
    with django_assert_num_queries(2):
        response = client_for(None).get(reverse("workflow:public_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Feed item 2",
        "Feed item 1",
        "Feed item 0",
    ]
    link = entries[0].find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").startswith("https://accord.example.org/published/")
    summary = entries[0].findtext(f"{ATOM}summary") or ""
    assert summary.startswith("Joint statement of 2 members of the coalition.")
    assert entries[0].findtext(f"{ATOM}published", "").startswith("2025-01-03")


def test_the_feed_is_empty_but_valid_before_anything_is_published(db: None) -> None:
    response = client_for(None).get(reverse("workflow:public_feed"))
    assert response.status_code == 200
    assert ET.fromstring(response.content).findall(f"{ATOM}entry") == []


def test_links_to_the_feed_and_the_verification_page(make_statement: StatementMaker) -> None:
    make_statement(State.PUBLISHED)
    html = listing().content.decode()
    assert f'href="{reverse("workflow:public_feed")}"' in html
    assert f'href="{reverse("workflow:verify")}"' in html


def test_a_new_body_appears_in_the_filter(db: None) -> None:
    body = delegation_actions.create_body(None, name="Working Group on AI", kind="working_group")
    assert f'<option value="{body.pk}">Working Group on AI</option>' in listing().content.decode()
