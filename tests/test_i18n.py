"""Accord in English, French and Spanish, with each person's own time zone.

The interface follows the language saved on a person's profile (or, without one, the language
switcher's cookie and then the browser's); dates are shown in their time zone with the UTC
time on hover; e-mails go out in the recipient's language. The catalogues are complete.
"""

from __future__ import annotations

import gettext
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from delegations.models import User
from notifications.email import notification_email
from notifications.models import Notification
from tests.conftest import StatementMaker, client_for
from workflow import actions
from workflow import notices as workflow_notices

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["fr", "es"]
DOMAINS = ["django", "djangojs"]


def speaks(person: User, language: str, time_zone: str = "UTC") -> User:
    person.language = language
    person.time_zone = time_zone
    person.save(update_fields=["language", "time_zone"])
    return person


# --- pages in the person's language -------------------------------------------------------------


@pytest.mark.django_db
def test_a_french_delegate_reads_the_dashboard_and_statement_page_in_french(
    make_statement: StatementMaker, pen_delegate: User
) -> None:
    statement = make_statement("consultation")
    client = client_for(speaks(pen_delegate, "fr"))

    dashboard = client.get(reverse("workflow:dashboard")).content.decode()
    assert '<html lang="fr">' in dashboard
    assert "Ce qui vous attend" in dashboard
    assert "Nouvelle déclaration" in dashboard
    assert "What needs you" not in dashboard

    page = client.get(reverse("workflow:statement", args=[statement.pk])).content.decode()
    assert "Porte-plumes" in page
    assert "Fin de la consultation" in page
    assert "Proposer l&#x27;amendement" in page or "Proposer l'amendement" in page
    # The statement's own text is never translated.
    assert statement.current_revision is not None
    assert statement.title in page


@pytest.mark.django_db
def test_a_spanish_signatory_reads_the_pages_in_spanish(
    make_statement: StatementMaker, other_signatory: User
) -> None:
    statement = make_statement("sign_on")
    client = client_for(speaks(other_signatory, "es"))

    dashboard = client.get(reverse("workflow:dashboard")).content.decode()
    assert "Firmas pendientes de" in dashboard
    page = client.get(reverse("workflow:statement", args=[statement.pk])).content.decode()
    assert "Apertura a la firma" in page
    assert ">Firmar</button>" in page
    assert "Firmantes" in page


@pytest.mark.django_db
def test_the_public_page_speaks_the_visitors_language(make_statement: StatementMaker) -> None:
    statement = make_statement("published")
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    page = client.get(reverse("workflow:public_detail", args=[statement.slug])).content.decode()
    assert "Declaración conjunta de 1 miembro de la coalición" in page
    french = Client(HTTP_ACCEPT_LANGUAGE="fr").get(reverse("workflow:public_list"))
    assert "1 déclaration publiée" in french.content.decode()


