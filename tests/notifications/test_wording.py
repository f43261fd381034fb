"""A notification's detail line is worded when it is read, in the reader's language and zone.

Actions store a code and its values; the notifications page, the e-mails and the live frame
word the line for whoever reads it: in English, French or Spanish, with the right plural, the
deadline in the reader's time zone, and the words people wrote quoted as written (and escaped
in HTML). Lines written before codes keep their English text, and the data migration turns
the lines it recognises into codes.
"""

from __future__ import annotations

import html
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from delegations.models import User
from drafts import actions as drafts_actions
from drafts import notices as drafts_notices
from drafts.models import Amendment, RevisionParagraph, Statement
from notifications import kinds
from notifications.actions import notify
from notifications.email import digest_email, notification_email
from notifications.models import Notification
from notifications.wording import QUOTE_LENGTH, DetailCode, detail, detail_text
from tests.conftest import TEXT, StatementMaker, client_for, delegation, proof_for
from workflow import actions
from workflow import notices as workflow_notices
from workflow.deadlines import send_deadline_notices

pytestmark = pytest.mark.django_db

DEADLINE = datetime(2031, 11, 4, 12, 0, tzinfo=UTC)
CALL = "2. *Call upon* all states to refrain from shutting down access to the internet."


def speaks(person: User, language: str, time_zone: str = "UTC") -> User:
    person.language = language
    person.time_zone = time_zone
    person.save(update_fields=["language", "time_zone"])
    return person


def text_of(page: str) -> str:
    """What a reader reads: the page without its tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def centre(person: User) -> str:
    response = client_for(person).get(reverse("notifications:centre"))
    assert response.status_code == 200
    return response.content.decode()


def email_texts(notification: Notification) -> tuple[str, str]:
    """The plain-text body and the HTML part of the notification's e-mail."""
    notification = Notification.objects.select_related("recipient").get(pk=notification.pk)
    message = notification_email(notification)
    return str(message.body), str(message.alternatives[0][0])


def paragraph_at(statement: Statement, position: int) -> Any:
    statement.refresh_from_db()
    return RevisionParagraph.objects.get(
        revision=statement.current_revision, position=position
    ).paragraph


# --- every kind of line, as each reader reads it ---------------------------------------------


@dataclass
class Line:
    """How to make a notification with this line through the real actions, who reads it, and
    what it says to them in each language (times in UTC, their zone here)."""

    make: Callable[[StatementMaker, dict[str, User]], User]
    en: str
    fr: str
    es: str


def _opened_consultation(make: StatementMaker, cast: dict[str, User]) -> User:
    actions.open_consultation(cast["chair"], make(), deadline=DEADLINE)
    return cast["other_signatory"]


def _returned(make: StatementMaker, cast: dict[str, User]) -> User:
    actions.return_to_drafting(cast["chair"], make("sign_on"))  # France had signed
    return cast["third_signatory"]


def _published(make: StatementMaker, cast: dict[str, User]) -> User:
    make("published")
    return cast["other_signatory"]


def _signed(make: StatementMaker, cast: dict[str, User]) -> User:
    actions.sign_on(
        cast["other_signatory"], make("sign_on"), proof=proof_for(cast["other_signatory"])
    )  # after France
    return cast["pen_signatory"]


def _signed_late(make: StatementMaker, cast: dict[str, User]) -> User:
    statement = make("published")
    actions.open_late_signatures(cast["chair"], statement)
    actions.sign_on(cast["other_signatory"], statement, proof=proof_for(cast["other_signatory"]))
    return cast["coordinator"]


def _opened_to_late_signatures(make: StatementMaker, cast: dict[str, User]) -> User:
    actions.open_late_signatures(cast["chair"], make("published"))
    return cast["other_signatory"]


def _removed(make: StatementMaker, cast: dict[str, User]) -> User:
    actions.remove_signature(
        cast["coordinator"], make("published"), delegation("FR"), reason="Signed in error."
    )
    return cast["third_signatory"]


