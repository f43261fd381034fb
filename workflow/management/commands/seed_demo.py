"""``manage.py seed_demo``: the demo coalition, its people, and statements in every state.

Everything is written the way a person would write it, through the actions
(``delegations.actions``, ``workflow.actions``, ``drafts.actions``), so the demo carries the
same groups, guardian grants and audit entries as real use. Running it again adds only what
is missing: bodies and people are found by name and e-mail, statements by title.
``manage.py seed_demo --list`` prints the demo accounts and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from delegations import actions as delegation_actions
from delegations import two_factor
from delegations.models import Body, Delegation, User
from drafts import actions as drafts_actions
from drafts.models import Amendment, Comment, RevisionParagraph, Statement
from workflow import actions

DEMO_DOMAIN = "demo.accord.example"
DEMO_PASSWORD = "accord-demo"
DEMO_UNREAD = 5  # notifications left unread for each demo person
PLENARY = "Plenary"
TASK_FORCE = "Task Force on Internet Shutdowns"
WORKING_GROUP = "Working Group on Digital Rights"

# name, kind, e-mails of its chairs
BODIES = [
    (PLENARY, Body.Kind.PLENARY, [f"chair@{DEMO_DOMAIN}"]),
    (TASK_FORCE, Body.Kind.TASK_FORCE, [f"chair.taskforce@{DEMO_DOMAIN}"]),
    (WORKING_GROUP, Body.Kind.WORKING_GROUP, [f"chair@{DEMO_DOMAIN}"]),
]

# The delegations the demo people act for, by ISO code, as the member seed names them.
DELEGATION_NAMES = {
    "CA": "Canada",
    "FR": "France",
    "KE": "Kenya",
    "NL": "The Netherlands",
    "GH": "Ghana",
    "DE": "Germany",
    "EE": "Estonia",
}


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: str
    delegation_code: str | None
    note: str
    organisation: str = ""


def _email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


DELEGATE = User.Role.DELEGATE.value
SIGNATORY = User.Role.SIGNATORY.value

DEMO_PEOPLE = [
    DemoPerson(_email("coordinator"), "Isabel Ferreira", User.Role.COORDINATOR.value, None,
               "Coordination unit: publishes; manages delegations, people and bodies in /admin/"),
    DemoPerson(_email("chair"), "Katharina Vogel", DELEGATE, "DE",
               "Chairs the Plenary and the Working Group on Digital Rights"),
    DemoPerson(_email("chair.taskforce"), "Kristjan Tamm", DELEGATE, "EE",
               "Chairs the Task Force on Internet Shutdowns"),
    DemoPerson(_email("delegate.ca"), "Émilie Tremblay", DELEGATE, "CA",
               "Pen-holder of the AI draft"),
    DemoPerson(_email("signatory.ca"), "Jonathan MacLeod", SIGNATORY, "CA",
               "Canada has signed the elections statement"),
    DemoPerson(_email("delegate.fr"), "Camille Laurent", DELEGATE, "FR",
               "Pen-holder of the spyware statement"),
    DemoPerson(_email("signatory.fr"), "Antoine Moreau", SIGNATORY, "FR",
               "France has not yet answered the two open sign-ons: try signing"),
    DemoPerson(_email("delegate.ke"), "Wanjiru Kamau", DELEGATE, "KE",
               "Pen-holder of the elections statement"),
    DemoPerson(_email("signatory.ke"), "David Otieno", SIGNATORY, "KE",
               "Kenya has signed the elections statement"),
    DemoPerson(_email("delegate.nl"), "Sanne de Vries", DELEGATE, "NL",
               "Pen-holder of the AI draft and the rapid response"),
    DemoPerson(_email("signatory.nl"), "Pieter van Dijk", SIGNATORY, "NL",
               "The Netherlands has signed the rapid response"),
    DemoPerson(_email("delegate.gh"), "Akosua Mensah", DELEGATE, "GH",
               "Pen-holder of the elections and journalists statements"),
    DemoPerson(_email("signatory.gh"), "Kwame Boateng", SIGNATORY, "GH",
               "Ghana has not yet answered the two open sign-ons"),
    DemoPerson(_email("delegate.de"), "Lena Hoffmann", DELEGATE, "DE",
               "Pen-holder of the spyware statement"),
    DemoPerson(_email("signatory.de"), "Matthias Becker", SIGNATORY, "DE",
               "Germany declined the elections statement"),
    DemoPerson(_email("adviser"), "Samira Haddad", User.Role.ADVISER.value, None,
               "Advisory network (Digital Rights Watch): invited to the spyware consultation",
               organisation="Digital Rights Watch"),
]  # fmt: skip


class DemoAccount(NamedTuple):
    """One account to log in as (password ``accord-demo``), as the README lists it."""

    email: str
    role: str
    delegation: str  # "" for coordinators and advisers
    note: str


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount(
        p.email, p.role, DELEGATION_NAMES[p.delegation_code] if p.delegation_code else "", p.note
    )
    for p in DEMO_PEOPLE
]


# --- the statements' texts ------------------------------------------------------------------

AI_TITLE = "Joint Statement on AI and Human Rights"
AI_TEXT_1 = """\
# Joint Statement on Artificial Intelligence and Human Rights

