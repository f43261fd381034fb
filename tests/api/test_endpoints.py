"""What API clients rely on beyond the permission matrix: CSRF for session writes, error
bodies with a code, mass assignment refused, merges and conflicts as on the edit page, the
public record without login, and the schema that documents it all."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from delegations.models import Body, User
from drafts.models import Revision, Statement
from tests.api.conftest import api_client_for, token_client_for
from tests.conftest import TEXT, StatementMaker

pytestmark = pytest.mark.django_db


def test_session_writes_need_the_csrf_token(make_statement: StatementMaker, chair: User) -> None:
    statement = make_statement("draft")
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(chair)
    assert browser.get(f"/api/statements/{statement.pk}/").status_code == 200
    refused = browser.post(
        f"/api/statements/{statement.pk}/transitions/open_consultation/", {}, format="json"
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert Statement.objects.get(pk=statement.pk).state == "draft"
    # A token is not a cookie a page can borrow: no CSRF token needed.
    by_token = token_client_for(chair).post(
        f"/api/statements/{statement.pk}/transitions/open_consultation/", {}, format="json"
    )
    assert by_token.status_code == 200
    assert by_token.json()["state"] == "consultation"


def test_a_transition_the_state_refuses_is_409_with_a_code(
    make_statement: StatementMaker, chair: User, coordinator: User
) -> None:
    statement = make_statement("draft")
    chair_api = api_client_for(chair)
    response = chair_api.post(
        f"/api/statements/{statement.pk}/transitions/return_to_drafting/", format="json"
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "transition_not_allowed",
        "detail": "Only a statement in consultation or sign-on can return to drafting; this "
        "one is in draft.",
    }
    quorum = make_statement("sign_on", min_signatures=3)
    response = api_client_for(coordinator).post(
        f"/api/statements/{quorum.pk}/transitions/publish/", format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "quorum_not_met"
    assert Statement.objects.get(pk=quorum.pk).state == "sign_on"


def test_a_past_deadline_is_bad_input(make_statement: StatementMaker, chair: User) -> None:
    statement = make_statement("consultation")
    response = api_client_for(chair).post(
        f"/api/statements/{statement.pk}/transitions/open_sign_on/",
        {"deadline": "2001-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"deadline": ["The deadline must be in the future."]}


def test_extra_fields_are_refused_and_change_nothing(
    make_statement: StatementMaker, coordinator: User, pen_delegate: User
) -> None:
    statement = make_statement("draft")
    response = api_client_for(coordinator).patch(
        f"/api/statements/{statement.pk}/",
        {"title": "New title", "state": "published", "slug": "taken", "created_by": 1},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"state", "slug", "created_by"}
    fresh = Statement.objects.get(pk=statement.pk)
    assert (fresh.title, fresh.state, fresh.slug) == (statement.title, "draft", None)

    before = Revision.objects.count()
    response = api_client_for(pen_delegate).post(
        f"/api/statements/{statement.pk}/revisions/",
        {"text": TEXT + "\nMore.\n", "base": 1, "author": coordinator.pk, "content_hash": "0"},
        format="json",
    )
    assert response.status_code == 400
    assert Revision.objects.count() == before


def test_a_stale_edit_is_merged_or_refused_as_on_the_edit_page(
    make_statement: StatementMaker, pen_delegate: User, pen_signatory: User
) -> None:
    statement = make_statement("draft")
    url = f"/api/statements/{statement.pk}/revisions/"
    first = api_client_for(pen_delegate).post(
        url, {"text": TEXT.replace("shutting down", "cutting off"), "base": 1}, format="json"
    )
    assert first.status_code == 201 and first.json()["number"] == 2
    # Begun from revision 1 too, touching other words: merged, credited to both.
    merged = api_client_for(pen_signatory).post(
        url, {"text": TEXT.replace("*Recalling*", "*Recalling also*"), "base": 1}, format="json"
    )
    assert merged.status_code == 201
    body = merged.json()
    assert body["number"] == 3 and body["started_from"] == 1 and body["parent"] == 2
    assert "cutting off" in body["text"] and "*Recalling also*" in body["text"]
    assert body["co_authors"] == [pen_delegate.full_name]
    # The same words changed two ways: 409, nothing saved, the newer text intact.
    clash = api_client_for(pen_signatory).post(
        url, {"text": TEXT.replace("shutting down", "throttling"), "base": 1}, format="json"
    )
    assert clash.status_code == 409
    conflict = clash.json()
    assert conflict["code"] == "merge_conflict" and conflict["current"] == 3
    assert conflict["conflicts"] and "throttling" in conflict["proposal"]
    statement.refresh_from_db()
    assert statement.current_revision is not None and statement.current_revision.number == 3
    assert "cutting off" in statement.current_revision.text


def test_the_diff_is_structured(make_statement: StatementMaker, pen_delegate: User) -> None:
    statement = make_statement("draft")
    client = api_client_for(pen_delegate)
    client.post(
        f"/api/statements/{statement.pk}/revisions/",
        {"text": TEXT.replace("refrain from", "stop"), "base": 1},
        format="json",
    )
    response = client.get(f"/api/statements/{statement.pk}/diff/", {"from": 1, "to": 2})
    assert response.status_code == 200
    changed = [p for p in response.json()["paragraphs"] if p["kind"] == "changed"]
    assert len(changed) == 1
    kinds = {(s["kind"], s["text"].strip()) for s in changed[0]["segments"]}
    assert ("delete", "refrain from") in kinds and ("insert", "stop") in kinds
    missing = client.get(f"/api/statements/{statement.pk}/diff/", {"from": 1, "to": 9})
    assert missing.status_code == 400
    assert "no revision 9" in missing.json()["detail"]
    assert client.get(f"/api/statements/{statement.pk}/diff/").status_code == 400


def test_creating_a_statement_goes_through_the_action(pen_delegate: User, plenary: Body) -> None:
    client = api_client_for(pen_delegate)
    response = client.post(
        "/api/statements/",
        {"title": "On shutdowns", "body": plenary.pk, "pen_holders": ["NL"], "text": TEXT},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "draft"
    assert {d["code"] for d in body["pen_holders"]} == {"CA", "NL"}
    assert "edit" in body["available_actions"]
    empty = client.post(
        "/api/statements/",
        {"title": "x", "body": plenary.pk, "text": "   "},
        format="json",
    )
    assert empty.status_code == 400 and "text" in empty.json()["errors"]


def test_detail_lists_what_the_caller_may_do(
    make_statement: StatementMaker, pen_signatory: User, chair: User
) -> None:
    statement = make_statement("sign_on")
    assert statement.instrument_revision is not None
    signatory = api_client_for(pen_signatory).get(f"/api/statements/{statement.pk}/").json()
    assert {"sign_on", "decline"} <= set(signatory["available_actions"])
    assert signatory["signature_count"] == 1
    assert (
        signatory["frozen_revision"]["content_hash"] == statement.instrument_revision.content_hash
    )
    steering = api_client_for(chair).get(f"/api/statements/{statement.pk}/").json()
    assert {"return_to_drafting", "withdraw"} <= set(steering["available_actions"])
    assert "sign_on" not in steering["available_actions"]


def test_the_public_record_needs_no_login(
    make_statement: StatementMaker, third_signatory: User
) -> None:
    published = make_statement("published", title="On shutdowns")
    make_statement("sign_on", title="Not yet")
    assert published.instrument_revision is not None
    anonymous = APIClient()
    listed = anonymous.get("/api/public/statements/")
    assert listed.status_code == 200
    assert [s["slug"] for s in listed.json()["results"]] == [published.slug]
    assert listed.json()["results"][0]["signatories"] == [{"code": "FR", "name": "France"}]
    detail = anonymous.get(f"/api/public/statements/{published.slug}/").json()
    assert detail["content_hash"] == published.instrument_revision.content_hash
    assert detail["text"] == published.instrument_revision.text
    assert detail["downloads"]["pdf"].endswith(f"/published/{published.slug}/statement.pdf")
    assert anonymous.get("/api/public/statements/no-such-thing/").status_code == 404
    assert anonymous.get("/api/public/statements/", {"q": "nothing-like-it"}).json()["count"] == 0
    assert anonymous.get("/api/public/statements/", {"q": "shutdowns"}).json()["count"] == 1


def test_a_hidden_statement_never_leaks(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    draft = make_statement("draft")
    client = api_client_for(other_signatory)
    for rest in ("", "revisions/", "revisions/1/", "comments/", "signatures/", "transitions/"):
        response = client.get(f"/api/statements/{draft.pk}/{rest}")
        assert response.status_code == 404, rest
        assert draft.title not in response.content.decode()
    assert draft.pk not in {s["id"] for s in client.get("/api/statements/").json()["results"]}


def test_signatures_are_given_for_the_callers_delegation(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    statement = make_statement("sign_on")
    client = api_client_for(other_signatory)
    given = client.post(
        f"/api/statements/{statement.pk}/signatures/", {"action": "sign_on"}, format="json"
    )
    assert given.status_code == 200
    assert given.json()["delegation"]["code"] == "KE" and given.json()["status"] == "signed"
    again = client.post(
        f"/api/statements/{statement.pk}/signatures/", {"action": "sign_on"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    listed = client.get(f"/api/statements/{statement.pk}/signatures/").json()
    assert {s["delegation"]["code"] for s in listed} == {"FR", "KE"}


def test_the_schema_validates() -> None:
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=out)
    assert "openapi: 3" in out.getvalue()


def test_the_docs_page_is_served_without_any_other_origin(client: Any) -> None:
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html and "/static/" in html
    assert "http://" not in html and "https://" not in html and "<style" not in html
    assert "<script>" not in html
    assert client.get("/api/schema/").status_code == 200


def test_late_signature_steps_are_in_the_api(make_statement: StatementMaker, chair: User) -> None:
    statement = make_statement("published")
    response = api_client_for(chair).post(
        f"/api/statements/{statement.pk}/transitions/open_late_signatures/", format="json"
    )
    assert response.status_code == 200
    assert response.json()["accepts_late_signatures"] is True
    assert Statement.objects.get(pk=statement.pk).accepts_late_signatures