def _withdrawn(make: StatementMaker, cast: dict[str, User]) -> User:
    make("withdrawn")  # "Overtaken by events."
    return cast["pen_delegate"]


def _saved(make: StatementMaker, cast: dict[str, User]) -> User:
    statement = make()
    assert statement.current_revision is not None
    drafts_actions.save_revision(
        cast["pen_delegate"], statement, text=TEXT + "\nMore.\n", base=statement.current_revision
    )
    return cast["chair"]


def _proposed(kind: str, position: int = 4) -> Callable[[StatementMaker, dict[str, User]], User]:
    def make_it(make: StatementMaker, cast: dict[str, User]) -> User:
        statement = make("consultation")
        drafts_actions.propose_amendment(
            cast["other_signatory"],
            statement,
            paragraph=paragraph_at(statement, position),
            kind=kind,
            text="" if kind == Amendment.Kind.DELETE else "3. *Decide* to meet again.",
            justification="Clearer.",
        )
        return cast["pen_delegate"]

    return make_it


def _accepted(reader: str) -> Callable[[StatementMaker, dict[str, User]], User]:
    def make_it(make: StatementMaker, cast: dict[str, User]) -> User:
        statement = make("consultation")
        amendment = drafts_actions.propose_amendment(
            cast["other_signatory"],
            statement,
            paragraph=paragraph_at(statement, 4),
            kind=Amendment.Kind.REPLACE,
            text=CALL.replace("refrain from", "never resort to"),
            justification="Stronger.",
        )
        drafts_actions.accept_amendment(cast["pen_delegate"], amendment)
        return cast[reader]

    return make_it


def _rejected(make: StatementMaker, cast: dict[str, User]) -> User:
    statement = make("consultation")
    amendment = drafts_actions.propose_amendment(
        cast["other_signatory"],
        statement,
        paragraph=paragraph_at(statement, 4),
        kind=Amendment.Kind.DELETE,
        text="",
        justification="Redundant.",
    )
    drafts_actions.reject_amendment(
        cast["pen_delegate"], amendment, reason="The wording was agreed in Geneva."
    )
    return cast["other_signatory"]


def _commented(make: StatementMaker, cast: dict[str, User]) -> User:
    statement = make("consultation")
    drafts_actions.comment_on_paragraph(
        cast["other_signatory"],
        statement,
        paragraph=paragraph_at(statement, 3),
        body="Could we cite the   Human Rights Council?",
    )
    return cast["pen_delegate"]


def _replied_on_removed(make: StatementMaker, cast: dict[str, User]) -> User:
    statement = make("consultation")
    thread = drafts_actions.comment_on_paragraph(
        cast["other_signatory"], statement, paragraph=paragraph_at(statement, 3), body="Why?"
    )
    statement.refresh_from_db()
    assert statement.current_revision is not None
    without_it = "\n\n".join(p for p in TEXT.split("\n\n") if "Recalling" not in p)
    drafts_actions.save_revision(
        cast["pen_delegate"], statement, text=without_it, base=statement.current_revision
    )
    drafts_actions.reply_to_comment(cast["other_signatory"], thread, body="Still: why?")
    return cast["pen_delegate"]


def _deadline_notice(state: str, hours_from_deadline: float, reader: str) -> Any:
    def make_it(make: StatementMaker, cast: dict[str, User]) -> User:
        statement = make(state)
        field = "sign_on_deadline" if state == "sign_on" else "consultation_deadline"
        Statement.objects.filter(pk=statement.pk).update(**{field: DEADLINE})
        send_deadline_notices(now=DEADLINE + timedelta(hours=hours_from_deadline))
        return cast[reader]

    return make_it


