"""Kinds of notification are declared by the apps that send them: a new one needs its
declaration and nothing in this app, no migration, no list to extend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from delegations.models import User
from drafts import notices as drafts_notices
from notifications import kinds, wording
from notifications.actions import notify, set_preferences
from notifications.models import Delivery, Notification
from notifications.preferences import deliveries
from tests.conftest import StatementMaker, client_for
from workflow import notices as workflow_notices

pytestmark = pytest.mark.django_db

SILENCE_BROKEN = kinds.Kind(
    "silence_broken", gettext_lazy("Silence broken"), emailed_to_signatories=True
)


@pytest.fixture
def declared() -> Iterator[kinds.Kind]:
    kinds.register(SILENCE_BROKEN)
    yield SILENCE_BROKEN
    kinds._KINDS.pop(SILENCE_BROKEN.code)


def test_the_apps_declare_every_kind_they_send() -> None:
    assert kinds.codes() == [k.code for k in drafts_notices.KINDS + workflow_notices.KINDS]
    assert kinds.label_of("sign_on_opened") == "Sign-on opened"
    assert kinds.label_of("no_such_kind") == "no_such_kind", "an old row's code shows as is"


def test_a_new_kind_is_sent_chosen_and_shown_without_touching_notifications(
    declared: kinds.Kind,
    make_statement: StatementMaker,
    chair: User,
    pen_delegate: User,
    other_signatory: User,
) -> None:
    statement = make_statement("sign_on")
    (row,) = notify(
        declared, actor=other_signatory, subject=statement, recipients=[chair], link="/"
    )
    assert Notification.objects.get(pk=row.pk).get_event_display() == "Silence broken"
    page = client_for(chair).get(reverse("notifications:centre")).content.decode()
    assert "Silence broken" in page
    assert '<option value="silence_broken">Silence broken</option>' in page
    # Signatories get it by e-mail unless they choose otherwise, as its declaration says.
    assert deliveries([other_signatory, pen_delegate], declared) == {
        other_signatory.pk: Delivery.EMAIL,
        pen_delegate.pk: Delivery.PAGE,
    }
    preferences = client_for(pen_delegate).get(reverse("notifications:preferences"))
    assert "Silence broken" in preferences.content.decode()
    set_preferences(pen_delegate, choices={"silence_broken": Delivery.NONE}, daily_digest=False)
    assert deliveries([pen_delegate], declared) == {pen_delegate.pk: Delivery.NONE}


def test_two_kinds_cannot_share_a_code_and_no_choice_names_an_unknown_kind(
    pen_delegate: User,
) -> None:
    with pytest.raises(ValueError, match="sign_on_opened"):
        kinds.register(kinds.Kind("sign_on_opened", gettext_lazy("Something else")))
    with pytest.raises(ValueError, match="no_such_kind"):
        set_preferences(pen_delegate, choices={"no_such_kind": Delivery.NONE}, daily_digest=False)


def objection(line: wording.Wording) -> str:
    return line.say(
        "%(delegation)s objected: %(words)s", delegation=line.delegation(), words=line.args["words"]
    )


def test_an_app_declares_a_new_detail_line_and_it_is_worded_when_read(
    declared: kinds.Kind,
    make_statement: StatementMaker,
    chair: User,
    other_signatory: User,
) -> None:
    wording.register_line("objection", objection)
    try:
        statement = make_statement("sign_on")
        (row,) = notify(
            declared,
            actor=other_signatory,
            subject=statement,
            recipients=[chair],
            link="/",
            detail=wording.detail("objection", delegation="Germany", words="<b>Not this</b>"),
        )
        stored = Notification.objects.get(pk=row.pk)
        with translation.override("es"):
            assert stored.detail_line() == "Alemania objected: <b>Not this</b>"
            assert stored.detail_line_html() == "Alemania objected: &lt;b&gt;Not this&lt;/b&gt;"
        with pytest.raises(ValueError, match="closes"):
            wording.register_line("closes", objection)
    finally:
        wording._LINES.pop("objection", None)
