"""The coordinators' audit page: the whole record, newest first, filtered, with the state of
its chain as last checked (never recomputed on a page view)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.actions import record
from audit.models import AuditEntry, ChainVerification
from delegations.models import User
from tests.audit.helpers import tamper
from tests.conftest import client_for, delegation

pytestmark = pytest.mark.django_db

URL = reverse("audit:record")


def shown(response: Any) -> list[int]:
    """The sequence numbers of the entries on the page, in order."""
    return [entry.sequence for entry in response.context["entries"]]


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    response = client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["pen_delegate", "chair", "adviser", "other_signatory"])
def test_people_outside_the_coordination_unit_are_refused(
    who: str, request: pytest.FixtureRequest
) -> None:
    person = request.getfixturevalue(who)
    assert client_for(person).get(URL).status_code == 403
    assert client_for(person).post(reverse("audit:verify")).status_code == 403
    assert not ChainVerification.objects.exists()


def test_coordinators_see_every_entry_newest_first(coordinator: User) -> None:
    total = AuditEntry.objects.count()
    assert total > 0
    response = client_for(coordinator).get(URL)
    assert response.status_code == 200
    assert shown(response) == list(range(total, 0, -1))
    assert b"Audit record</a>" in response.content  # the menu leads here


def test_the_record_comes_fifty_entries_a_page(coordinator: User) -> None:
    for n in range(60):
        record(coordinator, "delegations.update_delegation", delegation("CA"), note=str(n))
    total = AuditEntry.objects.count()
    client = client_for(coordinator)
    first = client.get(URL)
    assert shown(first) == list(range(total, total - 50, -1))
    second = client.get(URL, {"page": 2})
    assert shown(second) == list(range(total - 50, 0, -1))


def test_filters_by_action_actor_dates_and_target(coordinator: User, chair: User) -> None:
    canada, kenya = delegation("CA"), delegation("KE")
    by_chair = record(chair, "delegations.update_delegation", canada)
    on_kenya = record(coordinator, "delegations.update_delegation", kenya)
    other_action = record(coordinator, "delegations.set_chairs", canada)
    client = client_for(coordinator)

    by_action = client.get(URL, {"action": "delegations.update_"})
    assert {by_chair.sequence, on_kenya.sequence} <= set(shown(by_action))
    assert other_action.sequence not in shown(by_action)
    assert all(e.action.startswith("delegations.update_") for e in by_action.context["entries"])

    assert shown(client.get(URL, {"actor": chair.full_name.upper()})) == [by_chair.sequence]

    target = {"target_type": "delegations.delegation", "target_id": str(kenya.pk)}
    assert shown(client.get(URL, target)) == [on_kenya.sequence]

    today = timezone.now().date()
    tomorrow, yesterday = (str(today + timedelta(days=d)) for d in (1, -1))
    assert shown(client.get(URL, {"since": tomorrow})) == []
    assert other_action.sequence in shown(
        client.get(URL, {"since": str(today), "until": str(today)})
    )
    assert shown(client.get(URL, {"until": yesterday})) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2026-13-45"}, "Enter a valid date."),
        ({"since": "2026-05-02", "until": "2026-05-01"}, "The start date is after the end date."),
        ({"action": "DROP TABLE"}, "An action code is lower-case letters"),
        ({"target_type": "nothing.here"}, "Select a valid choice."),
        ({"target_id": "12"}, "Choose what kind of target the id is of."),
    ],
)
def test_a_bad_filter_is_explained_and_ignored(
    coordinator: User, query: dict[str, str], message: str
) -> None:
    response = client_for(coordinator).get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert shown(response) == list(range(AuditEntry.objects.count(), 0, -1))


def test_the_chain_status_is_the_last_check_not_a_new_one(coordinator: User) -> None:
    client = client_for(coordinator)
    assert "Not checked yet." in client.get(URL).content.decode()
    assert not ChainVerification.objects.exists()

    response = client.post(reverse("audit:verify"), follow=True)
    checked = ChainVerification.objects.get()
    assert checked.intact and checked.checked_by == str(coordinator)
    page = response.content.decode()
    assert "Intact when last checked" in page
    assert checked.last_hash in page

    entry = AuditEntry.objects.order_by("sequence").first()
    assert entry is not None
    tamper("UPDATE audit_auditentry SET note = %s WHERE id = %s", ["edited", entry.pk])
    assert "Intact when last checked" in client.get(URL).content.decode()  # until checked again
    page = client.post(reverse("audit:verify"), follow=True).content.decode()
    assert f"Broken at entry #{entry.sequence}" in page


def test_the_page_costs_the_same_queries_for_few_or_many_entries(
    coordinator: User, django_assert_num_queries: Any
) -> None:
    client = client_for(coordinator)
    client.post(reverse("audit:verify"))
    client.get(URL)  # warm the caches a first request fills (content types, session)

    # session, person, their permissions and their groups', the bell, the target kinds for
    # the filter, the count, one page of entries with their targets' kinds, the last check
    for size in (5, 120):
        while AuditEntry.objects.count() < size:
            record(coordinator, "delegations.update_delegation", delegation("CA"))
        with django_assert_num_queries(9):
            assert client.get(URL, {"action": "delegations."}).status_code == 200