LINES: dict[DetailCode, Line] = {
    DetailCode.CLOSES: Line(
        _opened_consultation,
        "Closes 4 Nov 2031 12:00 UTC",
        "Se termine le 4 Nov 2031 12:00 UTC",
        "Se cierra el 4 Nov 2031 12:00 UTC",
    ),
    DetailCode.SIGNATURES_VOID: Line(
        _returned,
        "1 signature void; sign again when sign-on reopens",
        "1 signature annulée ; signez de nouveau lorsque la déclaration sera rouverte à la "
        "signature",
        "1 firma anulada; vuelva a firmar cuando la declaración se abra de nuevo a la firma",
    ),
    DetailCode.SIGNATORIES: Line(_published, "1 signatory", "1 signataire", "1 firmante"),
    DetailCode.SIGNED_SO_FAR: Line(
        _signed,
        "2 delegations have signed so far",
        "2 délégations ont signé jusqu'ici",
        "2 delegaciones han firmado hasta ahora",
    ),
    DetailCode.LATE_SIGNATURE: Line(
        _signed_late,
        "Late signature, after publication: 2 signatories now",
        "Signature tardive, après la publication : 2 signataires désormais",
        "Firma tardía, tras la publicación: ahora 2 firmantes",
    ),
    DetailCode.OPEN_TO_LATE_SIGNATURES: Line(
        _opened_to_late_signatures,
        "Published, and open to late signatures",
        "Publiée, et ouverte aux signatures tardives",
        "Publicada y abierta a firmas tardías",
    ),
    DetailCode.SIGNATURE_REMOVED: Line(
        _removed,
        "France — reason: Signed in error.",
        "France — motif : Signed in error.",
        "Francia — motivo: Signed in error.",
    ),
    DetailCode.REASON: Line(
        _withdrawn,
        "Reason: Overtaken by events.",
        "Motif : Overtaken by events.",
        "Motivo: Overtaken by events.",
    ),
    DetailCode.REVISION: Line(_saved, "Revision 2", "Révision 2", "Revisión 2"),
    DetailCode.REVISION_BY_AMENDMENT: Line(
        _accepted("chair"),
        "Revision 2: amendment by Kenya accepted",
        "Révision 2 : amendement de Kenya accepté",
        "Revisión 2: enmienda de Kenia aceptada",
    ),
    DetailCode.AMENDMENT_IN_REVISION: Line(
        _accepted("other_signatory"),
        "¶ 4, now in revision 2",
        "§ 4, désormais dans la révision 2",
        "Párrafo 4, ahora en la revisión 2",
    ),
    DetailCode.COMMENT: Line(
        _commented,
        "On ¶ 3: Could we cite the Human Rights Council?",
        "Sur le § 3 : Could we cite the Human Rights Council?",
        "Sobre el párrafo 3: Could we cite the Human Rights Council?",
    ),
    DetailCode.REPLACEMENT_PROPOSED: Line(
        _proposed(Amendment.Kind.REPLACE),
        "Replace ¶ 4, by Kenya",
        "Remplacement du § 4, proposé par Kenya",
        "Sustitución del párrafo 4, propuesta por Kenia",
    ),
    DetailCode.INSERTION_PROPOSED: Line(
        _proposed(Amendment.Kind.INSERT_AFTER),
        "Insert after ¶ 4, by Kenya",
        "Insertion après le § 4, proposée par Kenya",
        "Inserción tras el párrafo 4, propuesta por Kenia",
    ),
    DetailCode.DELETION_PROPOSED: Line(
        _proposed(Amendment.Kind.DELETE, 2),
        "Delete ¶ 2, by Kenya",
        "Suppression du § 2, proposée par Kenya",
        "Supresión del párrafo 2, propuesta por Kenia",
    ),
    DetailCode.CONSULTATION_CLOSES: Line(
        _deadline_notice("consultation", -2, "other_signatory"),
        "Consultation closes 4 Nov 2031 12:00 UTC",
        "La consultation se termine le 4 Nov 2031 12:00 UTC",
        "La consulta se cierra el 4 Nov 2031 12:00 UTC",
    ),
    DetailCode.SIGN_ON_CLOSES: Line(
        _deadline_notice("sign_on", -2, "other_signatory"),
        "Sign-on closes 4 Nov 2031 12:00 UTC",
        "La signature se termine le 4 Nov 2031 12:00 UTC",
        "La firma se cierra el 4 Nov 2031 12:00 UTC",
    ),
    DetailCode.CONSULTATION_CLOSED: Line(
        _deadline_notice("consultation", 1, "chair"),
        "Consultation closed on 4 Nov 2031 12:00 UTC",
        "La consultation a pris fin le 4 Nov 2031 12:00 UTC",
        "La consulta se cerró el 4 Nov 2031 12:00 UTC",
    ),
    DetailCode.SIGN_ON_CLOSED: Line(
        _deadline_notice("sign_on", 1, "chair"),
        "Sign-on closed on 4 Nov 2031 12:00 UTC",
        "La signature a pris fin le 4 Nov 2031 12:00 UTC",
        "La firma se cerró el 4 Nov 2031 12:00 UTC",
    ),
}

