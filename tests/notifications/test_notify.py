"""Who is told what, and the notification centre."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from delegations.models import User
from drafts import notices as drafts_notices
from notifications.actions import notify
from notifications.models import Notification
from tests.conftest import StatementMaker, client_for, delegation, later, proof_for
from workflow import actions

pytestmark = pytest.mark.django_db


def told(user: User, event: str) -> bool:
    return Notification.objects.filter(recipient=user, event=event).exists()


def test_the_actor_is_never_told_and_each_person_once(
    make_statement: StatementMaker, chair: User, pen_delegate: User, pen_signatory: User
) -> None:
    statement = make_statement()
    rows = notify(
        drafts_notices.NEW_REVISION,
        actor=pen_delegate,
        subject=statement,
        recipients=[pen_delegate, pen_signatory, pen_signatory, chair],
        link="/",
    )
    assert sorted(r.recipient_id for r in rows) == sorted([pen_signatory.pk, chair.pk])


def test_opening_sign_on_tells_member_signatories_not_the_chair_who_did_it(
    make_statement: StatementMaker, chair: User, cast: dict[str, Any]
) -> None:
    statement = make_statement("consultation")
    actions.open_sign_on(chair, statement, deadline=later())
    assert told(cast["other_signatory"], "sign_on_opened")
    assert told(cast["pen_signatory"], "sign_on_opened")
    assert not told(chair, "sign_on_opened")
    assert not told(cast["non_member_delegate"], "sign_on_opened")
    assert not told(cast["adviser"], "sign_on_opened")
    detail = Notification.objects.filter(event="sign_on_opened").first()
    assert detail is not None and detail.detail_line().startswith("Closes ")


def test_returning_to_drafting_tells_those_whose_signatures_are_void(
    make_statement: StatementMaker, chair: User, third_signatory: User, other_signatory: User
) -> None:
    statement = make_statement("sign_on")  # France signed
    actions.return_to_drafting(chair, statement)
    notice = Notification.objects.get(recipient=third_signatory, event="returned_to_drafting")
    assert notice.detail_line() == "1 signature void; sign again when sign-on reopens"
    assert not told(other_signatory, "returned_to_drafting"), "Kenya had not signed"


def test_a_signature_tells_the_chair(
    make_statement: StatementMaker, chair: User, other_signatory: User
) -> None:
    statement = make_statement("sign_on")
    actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory))
    notice = Notification.objects.get(
        recipient=chair, event="signature_given", actor=other_signatory
    )
    assert notice.actor == other_signatory
    assert notice.actor_label() == f"{other_signatory} (Kenya)"
    assert notice.detail_line() == "2 delegations have signed so far"  # France, then Kenya


def test_a_notification_names_delegations_in_its_readers_language(
    make_statement: StatementMaker, chair: User, other_signatory: User, coordinator: User
) -> None:
    """Stored as the coalition named them then, worded when read: "Kenia" and "Francia" for
    a Spanish reader, in the line's actor and in its detail, on the page and live."""
    statement = make_statement("sign_on")
    actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory))
    published = make_statement("published")
    actions.remove_signature(coordinator, published, delegation("FR"), reason="Signed in error")
    given = Notification.objects.get(
        recipient=chair,
        event="signature_given",
        subject_id=str(statement.pk),
        actor=other_signatory,
    )
    removed = Notification.objects.filter(recipient=chair, event="signature_removed").get()
    with translation.override("es"):
        assert given.actor_label() == f"{other_signatory} (Kenia)"
        assert removed.detail_line() == "Francia — motivo: Signed in error"
    given.recipient.language = "es"
    assert given.as_event()["actor"] == f"{other_signatory} (Kenia)"
    page = client_for(chair).get(reverse("notifications:centre"), HTTP_ACCEPT_LANGUAGE="es")
    assert f"{other_signatory} (Kenia)" in page.content.decode()


def test_the_centre_lists_filters_and_marks_read(
    make_statement: StatementMaker, chair: User, pen_signatory: User, other_signatory: User
) -> None:
    statement = make_statement("consultation")
    actions.open_sign_on(chair, statement, deadline=later())
    actions.sign_on(other_signatory, statement, proof=proof_for(other_signatory))
    client = client_for(pen_signatory)
    page = client.get(reverse("notifications:centre")).content.decode()
    assert "Sign-on opened" in page and "Signature given" in page
    # Three notifications about one statement within minutes: one line, and the bell counts it.
    assert Notification.objects.filter(recipient=pen_signatory, read_at__isnull=True).count() == 3
    assert '<span class="bell-count" data-unread aria-label="1 unread">1</span>' in page
    actions.open_sign_on(chair, make_statement("consultation"), deadline=later())
    page = client.get(reverse("notifications:centre")).content.decode()
    assert '<span class="bell-count" data-unread aria-label="2 unread">2</span>' in page
    only_signatures = client.get(reverse("notifications:centre"), {"event": "signature_given"})
    assert "Sign-on opened</span>" not in only_signatures.content.decode()
    one = Notification.objects.filter(recipient=pen_signatory).first()
    assert one is not None
    opened = client.post(reverse("notifications:open", args=[one.pk]))
    assert opened["Location"] == one.link
    one.refresh_from_db()
    assert one.is_read
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=pen_signatory, read_at__isnull=True).exists()


def test_someone_elses_notification_is_404(
    make_statement: StatementMaker, chair: User, pen_signatory: User, other_signatory: User
) -> None:
    statement = make_statement("consultation")
    actions.open_sign_on(chair, statement, deadline=later())
    theirs = Notification.objects.filter(recipient=other_signatory).first()
    assert theirs is not None
    client = client_for(pen_signatory)
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_the_centre_needs_a_login() -> None:
    response = client_for(None).get(reverse("notifications:centre"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