*Draft of Canada and the Netherlands for the Working Group on Digital Rights.*

The members of the coalition joining this statement,

*Recalling* that the same rights that people have offline must also be protected online, and
that the Universal Declaration of Human Rights and the International Covenant on Civil and
Political Rights guide States in the design, procurement and use of digital technologies,

*Recognising* that artificial intelligence systems offer real opportunities for public
services, sustainable development and the enjoyment of human rights, and that they can also
entrench discrimination, enable unlawful surveillance and chill the freedoms of expression,
peaceful assembly and association,

*Concerned* that systems deployed without transparency, human oversight or effective remedy
weigh most heavily on those already at risk, including human rights defenders, journalists,
women and girls, and persons belonging to minorities,

1. *Call upon* all States to ensure that the development, deployment and use of artificial
   intelligence systems comply with their obligations under international human rights law,
   and to refrain from using systems that cannot be operated in compliance with it;
2. *Urge* States to carry out human rights impact assessments before deploying artificial
   intelligence systems in the public sector, in particular in law enforcement, migration,
   social protection and the administration of justice;
3. *Encourage* companies to exercise human rights due diligence throughout the life cycle of
   artificial intelligence systems, consistent with the UN Guiding Principles on Business and
   Human Rights;
4. *Commit* to continue working with civil society, academia and the technical community so
   that international initiatives on the governance of artificial intelligence place human
   rights at their centre.
"""
AI_TEXT_2 = """\
# Joint Statement on Artificial Intelligence and Human Rights

*Draft of Canada and the Netherlands for the Working Group on Digital Rights.*

The members of the coalition joining this statement,

*Recalling* that the same rights that people have offline must also be protected online, and
that the Universal Declaration of Human Rights and the International Covenant on Civil and
Political Rights guide States in the design, procurement and use of digital technologies,

*Recognising* that artificial intelligence systems offer real opportunities for public
services, sustainable development and the enjoyment of human rights, and that they can also
entrench discrimination, enable unlawful surveillance and chill the freedoms of expression,
peaceful assembly and association,

*Concerned* that systems deployed without transparency, human oversight or effective remedy
weigh most heavily on those already at risk, including human rights defenders, journalists,
women and girls, and persons belonging to minorities,

*Noting with concern* the growing use of remote biometric identification in publicly
accessible spaces, and its effect on people's willingness to take part in public life,

1. *Call upon* all States to ensure that the development, deployment and use of artificial
   intelligence systems comply with their obligations under international human rights law,
   and to refrain from using systems that cannot be operated in compliance with it;
2. *Urge* States to carry out and publish human rights impact assessments before deploying
   artificial intelligence systems in the public sector, in particular in law enforcement,
   migration, social protection and the administration of justice, and to provide effective
   remedy to those whose rights are affected;
3. *Call upon* States to refrain from, or impose a moratorium on, the use of remote biometric
   identification in publicly accessible spaces until adequate safeguards are in place;
4. *Encourage* companies to exercise human rights due diligence throughout the life cycle of
   artificial intelligence systems, consistent with the UN Guiding Principles on Business and
   Human Rights;
5. *Commit* to continue working with civil society, academia and the technical community so
   that international initiatives on the governance of artificial intelligence place human
   rights at their centre.
"""

SPYWARE_TITLE = "Joint Statement on Spyware and Commercial Surveillance"
SPYWARE_TEXT = """\
# Joint Statement on Spyware and Commercial Surveillance

The members of the coalition joining this statement,