# A paragraph removed since: the same code, the other sentence.
REMOVED_PARAGRAPH = Line(
    _replied_on_removed,
    "On a paragraph since removed: Still: why?",
    "Sur un paragraphe supprimé depuis : Still: why?",
    "Sobre un párrafo ya suprimido: Still: why?",
)


def test_every_code_has_a_line_in_this_test() -> None:
    assert set(LINES) == set(DetailCode)


@pytest.mark.parametrize(
    ("code", "line"),
    [*LINES.items(), (DetailCode.COMMENT, REMOVED_PARAGRAPH)],
    ids=[*LINES, "comment_on_removed_paragraph"],
)
def test_each_reader_reads_the_line_in_their_language_on_the_page_and_in_the_email(
    code: DetailCode,
    line: Line,
    make_statement: StatementMaker,
    cast: dict[str, User],
    third_signatory: User,
) -> None:
    reader = line.make(make_statement, {**cast, "third_signatory": third_signatory})
    notification = Notification.objects.filter(recipient=reader, detail_code=code).latest("id")
    assert notification.detail == "", "no English is stored"
    for language, expected in (("en", line.en), ("fr", line.fr), ("es", line.es)):
        speaks(reader, language)
        page = text_of(centre(reader))
        body, part = email_texts(notification)
        assert expected in page, language
        assert expected in body, language
        assert expected in text_of(part), language
        if language != "en":
            assert line.en not in page and line.en not in body, language


def test_plurals_follow_each_language(make_statement: StatementMaker, pen_signatory: User) -> None:
    make_statement("sign_on")  # France signed first: "1 …"
    ones = Notification.objects.filter(
        recipient=pen_signatory, detail_code=DetailCode.SIGNED_SO_FAR
    )
    assert [n.detail_args for n in ones] == [{"count": 1}]
    expected = {
        "en": "1 delegation has signed so far",
        "fr": "1 délégation a signé jusqu'ici",
        "es": "1 delegación ha firmado hasta ahora",
    }
    for language, one in expected.items():
        assert one in text_of(centre(speaks(pen_signatory, language)))
    for language, lines in {
        "en": ["0 signatories", "1 signatory", "2 signatories", "21 signatories"],
        "fr": ["0 signataire", "1 signataire", "2 signataires", "21 signataires"],
        "es": ["0 firmantes", "1 firmante", "2 firmantes", "21 firmantes"],
    }.items():
        with translation.override(language):
            worded = [
                detail_text(DetailCode.SIGNATORIES, {"count": count}) for count in (0, 1, 2, 21)
            ]
        assert worded == lines


def test_a_deadline_reads_in_the_readers_time_zone_with_utc_on_hover(
    make_statement: StatementMaker, chair: User, other_signatory: User, pen_signatory: User
) -> None:
    speaks(other_signatory, "fr", "Europe/Paris")
    speaks(pen_signatory, "es", "America/Mexico_City")
    actions.open_consultation(chair, make_statement(), deadline=DEADLINE)

    page = centre(other_signatory)
    assert (
        'Se termine le <time datetime="2031-11-04T12:00:00+00:00" title="4 Nov 2031 12:00 UTC">'
        "4 Nov 2031 13:00 CET</time>"
    ) in page
    to_mexico = Notification.objects.get(
        recipient=pen_signatory, event=workflow_notices.CONSULTATION_OPENED.code
    )
    body, part = email_texts(to_mexico)
    assert "Se cierra el 4 Nov 2031 06:00 CST" in body
    assert "Se cierra el 4 Nov 2031 06:00 CST" in text_of(part)
    assert to_mexico.detail_args == {"deadline": "2031-11-04T12:00:00+00:00"}


