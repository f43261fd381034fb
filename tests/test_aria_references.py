"""Every reference a page makes to another element (a label's ``for``, ``aria-describedby``,
``aria-labelledby``, ``aria-controls``, ``aria-errormessage``, ``list``) points at an element
the page has: a help text or an error tied to a field that does not exist is read to nobody.
The pages are rendered as the people who see them, with and without form errors."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from delegations.models import User
from drafts.models import Statement
from tests.conftest import PASSWORD, StatementMaker, client_for, second_factor_device

pytestmark = pytest.mark.django_db

SINGLE = ("for", "list", "aria-errormessage")
MANY = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-owns")


class References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.wanted: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in SINGLE and value:
                self.wanted.append((tag, name, value))
            elif name in MANY and value:
                self.wanted.extend((tag, name, one) for one in value.split())


def dangling(html: str) -> list[tuple[str, str, str]]:
    parsed = References()
    parsed.feed(html)
    return [ref for ref in parsed.wanted if ref[2] not in parsed.ids]


def pages(cast: dict[str, Any], made: dict[str, Statement]) -> list[tuple[str, Any, str, str]]:
    """(name, person, method, address) of every page with a form or a reference."""
    draft, consultation, sign_on, published = (
        made[s] for s in ("draft", "consultation", "sign_on", "published")
    )
    return [
        ("login", None, "get", "/accounts/login/"),
        ("login refused", None, "post", "/accounts/login/"),
        ("public list", None, "get", "/published/"),
        ("public detail", None, "get", f"/published/{published.slug}/"),
        ("verify", None, "get", "/verify/"),
        ("verify refused", None, "post", "/verify/"),
        ("dashboard", "pen_delegate", "get", "/"),
        ("statement list", "pen_delegate", "get", "/statements/"),
        ("new statement", "pen_delegate", "get", "/statements/new/"),
        ("new statement refused", "pen_delegate", "post", "/statements/new/"),
        ("draft", "pen_delegate", "get", f"/statements/{draft.pk}/"),
        ("edit", "pen_delegate", "get", f"/statements/{draft.pk}/edit/"),
        ("history", "pen_delegate", "get", f"/statements/{draft.pk}/history/"),
        ("consultation (chair)", "chair", "get", f"/statements/{consultation.pk}/"),
        ("consultation (member)", "other_signatory", "get", f"/statements/{consultation.pk}/"),
        ("sign-on (signatory)", "other_signatory", "get", f"/statements/{sign_on.pk}/"),
        ("sign-on (chair)", "chair", "get", f"/statements/{sign_on.pk}/"),
        ("sign-on (coordinator)", "coordinator", "get", f"/statements/{sign_on.pk}/"),
        ("withdraw refused", "chair", "post", f"/statements/{sign_on.pk}/withdraw/"),
        ("publish: are you sure?", "coordinator", "post", f"/statements/{sign_on.pk}/publish/"),
        ("published (chair)", "chair", "get", f"/statements/{published.pk}/"),
        ("published (coordinator)", "coordinator", "get", f"/statements/{published.pk}/"),
        ("profile", "pen_delegate", "get", "/accounts/profile/"),
        ("two-factor set-up", "pen_delegate", "get", "/accounts/two-factor/"),
        ("notifications", "pen_delegate", "get", "/notifications/"),
        ("preferences", "pen_delegate", "get", "/notifications/preferences/"),
        ("audit record", "coordinator", "get", "/audit/"),
    ]


def test_every_reference_on_every_page_points_at_an_element(
    make_statement: StatementMaker, cast: dict[str, Any], pen_signatory: User
) -> None:
    made = {
        state: make_statement(state, title=f"In {state}")
        for state in ("draft", "consultation", "sign_on", "published")
    }
    problems = []
    for name, role, method, address in pages(cast, made):
        client = client_for(cast[role] if role else None)
        response = getattr(client, method)(address)
        assert response.status_code in (200, 400, 403), (name, response.status_code)
        problems += [(name, *ref) for ref in dangling(response.content.decode())]
    # The code page, between the password and the code, with and without a wrong code.
    second_factor_device(pen_signatory)
    owing = Client()
    owing.post("/accounts/login/", {"username": pen_signatory.email, "password": PASSWORD})
    for method, data in (("get", None), ("post", {"code": "000000"})):
        page = getattr(owing, method)("/accounts/login/code/", data)
        assert page.status_code in (200, 403)
        problems += [(f"code page ({method})", *ref) for ref in dangling(page.content.decode())]
    assert problems == []


def test_the_check_finds_a_dangling_reference() -> None:
    html = '<label for="a">A</label><input id="a" aria-describedby="a_help a_error">'
    assert dangling(html + '<p id="a_help">Help</p>') == [("input", "aria-describedby", "a_error")]