*Reaffirming* the right to privacy as set out in article 12 of the Universal Declaration of
Human Rights and article 17 of the International Covenant on Civil and Political Rights, and
its importance for the exercise of the freedoms of expression, peaceful assembly and
association,

*Alarmed* by credible reports, in many regions of the world, that commercial spyware has been
used to target journalists, human rights defenders, lawyers, political opponents and
diplomats, and by the chilling effect that such targeting has on civic space,

*Noting* that the market for intrusion software keeps growing, and that its sale, transfer
and use too often escape meaningful oversight,

1. *Call upon* all States to refrain from using commercial spyware in ways that are
   inconsistent with international human rights law, and to ensure that any use of
   surveillance technology is lawful, necessary and proportionate, subject to prior
   authorisation by an independent authority, and open to effective remedy;
2. *Commit* to strengthen our own export controls on surveillance technology, to take human
   rights risks into account in licensing decisions, and to share information on misuse with
   one another;
3. *Call upon* companies that develop, sell or service surveillance technology to carry out
   human rights due diligence and to refuse or end sales where there is a risk that their
   products will be misused;
4. *Welcome* the contributions of the advisory network during this consultation, and invite
   it to share evidence of targeting that should inform the final text.
"""

SPYWARE_COMMENTS = {
    "targets": (
        "Could the text name women human rights defenders here? The reports we have seen show "
        "that they are targeted disproportionately, and often through their families."
    ),
    "targets_reply": (
        "Agreed in principle. We will propose wording in the next revision, and welcome "
        "Kenya's suggestion for it."
    ),
    "evidence": (
        "Thank you for the invitation. Digital Rights Watch will send its evidence of "
        "targeting in the region by the consultation deadline."
    ),
    "authority": (
        "Several delegations require a judge, not only an independent authority. Could we say "
        '"judicial or otherwise independent authority"?'
    ),
}
SPYWARE_AMENDMENTS = {
    "remedy": (
        "A remedy is only effective if people learn that they were targeted: notification is "
        "how most of the cases we know of came to light."
    ),
    "procedural": "A procedural paragraph: it does not belong in the final text.",
    "procedural_rejected": (
        "The advisory network's contribution is part of how the coalition works; we keep the "
        "paragraph and will update it before sign-on."
    ),
    "licences": (
        "Taking risks into account is not enough: licences should be denied where the risk of "
        "misuse is substantial, as several members already do."
    ),
}

JOURNALISTS_TITLE = "Joint Statement on the Safety of Journalists Online"
JOURNALISTS_TEXT_1 = """\
# Joint Statement on the Safety of Journalists Online

The undersigned members of the coalition,

*Recalling* UN Security Council resolution 2222 (2015) and the UN Plan of Action on the Safety
of Journalists and the Issue of Impunity,

*Deeply concerned* by the scale of online harassment, threats, doxxing and smear campaigns
directed at journalists and media workers, and by the disproportionate targeting of women
journalists, which too often precedes violence offline,

1. *Condemn* unequivocally all attacks, threats and harassment against journalists and media
   workers, online and offline;
2. *Call upon* all States to investigate threats against journalists promptly and
   effectively, and to bring those responsible to justice;
3. *Call upon* online platforms to provide journalists with effective means to report
   coordinated harassment, and to respond to such reports without delay.
"""
JOURNALISTS_TEXT_2 = """\
# Joint Statement on the Safety of Journalists Online

The undersigned members of the coalition,

*Recalling* UN Security Council resolution 2222 (2015) and the UN Plan of Action on the Safety
of Journalists and the Issue of Impunity,

*Deeply concerned* by the scale of online harassment, threats, doxxing and smear campaigns
directed at journalists and media workers, and by the disproportionate targeting of women
journalists, which too often precedes violence offline,

*Recognising* that independent journalism, online and offline, is essential to democratic
societies and to holding power to account,

1. *Condemn* unequivocally all attacks, threats and harassment against journalists and media
   workers, online and offline;
2. *Call upon* all States to investigate threats against journalists promptly, impartially and
   effectively, to bring those responsible to justice, and to refrain from using laws on
   disinformation or cybercrime to silence journalists;
3. *Call upon* online platforms to provide journalists with effective means to report
   coordinated harassment, to respond to such reports without delay, and to be transparent
   about how they do so;
4. *Commit* to support, including through development cooperation, initiatives that
   strengthen the digital safety of journalists and media workers, in particular women
   journalists and those working locally.