def test_words_people_wrote_are_quoted_as_written_and_escaped(
    make_statement: StatementMaker, chair: User, pen_delegate: User
) -> None:
    reason = 'Superseded by <b>"the Geneva text"</b> & its annex <script>alert(1)</script>'
    actions.withdraw(chair, make_statement(), reason=reason)
    notification = Notification.objects.get(
        recipient=pen_delegate, event=workflow_notices.WITHDRAWN.code
    )
    assert notification.detail_args == {"reason": reason}

    page = centre(speaks(pen_delegate, "fr"))
    assert "<b>" not in page and "<script>alert" not in page
    assert f"Motif : {html.escape(reason)}" in page
    assert f"Motif : {reason}" in text_of(page)
    body, part = email_texts(notification)
    assert f"Motif : {reason}" in body, "the text part quotes it as written"
    assert "<script>alert" not in part and f"Motif : {reason}" in text_of(part)
    with translation.override("es"):
        event = notification.as_event()
    assert event["detail"] == f"Motif : {reason}", "the frame is plain text, in French"


def test_a_long_comment_is_quoted_from_its_start_on_one_line(
    make_statement: StatementMaker, other_signatory: User, pen_delegate: User
) -> None:
    statement = make_statement("consultation")
    words = "Consider\n\nthe   Council's resolution 47/16. " + "x" * 2 * QUOTE_LENGTH
    drafts_actions.comment_on_paragraph(
        other_signatory, statement, paragraph=paragraph_at(statement, 3), body=words
    )
    notification = Notification.objects.get(
        recipient=pen_delegate, event=drafts_notices.COMMENT.code
    )
    excerpt = notification.detail_args["excerpt"]
    assert excerpt.startswith("Consider the Council's resolution 47/16. xxx")
    assert len(excerpt) == QUOTE_LENGTH


def test_the_digest_words_each_line_for_its_reader(
    make_statement: StatementMaker, chair: User, other_signatory: User
) -> None:
    actions.open_consultation(chair, make_statement(), deadline=DEADLINE)
    speaks(other_signatory, "es")
    digest = digest_email(
        other_signatory, list(Notification.objects.filter(recipient=other_signatory))
    )
    assert "Se cierra el 4 Nov 2031 12:00 UTC" in digest.body
    assert "Se cierra el 4 Nov 2031 12:00 UTC" in text_of(str(digest.alternatives[0][0]))


# --- the live frame ---------------------------------------------------------------------------


def test_the_live_frame_is_worded_for_its_recipient_not_for_the_actor(
    make_statement: StatementMaker, chair: User, other_signatory: User, pen_signatory: User
) -> None:
    speaks(other_signatory, "fr", "Europe/Paris")
    statement = make_statement("consultation")
    actions.open_sign_on(chair, statement, deadline=DEADLINE)
    rows = Notification.objects.select_related("recipient").filter(
        event=workflow_notices.SIGN_ON_OPENED.code
    )
    with translation.override("en"):  # the chair's request, in English
        to_france = rows.get(recipient=other_signatory).as_event()
        to_canada = rows.get(recipient=pen_signatory).as_event()
        assert translation.get_language() == "en", "the actor's language is back"
    assert to_france["label"] == "Ouverture à la signature"
    assert to_france["detail"] == "Se termine le 4 Nov 2031 13:00 CET"
    assert to_canada["label"] == "Sign-on opened"
    assert to_canada["detail"] == "Closes 4 Nov 2031 12:00 UTC"
    assert "<" not in str(to_france), "plain text, never markup"


# --- rows from before codes -----------------------------------------------------------------


