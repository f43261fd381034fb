"""The dashboard shows the first rows of each section; the full list is one click away.

A coalition's years of statements must not land on one page: each dashboard section shows its
most urgent rows and how many there are in all, and ``/statements/`` lists them all (or one
section), narrowed by state and title words, page by page. Bad filters get a 400 with the
message, a page past the end a 404.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from delegations.models import User
from drafts.models import Statement
from tests.conftest import StatementMaker, client_for
from workflow import selectors, views

State = Statement.State
pytestmark = pytest.mark.django_db
LIST = reverse("workflow:statement_list")


def titles_in(page: str) -> list[str]:
    """The statement titles of a list or dashboard page, in the order shown."""
    return re.findall(r'class="row-title" href="[^"]+">([^<]+)</a>', page)


@pytest.fixture
def five_drafts(make_statement: StatementMaker) -> list[Statement]:
    """Five drafts Canada holds the pen on, the last one changed most recently."""
    return [make_statement(title=f"Draft number {n}") for n in range(1, 6)]


def test_a_dashboard_section_shows_its_first_rows_and_links_to_the_rest(
    five_drafts: list[Statement], pen_delegate: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "DASHBOARD_ROWS", 3)
    response = client_for(pen_delegate).get(reverse("workflow:dashboard"))
    page = response.content.decode()
    pen = response.context["dashboard"].pen
    assert (len(pen.rows), pen.total, pen.more) == (3, 5, 2)
    # Most recently changed first, as the section orders them; the two oldest wait in the list.
    assert titles_in(page) == ["Draft number 5", "Draft number 4", "Draft number 3"]
    assert 'Drafts Canada holds the pen on <span class="section-count">(5)</span>' in page
    assert f'href="{LIST}?section=pen">See all 5 statements' in page


def test_a_section_that_fits_has_no_link_to_more(
    five_drafts: list[Statement], pen_delegate: User
) -> None:
    page = client_for(pen_delegate).get(reverse("workflow:dashboard")).content.decode()
    assert len(titles_in(page)) == 5
    assert "See all" not in page


def test_the_full_list_of_a_section_pages_through_every_statement(
    five_drafts: list[Statement], pen_delegate: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "STATEMENTS_PAGE_SIZE", 2)
    client = client_for(pen_delegate)
    seen = []
    for number in (1, 2, 3):
        page = client.get(LIST, {"section": "pen", "page": str(number)}).content.decode()
        assert "<h1>Drafts Canada holds the pen on</h1>" in page
        assert f"page {number} of 3" in page
        seen += titles_in(page)
    assert seen == [f"Draft number {n}" for n in (5, 4, 3, 2, 1)]
    assert 'rel="next"' in client.get(LIST, {"section": "pen"}).content.decode()
    past_the_end = client.get(LIST, {"section": "pen", "page": "4"})
    assert past_the_end.status_code == 404


def test_all_statements_lists_only_what_the_person_may_open(
    make_statement: StatementMaker, other_signatory: User, coordinator: User
) -> None:
    make_statement(title="A draft only its pen-holders see")
    make_statement(State.CONSULTATION, title="A consultation open to every member")
    make_statement(State.PUBLISHED, title="A published statement")
    kenya = client_for(other_signatory).get(LIST).content.decode()
    assert "A draft only its pen-holders see" not in kenya
    assert "A consultation open to every member" in kenya
    everything = client_for(coordinator).get(LIST).content.decode()
    assert sorted(titles_in(everything)) == [
        "A consultation open to every member",
        "A draft only its pen-holders see",
        "A published statement",
    ]
    assert "3 statements" in everything


def test_the_list_narrows_by_state_and_by_every_word_of_the_title(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    make_statement(title="Encryption and the right to privacy")
    make_statement(State.CONSULTATION, title="Privacy of journalists")
    make_statement(State.CONSULTATION, title="Internet shutdowns")
    client = client_for(pen_delegate)
    consulting = client.get(LIST, {"state": "consultation"}).content.decode()
    assert sorted(titles_in(consulting)) == ["Internet shutdowns", "Privacy of journalists"]
    both = client.get(LIST, {"state": "consultation", "q": "  privacy  "}).content.decode()
    assert titles_in(both) == ["Privacy of journalists"]
    every_word = client.get(LIST, {"q": "privacy right"}).content.decode()
    assert titles_in(every_word) == ["Encryption and the right to privacy"]
    nothing = client.get(LIST, {"q": "bananas"}).content.decode()
    assert "No statement matches these filters." in nothing


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"section": "nonsense"}, "There is no such section on your dashboard."),
        # The publishing queue is a coordinator's, not a delegate's.
        ({"section": "ready_to_publish"}, "There is no such section on your dashboard."),
        ({"state": "signed-and-sealed"}, "Choose a state from the list."),
        ({"page": "0"}, "Pages are numbered from 1."),
        ({"page": "two"}, "Pages are numbered from 1."),
        ({"q": "x" * 201}, "Search for at most 200 characters."),
    ],
)
def test_a_filter_that_cannot_be_read_is_a_400_with_the_reason(
    five_drafts: list[Statement],
    pen_delegate: User,
    query: dict[str, Any],
    message: str,
) -> None:
    response = client_for(pen_delegate).get(LIST, query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert titles_in(page) == []


def test_a_person_is_offered_only_their_own_sections(
    pen_delegate: User, chair: User, coordinator: User, adviser: User
) -> None:
    def offered(user: User) -> list[str]:
        page = client_for(user).get(LIST).content.decode()
        start = page.index('name="section"')
        select = page[start : page.index("</select>", start)]
        return re.findall(r'<option value="([^"]*)"', select)

    delegation = ["", "awaiting_signature", "pen", "consultations"]
    assert offered(pen_delegate) == delegation
    assert offered(chair) == [*delegation, "chaired"]
    assert offered(coordinator) == ["", "ready_to_publish", "in_progress"]
    assert offered(adviser) == [""]


def test_visitors_are_sent_to_log_in() -> None:
    response = client_for(None).get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