"""

ELECTIONS_TITLE = "Joint Statement on Internet Shutdowns during Elections"
ELECTIONS_TEXT_1 = """\
# Joint Statement on Internet Shutdowns during Elections

The undersigned members of the coalition,

*Recalling* Human Rights Council resolution 47/16 on the promotion, protection and enjoyment
of human rights on the Internet, which condemns measures that intentionally prevent or
disrupt access to information online,

*Concerned* that internet shutdowns and disruptions are increasingly imposed before, during
and after elections, when access to information matters most,

1. *Call upon* all States to refrain from shutting down or disrupting access to the Internet
   and to online communication services during elections;
2. *Call upon* telecommunications companies to publish the orders they receive to restrict
   access, wherever the law allows.
"""
ELECTIONS_TEXT_2 = """\
# Joint Statement on Internet Shutdowns during Elections

The undersigned members of the coalition,

*Recalling* Human Rights Council resolution 47/16 on the promotion, protection and enjoyment
of human rights on the Internet, which condemns measures that intentionally prevent or
disrupt access to information online,

*Concerned* that internet shutdowns and disruptions are increasingly imposed before, during
and after elections, when access to information matters most, and that they hinder the work
of election observers, journalists and human rights defenders,

*Stressing* that free and fair elections depend on voters' ability to seek, receive and
impart information, and on the ability of candidates and parties to reach them,

1. *Call upon* all States to refrain from shutting down or disrupting access to the Internet
   and to online communication services before, during and after elections;
2. *Urge* States to ensure that any restriction of online communication is provided by law,
   necessary and proportionate, and subject to independent oversight;
3. *Call upon* telecommunications companies and online platforms to publish the orders they
   receive to restrict access, wherever the law allows, and to seek to limit their impact;
4. *Commit* to raise the issue of internet shutdowns in our bilateral and multilateral
   engagement, including in election observation.
"""

RAPID_TITLE = "Rapid Response: Network Disruptions in the Republic of Veldoria"
RAPID_TEXT = """\
# Rapid Response: Network Disruptions in the Republic of Veldoria

The undersigned members of the coalition are deeply concerned by reports that, over the past
week, mobile internet services and several messaging and social media platforms have been
disrupted across the Republic of Veldoria, in the days following the contested regional
elections.

These disruptions prevent people in Veldoria from communicating with their families, gaining
access to health services and emergency information, and taking part in public life. They
hinder the work of journalists and human rights defenders documenting events on the ground.

We call on the authorities of Veldoria to restore full and unrestricted access to the Internet
without delay, to refrain from further disruptions, and to respect and protect the rights to
freedom of expression and of peaceful assembly, online and offline.

We stand ready to engage with the authorities of Veldoria, and we will continue to follow the
situation closely.
"""

MODERATION_TITLE = "Joint Statement on Online Content Moderation"
MODERATION_TEXT = """\
# Joint Statement on Online Content Moderation

The undersigned members of the coalition,

*Recognising* that online platforms shape how people seek, receive and impart information,
and that their content moderation decisions affect the freedom of expression of billions of
people,

*Concerned* by both the spread of illegal content online and the removal of lawful speech,
including the work of human rights defenders and journalists, through opaque or automated
processes,

1. *Call upon* States to ensure that any legal obligations on platforms to remove content are
   clearly defined, necessary and proportionate, and subject to judicial oversight;
2. *Call upon* platforms to be transparent about their moderation rules and their
   enforcement, and to offer people an effective appeal against their decisions.