# --- the switcher -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_switcher_saves_the_choice_on_the_person_for_their_next_login(
    pen_delegate: User,
) -> None:
    client = client_for(pen_delegate)
    response = client.post(
        reverse("delegations:set_language"), {"language": "es", "next": "/published/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/published/"
    pen_delegate.refresh_from_db()
    assert pen_delegate.language == "es"
    assert AuditEntry.objects.filter(action="delegations.set_language_and_time_zone").exists()

    # Another browser, with no cookie and an English browser: the saved choice applies.
    elsewhere = client_for(pen_delegate)
    elsewhere.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = elsewhere.get(reverse("workflow:dashboard")).content.decode()
    assert "Lo que requiere su atención" in page


@pytest.mark.django_db
def test_an_anonymous_visitors_choice_is_kept_in_a_cookie() -> None:
    client = Client()
    response = client.post(reverse("delegations:set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get(reverse("workflow:public_list")).content.decode()
    assert "Déclarations publiées" in page
    assert User.objects.filter(language="fr").count() == 0


@pytest.mark.django_db
def test_the_switcher_is_a_plain_form_in_the_header() -> None:
    page = Client().get(reverse("workflow:public_list")).content.decode()
    form = re.search(r'<form class="language-switcher".*?</form>', page, re.S)
    assert form is not None
    assert 'action="/i18n/language/"' in form.group(0)
    assert '<label class="visually-hidden" for="language-switcher">' in form.group(0)
    assert '<option value="es" lang="es">Español</option>' in form.group(0)
    assert 'type="submit"' in form.group(0)


@pytest.mark.django_db
def test_the_profile_saves_language_and_time_zone_and_refuses_unknown_zones(
    pen_delegate: User,
) -> None:
    client = client_for(pen_delegate)
    url = reverse("delegations:set_language_and_time_zone")
    bad = client.post(url, {"language": "fr", "time_zone": "Mars/Olympus_Mons"})
    assert bad.status_code == 400
    assert "Choose a time zone from the list" in bad.content.decode()
    pen_delegate.refresh_from_db()
    assert (pen_delegate.language, pen_delegate.time_zone) == ("", "UTC")

    good = client.post(url, {"language": "fr", "time_zone": "Europe/Paris"})
    assert good.status_code == 302
    pen_delegate.refresh_from_db()
    assert (pen_delegate.language, pen_delegate.time_zone) == ("fr", "Europe/Paris")
    profile = client.get(reverse("delegations:profile")).content.decode()
    assert "Langue et fuseau horaire" in profile
    assert '<option value="Europe/Paris" selected>' in profile


# --- time zones -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_deadline_shows_in_the_persons_zone_with_utc_on_hover(
    make_statement: StatementMaker, chair: User
) -> None:
    statement = make_statement("consultation")
    deadline = datetime(2031, 11, 4, 12, 0, tzinfo=UTC)
    actions.open_sign_on(chair, statement, deadline=deadline)

    page = client_for(speaks(chair, "en", "Europe/Paris")).get(
        reverse("workflow:statement", args=[statement.pk])
    )
    text = page.content.decode()
    assert (
        '<time datetime="2031-11-04T12:00:00+00:00" title="4 Nov 2031 12:00 UTC">'
        "4 Nov 2031 13:00 CET</time>"
    ) in text

    in_utc = client_for(speaks(chair, "en", "UTC")).get(
        reverse("workflow:statement", args=[statement.pk])
    )
    assert "4 Nov 2031 12:00 UTC</time>" in in_utc.content.decode()


@pytest.mark.django_db
def test_a_deadline_typed_in_mexico_city_is_stored_as_the_right_utc_instant(
    make_statement: StatementMaker, chair: User
) -> None:
    statement = make_statement("consultation")
    client = client_for(speaks(chair, "es", "America/Mexico_City"))
    form = client.get(reverse("workflow:statement", args=[statement.pk])).content.decode()
    assert "Cierre de la firma (America/Mexico_City)" in form

    response = client.post(
        reverse("workflow:open_sign_on", args=[statement.pk]), {"deadline": "2031-11-04T06:00"}
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.sign_on_deadline == datetime(2031, 11, 4, 12, 0, tzinfo=UTC)


# --- e-mail -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_email_to_a_spanish_speaking_person_is_in_spanish(
    make_statement: StatementMaker, chair: User, pen_signatory: User, pen_delegate: User
) -> None:
    speaks(pen_signatory, "es", "America/Mexico_City")
    statement = make_statement("consultation")
    actions.open_sign_on(chair, statement, deadline=datetime(2031, 11, 4, 12, 0, tzinfo=UTC))

    to_spanish = Notification.objects.get(
        recipient=pen_signatory, event=workflow_notices.SIGN_ON_OPENED.code
    )
    message = notification_email(to_spanish)
    assert message.subject.startswith("[Accord] Apertura a la firma: ")
    assert "Ábralo en Accord" in message.body
    html = message.alternatives[0][0]
    assert isinstance(html, str)
    assert '<html lang="es">' in html

    to_english = Notification.objects.get(
        recipient=pen_delegate, event=workflow_notices.SIGN_ON_OPENED.code
    )
    assert notification_email(to_english).subject.startswith("[Accord] Sign-on opened: ")


# --- the catalogues ---------------------------------------------------------------------------


def read_po(path: Path) -> list[dict[str, Any]]:
    """The entries of a .po file: context, id, plural id, translations, flags."""
    entries: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    field: tuple[str, int] = ("", -1)

    def close() -> None:
        if "msgid" in current:
            entries.append(dict(current))
        current.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            close()
            continue
        if line.startswith("#,"):
            current.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (\".*\")$", line)
        if match:
            name, index, value = match.group(1), match.group(2), match.group(3)
            if name == "msgctxt" and "msgid" in current:
                close()
            text = value[1:-1]
            if name == "msgstr":
                current.setdefault("msgstr", {})[int(index) if index else -1] = text
                field = ("msgstr", int(index) if index else -1)
            else:
                current[name] = text
                field = (name, -1)
        elif line.startswith('"'):
            if field[0] == "msgstr":
                current["msgstr"][field[1]] += line[1:-1]
            else:
                current[field[0]] += line[1:-1]
    close()
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}

    def decode(text: str) -> str:
        return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), text)

    for entry in entries:
        for key in ("msgctxt", "msgid", "msgid_plural"):
            if key in entry:
                entry[key] = decode(entry[key])
        entry["msgstr"] = {k: decode(v) for k, v in entry["msgstr"].items()}
    return [e for e in entries if e["msgid"]]


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_entry_is_translated_with_its_placeholders(language: str, domain: str) -> None:
    entries = read_po(LOCALE / language / "LC_MESSAGES" / f"{domain}.po")
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", set())]
    wrong = [
        e["msgid"]
        for e in entries
        for translation in e["msgstr"].values()
        if placeholders(translation) != placeholders(e.get("msgid_plural") or e["msgid"])
        and placeholders(translation) != placeholders(e["msgid"])
    ]
    done = len(entries) - len(untranslated)
    print(f"{language} {domain}: {done}/{len(entries)} translated ({100 * done // len(entries)}%)")
    assert entries
    assert untranslated == []
    assert fuzzy == []
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_the_compiled_catalogue_matches_its_source(language: str, domain: str) -> None:
    """The committed .mo says what the .po says, so a machine without gettext runs translated."""
    directory = LOCALE / language / "LC_MESSAGES"
    with (directory / f"{domain}.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in read_po(directory / f"{domain}.po"):
        context = entry.get("msgctxt")
        if entry.get("msgid_plural"):
            for count, index in ((1, 0), (5, 2 if len(entry["msgstr"]) > 2 else 1)):
                got = (
                    catalogue.npgettext(context, entry["msgid"], entry["msgid_plural"], count)
                    if context
                    else catalogue.ngettext(entry["msgid"], entry["msgid_plural"], count)
                )
                assert got == entry["msgstr"][index], entry["msgid"]
        else:
            got = (
                catalogue.pgettext(context, entry["msgid"])
                if context
                else catalogue.gettext(entry["msgid"])
            )
            assert got == entry["msgstr"][-1], entry["msgid"]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools are not installed")
def test_no_interface_string_is_missing_from_the_catalogues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """Run makemessages on a copy of the sources: every string it finds is already translated."""
    source = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    skip = shutil.ignore_patterns(
        ".*", "var", "node_modules", "tests", "bench", "deploy", "locale", "test-artifacts", "*.pyc"
    )
    for name in ("audit", "config", "core", "delegations", "drafts", "notifications", "workflow"):
        shutil.copytree(source / name, copy / name, ignore=skip)
    shutil.copytree(source / "templates", copy / "templates")
    shutil.copytree(source / "static" / "js", copy / "static" / "js")
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [copy / "locale"]
    for domain in DOMAINS:
        call_command("makemessages", locale=["fr"], domain=domain, verbosity=0)
        found = {
            (e.get("msgctxt"), e["msgid"])
            for e in read_po(copy / "locale" / "fr" / "LC_MESSAGES" / f"{domain}.po")
        }
        committed = {
            (e.get("msgctxt"), e["msgid"])
            for e in read_po(LOCALE / "fr" / "LC_MESSAGES" / f"{domain}.po")
        }
        assert sorted(found - committed, key=str) == []
