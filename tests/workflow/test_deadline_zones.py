"""Deadlines are typed in the person's own time zone (the field says which) and shown in the
reader's zone with UTC beside it, so people in different zones quote the same moment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from drafts.models import Statement
from tests.conftest import StatementMaker, client_for

pytestmark = pytest.mark.django_db


def test_a_deadline_is_typed_in_the_chairs_zone_and_read_with_utc_beside_it(
    make_statement: StatementMaker, chair: Any, other_signatory: Any
) -> None:
    chair.time_zone = "Europe/Berlin"
    chair.save(update_fields=["time_zone"])
    statement = make_statement(Statement.State.CONSULTATION)
    form = client_for(chair).get(reverse("workflow:statement", args=[statement.pk]))
    assert "Sign-on closes (Europe/Berlin)" in form.content.decode()

    client_for(chair).post(
        reverse("workflow:open_sign_on", args=[statement.pk]), {"deadline": "2031-11-04T13:00"}
    )
    statement.refresh_from_db()
    assert statement.sign_on_deadline == datetime(2031, 11, 4, 12, 0, tzinfo=UTC)

    berlin = client_for(chair).get(reverse("workflow:statement", args=[statement.pk]))
    assert '4 Nov 2031 13:00 CET</time> <span class="utc">(12:00 UTC)</span>' in (
        berlin.content.decode()
    )
    other_signatory.time_zone = "America/New_York"
    other_signatory.save(update_fields=["time_zone"])
    new_york = client_for(other_signatory).get(reverse("workflow:statement", args=[statement.pk]))
    assert '4 Nov 2031 07:00 EST</time> <span class="utc">(12:00 UTC)</span>' in (
        new_york.content.decode()
    )