"""
MODERATION_WITHDRAWAL = (
    "The Plenary agreed to fold the content-moderation language into the Joint Statement on "
    "AI and Human Rights now drafted in the Working Group on Digital Rights; this text will "
    "not go forward on its own."
)


def _deadline(days: int) -> datetime:
    """17:00 UTC, ``days`` days from now: always in the future for days >= 1."""
    moment = timezone.now().astimezone(UTC) + timedelta(days=days)
    return moment.replace(hour=17, minute=0, second=0, microsecond=0)


class _Tally:
    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}

    def add(self, what: str, *, created: bool) -> None:
        created_and_present = self.counts.setdefault(what, [0, 0])
        created_and_present[0 if created else 1] += 1


class Command(BaseCommand):
    help = (
        "Load the demo coalition: bodies, demo people (password 'accord-demo') and statements "
        "in every state, all through the actions. Safe to run again: adds only what is missing. "
        "--list prints the demo accounts and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list", action="store_true", help="Print the demo accounts and write nothing."
        )

    def _settle_notifications(self) -> None:
        """The demo's history happened before anyone opened Accord: each person finds only
        their few latest notifications unread, as someone who keeps up would, not hundreds."""
        from django.db.models import F

        from notifications.models import Notification

        for recipient in (
            Notification.objects.filter(read_at__isnull=True)
            .values_list("recipient_id", flat=True)
            .distinct()
        ):
            latest = Notification.objects.filter(recipient_id=recipient).order_by("-id")[
                :DEMO_UNREAD
            ]
            Notification.objects.filter(recipient_id=recipient, read_at__isnull=True).exclude(
                pk__in=list(latest.values_list("pk", flat=True))
            ).update(read_at=F("created_at"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._print_accounts()
            return
        self.tally = _Tally()
        with transaction.atomic():
            delegations = self._delegations()
            people = self._people(delegations)
            bodies = self._bodies(people)
            self._statements(people, bodies, delegations)
            self._discussion_of_spyware(people)
            self._settle_notifications()
        self._print_summary()

    # --- people and bodies ------------------------------------------------------------------

    def _delegations(self) -> dict[str, Delegation]:
        found = {d.code: d for d in Delegation.objects.filter(code__in=DELEGATION_NAMES)}
        missing = sorted(set(DELEGATION_NAMES) - set(found))
        if missing:
            raise CommandError(
                f"The member delegations {', '.join(missing)} are missing; run "
                "`manage.py migrate` first (it seeds the 42 members)."
            )
        return found

    def _people(self, delegations: dict[str, Delegation]) -> dict[str, User]:
        existing = {
            u.email: u for u in User.objects.filter(email__in=[p.email for p in DEMO_PEOPLE])
        }
        people: dict[str, User] = {}
        for spec in DEMO_PEOPLE:
            person = existing.get(spec.email)
            if person is None:
                person = delegation_actions.add_person(
                    None,
                    email=spec.email,
                    full_name=spec.full_name,
                    role=spec.role,
                    delegation=delegations[spec.delegation_code] if spec.delegation_code else None,
                    password=DEMO_PASSWORD,
                    organisation=spec.organisation,
                )
            self.tally.add("people", created=spec.email not in existing)
            people[spec.email] = person
            if two_factor.required_for(person):
                has_app = two_factor.has_device(person)
                if not has_app:
                    # Demo only: a published secret, so visitors can log in (demo_code).
                    TOTPDevice.objects.filter(user=person).delete()
                    TOTPDevice.objects.create(
                        user=person,
                        name="Demo authenticator app",
                        key=two_factor.DEMO_TOTP_KEY,
                        confirmed=True,
                    )
                self.tally.add("demo authenticator apps", created=not has_app)
        return people

    def _bodies(self, people: dict[str, User]) -> dict[str, Body]:
        bodies: dict[str, Body] = {}
        for name, kind, chair_emails in BODIES:
            body = Body.objects.filter(name=name).first()
            self.tally.add("bodies", created=body is None)
            if body is None:
                body = delegation_actions.create_body(None, name=name, kind=kind)
            # Add the demo chairs to whoever chairs it already; never unseat anyone.
            current = set(body.chairs.all())
            wanted = current | {people[email] for email in chair_emails}
            self.tally.add("chair seats", created=wanted != current)
            if wanted != current:
                delegation_actions.set_chairs(None, body, chairs=wanted)
            bodies[name] = body
        return bodies

    # --- statements -------------------------------------------------------------------------

    def _statements(
        self, people: dict[str, User], bodies: dict[str, Body], delegations: dict[str, Delegation]
    ) -> None:
        def who(local: str) -> User:
            return people[_email(local)]

        def pen(*codes: str) -> list[Delegation]:
            return [delegations[code] for code in codes]

        def draft_on_ai() -> None:
            # Draft: two revisions, by Canada and the Netherlands.
            statement = actions.create_statement(
                who("delegate.ca"),
                title=AI_TITLE,
                kind=Statement.Kind.JOINT_STATEMENT,
                body=bodies[WORKING_GROUP],
                pen_holders=pen("CA", "NL"),
                text=AI_TEXT_1,
                min_signatures=3,
            )
            self._revise(who("delegate.nl"), statement, AI_TEXT_2)

        def consultation_on_spyware() -> None:
            statement = actions.create_statement(
                who("delegate.fr"),
                title=SPYWARE_TITLE,
                kind=Statement.Kind.JOINT_STATEMENT,
                body=bodies[PLENARY],
                pen_holders=pen("FR", "DE"),
                text=SPYWARE_TEXT,
                min_signatures=2,
            )
            actions.open_consultation(
                who("chair"), statement, deadline=_deadline(10), advisers_invited=True
            )

        def sign_on_elections() -> None:
            # In sign-on: Canada and Kenya signed, Germany declined, France and Ghana to answer.
            statement = actions.create_statement(
                who("delegate.ke"),
                title=ELECTIONS_TITLE,
                kind=Statement.Kind.JOINT_STATEMENT,
                body=bodies[TASK_FORCE],
                pen_holders=pen("KE", "GH"),
                text=ELECTIONS_TEXT_1,
                min_signatures=2,
            )
            chair = who("chair.taskforce")
            actions.open_consultation(chair, statement, deadline=_deadline(2))
            self._revise(who("delegate.gh"), statement, ELECTIONS_TEXT_2)
            actions.open_sign_on(chair, statement, deadline=_deadline(7))
            actions.sign_on(
                who("signatory.ca"), statement, proof=two_factor.operator_proof(who("signatory.ca"))
            )
            actions.sign_on(
                who("signatory.ke"), statement, proof=two_factor.operator_proof(who("signatory.ke"))
            )
            actions.decline(who("signatory.de"), statement)

        def rapid_response() -> None:
            # A rapid response goes to sign-on straight from drafting.
            statement = actions.create_statement(
                who("delegate.nl"),
                title=RAPID_TITLE,
                kind=Statement.Kind.RAPID_RESPONSE,
                body=bodies[TASK_FORCE],
                pen_holders=pen("NL"),
                text=RAPID_TEXT,
            )
            actions.open_sign_on(who("chair.taskforce"), statement, deadline=_deadline(3))
            actions.sign_on(
                who("signatory.nl"), statement, proof=two_factor.operator_proof(who("signatory.nl"))
            )

        def published_on_journalists() -> None:
            statement = actions.create_statement(
                who("delegate.fr"),
                title=JOURNALISTS_TITLE,
                kind=Statement.Kind.JOINT_STATEMENT,
                body=bodies[PLENARY],
                pen_holders=pen("FR", "GH"),
                text=JOURNALISTS_TEXT_1,
                min_signatures=2,
            )
            chair = who("chair")
            actions.open_consultation(chair, statement, deadline=_deadline(1))
            self._revise(who("delegate.gh"), statement, JOURNALISTS_TEXT_2)
            actions.open_sign_on(chair, statement, deadline=_deadline(2))
            for code in ("ca", "fr", "de", "gh", "ke", "nl"):
                actions.sign_on(
                    who(f"signatory.{code}"),
                    statement,
                    proof=two_factor.operator_proof(who(f"signatory.{code}")),
                )
            actions.publish(who("coordinator"), statement)

        def withdrawn_on_moderation() -> None:
            # Went to sign-on, was sent back (Germany's signature became void), then withdrawn.
            statement = actions.create_statement(
                who("delegate.de"),
                title=MODERATION_TITLE,
                kind=Statement.Kind.JOINT_STATEMENT,
                body=bodies[PLENARY],
                pen_holders=pen("DE", "NL"),
                text=MODERATION_TEXT,
            )
            chair = who("chair")
            actions.open_consultation(chair, statement, deadline=_deadline(1))
            actions.open_sign_on(chair, statement, deadline=_deadline(5))
            actions.sign_on(
                who("signatory.de"), statement, proof=two_factor.operator_proof(who("signatory.de"))
            )
            actions.return_to_drafting(chair, statement)
            actions.withdraw(chair, statement, reason=MODERATION_WITHDRAWAL)

        scenarios: list[tuple[str, Callable[[], None]]] = [
            (AI_TITLE, draft_on_ai),
            (SPYWARE_TITLE, consultation_on_spyware),
            (ELECTIONS_TITLE, sign_on_elections),
            (RAPID_TITLE, rapid_response),
            (JOURNALISTS_TITLE, published_on_journalists),
            (MODERATION_TITLE, withdrawn_on_moderation),
        ]
        existing = set(
            Statement.objects.filter(title__in=[t for t, _ in scenarios]).values_list(
                "title", flat=True
            )
        )
        for title, scenario in scenarios:
            if title not in existing:
                scenario()
            self.tally.add("statements", created=title not in existing)

    def _discussion_of_spyware(self, people: dict[str, User]) -> None:
        """Comments (one thread resolved, one with a reply, one on a wording since changed)
        and amendments (one accepted, one rejected, one open) on the spyware consultation.
        Added once: a consultation that already has any is left as it is."""
        statement = Statement.objects.filter(
            title=SPYWARE_TITLE, state=Statement.State.CONSULTATION
        ).first()
        if statement is None:
            return
        if statement.comments.exists() or statement.amendments.exists():
            self.tally.add("comments and amendments", created=False)
            return

        def who(local: str) -> User:
            return people[_email(local)]

        def paragraph(position: int) -> RevisionParagraph:
            statement.refresh_from_db()
            return RevisionParagraph.objects.select_related("paragraph").get(
                revision=statement.current_revision, position=position
            )

        def comment(author: str, position: int, body: str, quote: str = "") -> Comment:
            return drafts_actions.comment_on_paragraph(
                who(author), statement, paragraph=paragraph(position).paragraph, body=body,
                quote=quote,
            )  # fmt: skip

        def propose(author: str, position: int, kind: str, text: str, why: str) -> Amendment:
            return drafts_actions.propose_amendment(
                who(author), statement, paragraph=paragraph(position).paragraph, kind=kind,
                text=text, justification=why,
            )  # fmt: skip

        alarmed = comment(
            "signatory.ke", 4, SPYWARE_COMMENTS["targets"], quote="lawyers, political opponents"
        )
        drafts_actions.reply_to_comment(
            who("delegate.fr"), alarmed, body=SPYWARE_COMMENTS["targets_reply"]
        )
        welcome = comment("adviser", 9, SPYWARE_COMMENTS["evidence"])
        drafts_actions.resolve_comment(who("delegate.fr"), welcome)
        comment(
            "delegate.gh",
            6,
            SPYWARE_COMMENTS["authority"],
            quote="prior authorisation by an independent authority",
        )
        remedy = propose(
            "delegate.ke",
            6,
            Amendment.Kind.REPLACE,
            paragraph(6).text.replace(
                "and open to effective remedy;",
                "and open to effective remedy, including\n   notification of those who were "
                "targeted;",
            ),
            SPYWARE_AMENDMENTS["remedy"],
        )
        drafts_actions.accept_amendment(who("delegate.fr"), remedy)
        procedural = propose(
            "signatory.nl", 9, Amendment.Kind.DELETE, "", SPYWARE_AMENDMENTS["procedural"]
        )
        drafts_actions.reject_amendment(
            who("delegate.de"), procedural, reason=SPYWARE_AMENDMENTS["procedural_rejected"]
        )
        propose(
            "signatory.ca",
            7,
            Amendment.Kind.REPLACE,
            paragraph(7).text.replace(
                "in licensing decisions,",
                "in licensing decisions, to deny licences where there is a\n   substantial "
                "risk of misuse,",
            ),
            SPYWARE_AMENDMENTS["licences"],
        )
        self.tally.add("comments and amendments", created=True)

    @staticmethod
    def _revise(author: User, statement: Statement, text: str) -> None:
        statement.refresh_from_db()
        assert statement.current_revision is not None, "every statement starts with a revision"
        drafts_actions.save_revision(author, statement, text=text, base=statement.current_revision)

    # --- output -----------------------------------------------------------------------------

    def _print_summary(self) -> None:
        self.stdout.write(self.style.SUCCESS("Demo data ready.") + f" Password: {DEMO_PASSWORD}")
        for what, (created, present) in self.tally.counts.items():
            self.stdout.write(f"  {what:<26} {created:>2} created, {present:>2} already present")
        self.stdout.write(f"Accounts: manage.py seed_demo --list (all @{DEMO_DOMAIN}).")

    def _print_accounts(self) -> None:
        rows = [("email", "role", "delegation", "note")]
        rows += [(a.email, a.role, a.delegation or "—", a.note) for a in DEMO_ACCOUNTS]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(
            "Signatories and the coordinator also give a two-factor code: "
            "`manage.py demo_code <email>` prints it."
        )
        for n, (email, role, delegation, note) in enumerate(rows):
            self.stdout.write(
                f"{email:<{widths[0]}}  {role:<{widths[1]}}  {delegation:<{widths[2]}}  {note}"
            )
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in [*widths, 4]))