def test_a_row_from_before_codes_shows_its_english_line_as_it_was(
    make_statement: StatementMaker, chair: User, pen_signatory: User
) -> None:
    (row,) = notify(
        drafts_notices.NEW_REVISION,
        actor=chair,
        subject=make_statement(),
        recipients=[speaks(pen_signatory, "fr")],
        link="/",
    )
    Notification.objects.filter(pk=row.pk).update(detail="Something <i>old</i>")
    row = Notification.objects.select_related("recipient").get(pk=row.pk)
    assert row.detail_line() == "Something <i>old</i>"
    assert "Something &lt;i&gt;old&lt;/i&gt;" in centre(pen_signatory)
    assert row.as_event()["detail"] == "Something <i>old</i>"
    body, part = email_texts(row)
    assert "Something <i>old</i>" in body and "Something &lt;i&gt;old&lt;/i&gt;" in part


# --- the data migration ---------------------------------------------------------------------

migration = importlib.import_module("notifications.migrations.0005_notification_details_as_codes")

# Lines the actions wrote before codes, per event, and what they become.
OLD_LINES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("consultation_opened", "Closes 4 Nov 2031 12:00 UTC", "closes", {"deadline": DEADLINE}),
    ("sign_on_opened", "Closes 14 Jan 2032 09:30 UTC", "closes", {"deadline": "2032-01-14T09:30"}),
    ("sign_on_opened", "Published, and open to late signatures", "open_to_late_signatures", {}),
    (
        "returned_to_drafting",
        "3 signature(s) void; sign again when sign-on reopens",
        "signatures_void",
        {"count": 3},
    ),
    ("published", "12 signatories", "signatories", {"count": 12}),
    ("withdrawn", "Overtaken: by events.", "reason", {"reason": "Overtaken: by events."}),
    ("new_revision", "Revision 7", "revision", {"number": 7}),
    (
        "new_revision",
        "Revision 3: amendment by The Netherlands accepted",
        "revision_by_amendment",
        {"number": 3, "delegation": "The Netherlands"},
    ),
    ("comment", "On ¶ 4: Why: not?", "comment", {"position": 4, "excerpt": "Why: not?"}),
    (
        "comment",
        "On a paragraph since removed: Still?",
        "comment",
        {"position": None, "excerpt": "Still?"},
    ),
    (
        "amendment_proposed",
        "Replace ¶ 4, by Kenya",
        "replacement_proposed",
        {"position": 4, "delegation": "Kenya"},
    ),
    (
        "amendment_proposed",
        "Insert after ¶ 2, by Republic of Korea",
        "insertion_proposed",
        {"position": 2, "delegation": "Republic of Korea"},
    ),
    (
        "amendment_proposed",
        "Delete ¶ 9, by Cabo Verde",
        "deletion_proposed",
        {"position": 9, "delegation": "Cabo Verde"},
    ),
    (
        "amendment_accepted",
        "¶ 4, now in revision 5",
        "amendment_in_revision",
        {"position": 4, "number": 5},
    ),
    (
        "amendment_rejected",
        "Reason: Agreed: in Geneva.",
        "reason",
        {"reason": "Agreed: in Geneva."},
    ),
    ("signature_given", "2 signed so far", "signed_so_far", {"count": 2}),
    ("signature_declined", "1 signed so far", "signed_so_far", {"count": 1}),
    ("signature_withdrawn", "0 signed so far", "signed_so_far", {"count": 0}),
    (
        "signature_given",
        "Late signature, after publication: 8 signatories now",
        "late_signature",
        {"count": 8},
    ),
    (
        "signature_removed",
        "France: Signed in error: twice.",
        "signature_removed",
        {"delegation": "France", "reason": "Signed in error: twice."},
    ),
    (
        "deadline_approaching",
        "Consultation closes 1 Dec 2031 17:00 UTC",
        "consultation_closes",
        {"deadline": "2031-12-01T17:00"},
    ),
    (
        "deadline_approaching",
        "Sign-on closes 4 Nov 2031 12:00 UTC",
        "sign_on_closes",
        {"deadline": DEADLINE},
    ),
    (
        "deadline_passed",
        "Consultation closed on 4 Nov 2031 12:00 UTC",
        "consultation_closed",
        {"deadline": DEADLINE},
    ),
    (
        "deadline_passed",
        "Sign-on closed on 4 Nov 2031 12:00 UTC",
        "sign_on_closed",
        {"deadline": DEADLINE},
    ),
]


