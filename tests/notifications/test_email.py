"""E-mail: sent by the task worker after commit, as each person chose, or in a daily digest."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from delegations.models import User
from notifications import kinds
from notifications.actions import set_preferences
from notifications.models import Delivery, Notification
from notifications.tasks import send_daily_digests, send_notification_emails
from tests.conftest import StatementMaker, client_for, later, proof_for
from workflow import actions

# The worker runs as in production, committing and closing its connections, so the data it
# reads must be committed: transactional tests, the seeded delegations restored after each.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker() -> None:
    """Run the tasks that are due now."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def after_the_gathering_time() -> None:
    """Run the worker once the e-mails' gathering time has passed."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()


def open_sign_on(chair: User, statement: Any) -> None:
    actions.open_sign_on(chair, statement, deadline=later())


def test_sign_on_opening_is_emailed_to_signatories_by_the_worker_not_the_request(
    make_statement: StatementMaker,
    chair: User,
    pen_signatory: User,
    pen_delegate: User,
) -> None:
    statement = make_statement("consultation")
    open_sign_on(chair, statement)
    assert mail.outbox == [], "nothing is sent inside the request"
    run_worker()
    assert mail.outbox == [], "nor before what follows has had time to join it"
    after_the_gathering_time()
    to = {message.to[0] for message in mail.outbox}
    assert pen_signatory.email in to
    assert pen_delegate.email not in to, "delegates hear of it in Accord only, by default"
    message = next(m for m in mail.outbox if m.to == [pen_signatory.email])
    assert message.subject == f"[Accord] Sign-on opened: {statement.title}"
    assert f"http://127.0.0.1:8000/statements/{statement.pk}/" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    content, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="http://127.0.0.1:8000/statements/{statement.pk}/"' in str(content)
    after_the_gathering_time()
    assert len([m for m in mail.outbox if m.to == [pen_signatory.email]]) == 1, "sent once"


def test_people_choose_email_page_or_nothing(
    make_statement: StatementMaker,
    chair: User,
    pen_signatory: User,
    pen_delegate: User,
) -> None:
    set_preferences(pen_signatory, choices={"sign_on_opened": Delivery.NONE}, daily_digest=False)
    set_preferences(pen_delegate, choices={"sign_on_opened": Delivery.EMAIL}, daily_digest=False)
    statement = make_statement("consultation")
    open_sign_on(chair, statement)
    after_the_gathering_time()
    assert not Notification.objects.filter(recipient=pen_signatory, event="sign_on_opened")
    assert [m.to for m in mail.outbox if m.to == [pen_delegate.email]] == [[pen_delegate.email]]


def test_a_digest_gathers_the_days_emails_into_one(
    make_statement: StatementMaker,
    chair: User,
    pen_signatory: User,
    other_signatory: User,
) -> None:
    set_preferences(pen_signatory, choices={}, daily_digest=True)
    first = make_statement("consultation", title="First statement")
    second = make_statement("consultation", title="Second statement")
    open_sign_on(chair, first)
    open_sign_on(chair, second)
    after_the_gathering_time()
    assert not [m for m in mail.outbox if m.to == [pen_signatory.email]]
    assert [m for m in mail.outbox if m.to == [other_signatory.email]], "others get theirs"
    assert send_daily_digests.call() == 1
    digest = next(m for m in mail.outbox if m.to == [pen_signatory.email])
    assert "First statement" in digest.body and "Second statement" in digest.body
    assert digest.body.index("First statement") < digest.body.index("Second statement")
    assert send_daily_digests.call() == 0, "nothing is sent twice"


def test_a_burst_on_one_statement_reaches_each_person_as_one_email(
    make_statement: StatementMaker,
    chair: User,
    pen_signatory: User,
    other_signatory: User,
) -> None:
    """Signatures arriving one after another reach the chair as one e-mail naming each, not
    one e-mail per signature; the worker sends it once, however many tasks ask."""
    set_preferences(chair, choices={"signature_given": Delivery.EMAIL}, daily_digest=False)
    statement = make_statement("sign_on", title="Joint statement on encryption")
    other = make_statement("sign_on", title="Another statement")
    for signatory in (pen_signatory, other_signatory):
        actions.sign_on(signatory, statement, proof=proof_for(signatory))
    actions.sign_on(pen_signatory, other, proof=proof_for(pen_signatory))
    after_the_gathering_time()
    to_chair = [m for m in mail.outbox if m.to == [chair.email]]
    assert sorted(m.subject for m in to_chair) == [
        "[Accord] Another statement: 2 updates",  # France's, then Canada's
        "[Accord] Joint statement on encryption: 3 updates",
    ]
    burst = next(m for m in to_chair if "encryption" in m.subject)
    assert f"{pen_signatory} (Canada)" in burst.body
    assert f"{other_signatory} (Kenya)" in burst.body
    assert f"http://127.0.0.1:8000/statements/{statement.pk}/" in burst.body
    assert isinstance(burst, EmailMultiAlternatives)
    assert str(burst.alternatives[0][0]).count("<li ") == 3
    assert not Notification.objects.filter(recipient=chair, emailed_at__isnull=True, by_email=True)
    mail.outbox.clear()
    assert (
        send_notification_emails.call(
            list(Notification.objects.filter(recipient=chair).values_list("pk", flat=True))
        )
        == 0
    ), "nothing is sent twice"


def test_the_preferences_page_saves_choices(pen_delegate: User) -> None:
    client = client_for(pen_delegate)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert "Sign-on opened" in page.content.decode()
    data: dict[str, str] = dict.fromkeys(kinds.codes(), "page")
    data |= {"comment": "none", "published": "email", "daily_digest": "on"}
    saved = client.post(reverse("notifications:preferences"), data)
    assert saved.status_code == 302
    reloaded = client.get(reverse("notifications:preferences")).content.decode()
    assert '<option value="none" selected>' in reloaded
    bad = client.post(reverse("notifications:preferences"), data | {"published": "carrier pigeon"})
    assert bad.status_code == 400