def known(code: str) -> kinds.Kind:
    kind = kinds.find(code)
    assert kind is not None, code
    return kind


# Lines it does not recognise: left as they are, and shown as they are.
UNKNOWN_LINES = [
    ("new_revision", "change 3"),
    ("published", "Revision 2"),  # a line of another event
    ("comment", "On ¶ x: typo"),
]


def as_stored(args: dict[str, Any]) -> dict[str, Any]:
    stored = dict(args)
    if isinstance(stored.get("deadline"), datetime):
        stored["deadline"] = stored["deadline"].isoformat()
    elif "deadline" in stored:
        stored["deadline"] = datetime.fromisoformat(stored["deadline"] + "+00:00").isoformat()
    return stored


def test_the_data_migration_turns_old_english_lines_into_codes_and_back(
    make_statement: StatementMaker, chair: User, pen_signatory: User
) -> None:
    statement = make_statement()
    rows: list[Notification] = []
    for event, line in [(e, line) for e, line, *_ in OLD_LINES] + UNKNOWN_LINES:
        (row,) = notify(
            known(event), actor=chair, subject=statement, recipients=[pen_signatory], link="/"
        )
        # As an action wrote it before codes.
        Notification.objects.filter(pk=row.pk).update(detail=line, detail_code="", detail_args={})
        rows.append(row)

    migration.lines_to_codes(apps, None)
    found = {
        row.pk: (row.detail_code, row.detail_args, row.detail)
        for row in Notification.objects.filter(pk__in=[r.pk for r in rows])
    }
    for row, (_, _, code, args) in zip(rows, OLD_LINES, strict=False):
        assert found[row.pk] == (code, as_stored(args), ""), row
    for row, (_, line) in zip(rows[len(OLD_LINES) :], UNKNOWN_LINES, strict=True):
        assert found[row.pk] == ("", {}, line)

    # The lines now read in each reader's language.
    speaks(pen_signatory, "es")
    page = text_of(centre(pen_signatory))
    assert "Se cierra el 4 Nov 2031 12:00 UTC" in page
    assert "Motivo: Agreed: in Geneva." in page
    assert "change 3" in page

    migration.lines_to_codes(apps, None)  # again: nothing left to change
    assert Notification.objects.filter(detail_code="").count() == len(UNKNOWN_LINES)

    migration.codes_to_lines(apps, None)
    back = dict(
        Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", "detail")
    )
    assert [back[row.pk] for row in rows] == [line for _, line, *_ in OLD_LINES] + [
        line for _, line in UNKNOWN_LINES
    ]
    assert not Notification.objects.exclude(detail_code="").exists()


# --- cost -----------------------------------------------------------------------------------


def test_the_centre_costs_the_same_for_a_few_lines_and_many(
    make_statement: StatementMaker, chair: User, pen_delegate: User
) -> None:
    def lines_for(statement: Statement) -> None:
        lines: list[tuple[DetailCode, dict[str, Any]]] = [
            (DetailCode.CLOSES, {"deadline": DEADLINE}),
            (DetailCode.SIGNATORIES, {"count": 4}),
            (DetailCode.COMMENT, {"position": 2, "excerpt": "Fine."}),
            (DetailCode.SIGNATURE_REMOVED, {"delegation": "France", "reason": "Error."}),
        ]
        for code, values in lines:
            notify(
                drafts_notices.NEW_REVISION,
                actor=chair,
                subject=statement,
                recipients=[pen_delegate],
                link="/",
                detail=detail(code, **values),
            )

    client = client_for(speaks(pen_delegate, "fr", "Europe/Paris"))

    def queries() -> int:
        assert client.get(reverse("notifications:centre")).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("notifications:centre")).status_code == 200
        return len(captured)

    lines_for(make_statement())
    few = queries()
    for _ in range(10):
        lines_for(make_statement())
    assert queries() == few
