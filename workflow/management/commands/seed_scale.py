"""``manage.py seed_scale --statements N``: a coalition at full size, for load and query tests.

What it makes, all by bulk inserts (one transaction per batch):

- delegations up to ``--delegations`` (193): the coalition's 42 members come from the member
  seed; the other member states of the United Nations are added as non-member delegations
  (they see only published statements, as a state that left would);
- ``--people-per-delegation`` (10) people in every delegation, the first two signatories, the
  rest delegates; three coordinators and ten advisers;
- ``--bodies`` (20) bodies named "Scale · …" (a plenary, task forces, working groups), each
  chaired by one or two delegates of member delegations;
- N statements over every state in fixed proportions (30% draft, 20% consultation, 15%
  sign-on, 30% published, 5% withdrawn; one in ten a rapid response), each with 1 to 8
  revisions (canonical text, SHA-256 hashes, paragraph identities as ``drafts`` keeps them),
  comments and amendments once consulted on, signatures in sign-on and published, and
  exactly the guardian group permissions ``workflow.grants.wanted_grants`` gives.

Everything it makes is marked: people have e-mails at ``scale.accord.example``, bodies
names starting "Scale · ", statements are started by those people. A second run with the
same N adds nothing; a larger N adds the difference. Statement i is drawn from a random
generator seeded with ``--seed`` and i, so the data set is the same on every machine.

No audit entries are written: the bulk-made rows have no history in the audit record (which
is an append-only chain written only by the actions). ``seed_demo`` goes through the actions
when that matters.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.text import slugify

from delegations.actions import advisory_network_group, coordination_unit_group
from delegations.models import Body, Delegation, User, collation_key
from delegations.un_member_states import UN_MEMBER_STATES
from drafts import text as drafts_text
from drafts.instrument import ORIGINAL, Part, instrument_hash
from drafts.models import (
    Amendment,
    Comment,
    Instrument,
    Paragraph,
    Revision,
    RevisionParagraph,
    Statement,
    StatementGroupObjectPermission,
)
from drafts.text import content_hash
from workflow.grants import wanted_grants
from workflow.models import Signature

SCALE_DOMAIN = "scale.accord.example"
SCALE_PASSWORD = "accord-scale"
BODY_PREFIX = "Scale · "
BATCH = 250

State = Statement.State

# Twenty statements in a row, in these states: 6 drafts, 4 consultations, 3 sign-ons,
# 6 published, 1 withdrawn. Any ten in a row hold every state but "withdrawn" at least once.
STATE_CYCLE = [
    State.DRAFT, State.CONSULTATION, State.SIGN_ON, State.PUBLISHED, State.DRAFT,
    State.PUBLISHED, State.WITHDRAWN, State.CONSULTATION, State.SIGN_ON, State.PUBLISHED,
    State.DRAFT, State.PUBLISHED, State.CONSULTATION, State.DRAFT, State.SIGN_ON,
    State.PUBLISHED, State.DRAFT, State.CONSULTATION, State.PUBLISHED, State.DRAFT,
]  # fmt: skip

TOPICS = [
    "internet shutdowns", "commercial spyware", "artificial intelligence and human rights",
    "the safety of journalists online", "elections and disinformation", "digital inclusion",
    "online gender-based violence", "data protection", "content moderation", "encryption",
    "cybersecurity and human rights", "children's rights online", "freedom of expression online",
    "surveillance technology exports", "platform accountability", "digital identity",
    "meaningful connectivity", "digital public infrastructure", "internet governance",
    "human rights defenders online",
]  # fmt: skip

FIRST_NAMES = [
    "Amina", "Ana", "Anders", "Aroha", "Camille", "Chen", "Daniela", "David", "Elena", "Emeka",
    "Fatima", "Hana", "Ingrid", "Jakub", "Jonas", "Kofi", "Laila", "Lucía", "Marta", "Mateo",
    "Mei", "Nadia", "Niko", "Olga", "Pablo", "Priya", "Rahel", "Sami", "Tariq", "Yuki",
]  # fmt: skip
SURNAMES = [
    "Abebe", "Andersen", "Banda", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad",
    "Ivanova", "Jensen", "Kim", "Kowalski", "Lindqvist", "Mensah", "Moreau", "Nakamura",
    "Novak", "Okafor", "Petrov", "Quispe", "Rossi", "Santos", "Schmidt", "Tanaka", "Virtanen",
    "Walsh", "Yilmaz", "Zhou", "Zuniga",
]  # fmt: skip
ORGANISATIONS = ["Digital Rights Watch", "Open Net Institute", "Access Research Centre"]

PREAMBLE = [
    "*Recalling* that the same rights that people have offline must also be protected online",
    "*Reaffirming* the Universal Declaration of Human Rights and the international covenants",
    "*Deeply concerned* by reports of measures that restrict access to information",
    "*Recognising* the role of civil society, the private sector and the technical community",
    "*Noting with concern* that such measures fall hardest on people in vulnerable situations",
]  # fmt: skip
OPERATIVE = [
    "*Calls upon* all states to refrain from measures that undermine {topic}",
    "*Urges* states to ensure that any restriction is lawful, necessary and proportionate",
    "*Encourages* the private sector to respect human rights in all matters of {topic}",
    "*Commits* to share good practice on {topic} among the members of the coalition",
    "*Invites* the advisory network to report on {topic} before the next plenary",
    "*Decides* to remain seized of the matter of {topic}",
    "*Stresses* the importance of transparency and remedy for those affected",
    "*Requests* the coordination unit to circulate this statement widely",
]  # fmt: skip
REMARKS = [
    "Could we align this with the language agreed last year?",
    "Our capital asks for a reference to the relevant resolution here.",
    "We would prefer a stronger verb.",
    "This paragraph reads well; we support it as drafted.",
    "Please keep the wording on remedy, it matters to us.",
    "We suggest moving this paragraph up.",
]  # fmt: skip


@dataclass
class PlannedRevision:
    paragraphs: list[tuple[int, str]]  # (paragraph number within the statement, wording)
    state: str
    author: int
    delegation: int

    @property
    def text(self) -> str:
        return "\n\n".join(wording for _, wording in self.paragraphs) + "\n"


@dataclass
class PlannedComment:
    revision: int  # index into the statement's revisions
    paragraph: int
    body: str
    author: int
    delegation: int
    replies: list[tuple[int, int, str]]  # (author, delegation, body)
    resolved_by: int | None


@dataclass
class PlannedAmendment:
    revision: int
    paragraph: int
    kind: str
    text: str
    delegation: int
    author: int
    status: str
    decided_by: int | None


@dataclass
class PlannedStatement:
    """One statement as it will be written, with everything that hangs off it."""

    statement: Statement
    pen_holders: list[int]
    keys: dict[int, str]
    revisions: list[PlannedRevision]
    comments: list[PlannedComment] = field(default_factory=list)
    amendments: list[PlannedAmendment] = field(default_factory=list)
    signatures: list[tuple[int, int, str]] = field(default_factory=list)  # deleg., person, status


@dataclass
class Cast:
    """Who may appear in the generated statements, by id."""

    members: list[int]  # member delegations with people
    delegates: dict[int, list[int]]  # delegation → its delegates
    signatories: dict[int, list[int]]  # delegation → its signatories
    bodies: list[Body]
    chairs: dict[int, list[int]]  # body → its chairs

    def someone_of(self, rng: random.Random, delegation: int) -> int:
        return rng.choice(self.delegates[delegation] + self.signatories[delegation])


class Timer:
    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.spent[name] += time.perf_counter() - started


class Command(BaseCommand):
    help = (
        "Add a coalition at full size (193 delegations, 10 people each, 20 bodies) and N "
        "statements over every state, with revisions, comments, amendments, signatures and "
        "guardian permissions, by bulk inserts. Idempotent: a second run with the same N adds "
        "nothing. Writes no audit entries: the rows it makes have no history in the audit record."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--statements", type=int, required=True, help="How many in all.")
        parser.add_argument("--delegations", type=int, default=193)
        parser.add_argument("--people-per-delegation", type=int, default=10)
        parser.add_argument("--bodies", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random choices.")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["statements"]
        people_per = options["people_per_delegation"]
        if wanted < 0 or options["delegations"] < 0 or options["bodies"] < 1 or people_per < 2:
            raise CommandError(
                "--statements and --delegations cannot be negative; a seed needs at least one "
                "body and two people per delegation (a signatory and a delegate)."
            )
        self.timer = Timer()
        self.now = timezone.now()
        started = time.perf_counter()
        with self.timer.phase("delegations"):
            added_delegations = self._delegations(options["delegations"])
        with self.timer.phase("people"):
            added_people, known = self._people(people_per)
        with self.timer.phase("bodies"):
            added_bodies = self._bodies(options["bodies"])
        cast = self._cast()
        existing = Statement.objects.filter(created_by__email__endswith=f"@{SCALE_DOMAIN}").count()
        for first in range(existing, wanted, BATCH):
            with transaction.atomic():
                self._statements(cast, range(first, min(first + BATCH, wanted)), options["seed"])
            if options["verbosity"] >= 2:
                self.stdout.write(f"  {min(first + BATCH, wanted)} / {wanted} statements")
        added_statements = max(0, wanted - existing)
        total = time.perf_counter() - started

        self.stdout.write(
            f"Added {added_delegations} delegations, {added_people} people, {added_bodies} "
            f"bodies, {added_statements} statements ({existing} were there) in {total:.1f} s."
        )
        for name, seconds in self.timer.spent.items():
            self.stdout.write(f"  {name:<22} {seconds:7.1f} s")
        if known:
            self.stdout.write(f"Accounts with the password {SCALE_PASSWORD!r}:")
            for email, role in known:
                self.stdout.write(f"  {email:<40} {role}")

    # --- delegations, people, bodies ------------------------------------------------------

    def _delegations(self, target: int) -> int:
        """Add non-member delegations from the UN list until there are ``target``."""
        missing = target - Delegation.objects.count()
        if missing <= 0:
            return 0
        codes = set(Delegation.objects.values_list("code", flat=True))
        names = set(Delegation.objects.values_list("name", flat=True))
        new = [(n, c) for n, c in UN_MEMBER_STATES if c not in codes and n not in names][:missing]
        with transaction.atomic():
            groups = Group.objects.bulk_create(
                Group(name=f"delegation:{code}{suffix}")
                for _, code in new
                for suffix in ("", ":signatories")
            )
            Delegation.objects.bulk_create(
                Delegation(
                    name=name,
                    code=code,
                    sort_key=collation_key(name),
                    is_member=False,
                    group=groups[2 * index],
                    signatories_group=groups[2 * index + 1],
                )
                for index, (name, code) in enumerate(new)
            )
        return len(new)

    def _people(self, per_delegation: int) -> tuple[int, list[tuple[str, str]]]:
        """Give every delegation its people, plus coordinators and advisers; returns how many
        were added and the accounts with a known password."""
        rng = random.Random("people")
        unusable = make_password(None)
        delegations = list(Delegation.objects.order_by("sort_key"))
        planned: list[tuple[User, list[int]]] = []
        for delegation in delegations:
            for index in range(per_delegation):
                role = User.Role.SIGNATORY if index < 2 else User.Role.DELEGATE
                groups = [delegation.group_id]
                if role == User.Role.SIGNATORY:
                    groups.append(delegation.signatories_group_id)
                planned.append(
                    (
                        User(
                            email=f"{delegation.code.lower()}.{index:02d}@{SCALE_DOMAIN}",
                            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                            role=role,
                            delegation=delegation,
                            password=unusable,
                        ),
                        groups,
                    )
                )
        for index in range(1, 4):
            planned.append(
                (
                    User(
                        email=f"coordinator.{index:02d}@{SCALE_DOMAIN}",
                        full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                        role=User.Role.COORDINATOR,
                        is_staff=True,
                        password=unusable,
                    ),
                    [coordination_unit_group().pk],
                )
            )
        for index in range(1, 11):
            planned.append(
                (
                    User(
                        email=f"adviser.{index:02d}@{SCALE_DOMAIN}",
                        full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                        role=User.Role.ADVISER,
                        organisation=ORGANISATIONS[index % len(ORGANISATIONS)],
                        password=unusable,
                    ),
                    [advisory_network_group().pk],
                )
            )

        known = self._known_accounts(delegations)
        known_hash = make_password(SCALE_PASSWORD)
        taken = set(
            User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").values_list("email", flat=True)
        )
        fresh = [(person, groups) for person, groups in planned if person.email not in taken]
        for person, _ in fresh:
            if person.email in dict(known):
                person.password = known_hash
        with transaction.atomic():
            created = User.objects.bulk_create([person for person, _ in fresh], batch_size=1000)
            User.groups.through.objects.bulk_create(
                [
                    User.groups.through(user_id=person.pk, group_id=group)
                    for person, groups in zip(created, (g for _, g in fresh), strict=True)
                    for group in groups
                ],
                batch_size=2000,
            )
        return len(created), known

    def _known_accounts(self, delegations: Sequence[Delegation]) -> list[tuple[str, str]]:
        """A handful of people to log in as: one of each role that sees something different."""
        members = [d for d in delegations if d.is_member]
        outsiders = [d for d in delegations if not d.is_member]
        codes = {d.code for d in members}
        pen = "ca" if "CA" in codes else members[0].code.lower()
        signatory = "ke" if "KE" in codes else members[-1].code.lower()
        known = [
            (f"coordinator.01@{SCALE_DOMAIN}", "coordinator: sees and publishes everything"),
            (f"{pen}.02@{SCALE_DOMAIN}", "delegate of a member, pen-holder of many drafts"),
            (f"{signatory}.00@{SCALE_DOMAIN}", "signatory of a member: signs on"),
            (f"adviser.01@{SCALE_DOMAIN}", "adviser: consultations the network is invited to"),
        ]
        plenary_chair = members[0].code.lower()
        known.append((f"{plenary_chair}.02@{SCALE_DOMAIN}", f"chair of {BODY_PREFIX}Plenary"))
        if outsiders:
            known.append(
                (f"{outsiders[0].code.lower()}.02@{SCALE_DOMAIN}", "delegate of a non-member")
            )
        return known

    def _bodies(self, target: int) -> int:
        """The plenary, task forces and working groups, each with its chairs."""
        names = [f"{BODY_PREFIX}Plenary"]
        for index, topic in enumerate(TOPICS * (target // len(TOPICS) + 1)):
            kind = "Task Force" if index % 3 == 0 else "Working Group"
            round_ = f" {index // len(TOPICS) + 1}" if index >= len(TOPICS) else ""
            names.append(f"{BODY_PREFIX}{kind}{round_} on {topic[0].upper()}{topic[1:]}")
        names = names[:target]
        existing = set(Body.objects.filter(name__in=names).values_list("name", flat=True))
        members = list(
            Delegation.objects.filter(is_member=True).order_by("sort_key").values_list("code")
        )
        chairs_by_email = dict(
            User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").values_list("email", "pk")
        )
        added = 0
        with transaction.atomic():
            for index, name in enumerate(names):
                if name in existing:
                    continue
                if index == 0:
                    kind = Body.Kind.PLENARY
                elif "Task Force" in name:
                    kind = Body.Kind.TASK_FORCE
                else:
                    kind = Body.Kind.WORKING_GROUP
                body = Body.objects.create(
                    name=name,
                    kind=kind,
                    chairs_group=Group.objects.create(name=f"body:{name}:chairs"),
                )
                # The plenary is chaired by the first member's delegate .02 (a known account);
                # other bodies by one or two delegates of members further down the list.
                picks = [members[(index * 3) % len(members)][0]]
                if index % 2 == 0 and index:
                    picks.append(members[(index * 3 + 1) % len(members)][0])
                chairs = [
                    chairs_by_email[f"{code.lower()}.{2 + index % 2:02d}@{SCALE_DOMAIN}"]
                    if index
                    else chairs_by_email[f"{code.lower()}.02@{SCALE_DOMAIN}"]
                    for code in picks
                ]
                Body.chairs.through.objects.bulk_create(
                    Body.chairs.through(body_id=body.pk, user_id=pk) for pk in chairs
                )
                User.groups.through.objects.bulk_create(
                    User.groups.through(user_id=pk, group_id=body.chairs_group_id) for pk in chairs
                )
                added += 1
        return added

    def _cast(self) -> Cast:
        members = set(Delegation.objects.filter(is_member=True).values_list("pk", flat=True))
        delegates: dict[int, list[int]] = defaultdict(list)
        signatories: dict[int, list[int]] = defaultdict(list)
        for pk, role, delegation in (
            User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}", delegation__isnull=False)
            .order_by("email")
            .values_list("pk", "role", "delegation_id")
        ):
            (signatories if role == User.Role.SIGNATORY else delegates)[delegation].append(pk)
        bodies = list(Body.objects.filter(name__startswith=BODY_PREFIX).order_by("pk"))
        chairs: dict[int, list[int]] = defaultdict(list)
        for body_id, user_id in Body.chairs.through.objects.filter(body__in=bodies).values_list(
            "body_id", "user_id"
        ):
            chairs[body_id].append(user_id)
        staffed = sorted(d for d in members if delegates[d] and signatories[d])
        if not staffed or not bodies:
            raise CommandError("No member delegation with people, or no body, to seed with.")
        return Cast(staffed, delegates, signatories, bodies, chairs)

    # --- statements -----------------------------------------------------------------------

    def _statements(self, cast: Cast, indexes: range, seed: int) -> None:
        timer = self.timer
        with timer.phase("planning"):
            plans = [self._plan(cast, index, random.Random(f"{seed}:{index}")) for index in indexes]
        with timer.phase("statements"):
            Statement.objects.bulk_create([plan.statement for plan in plans])
            Statement.pen_holders.through.objects.bulk_create(
                Statement.pen_holders.through(statement_id=plan.statement.pk, delegation_id=d)
                for plan in plans
                for d in plan.pen_holders
            )
        with timer.phase("revisions"):
            revisions = self._write_revisions(plans)
        with timer.phase("paragraphs"):
            paragraphs, wordings = self._write_paragraphs(plans, revisions)
        with timer.phase("statements"):
            frozen = [
                Instrument(
                    statement=plan.statement,
                    revision=made[-1],
                    content_hash=instrument_hash([Part(ORIGINAL, made[-1].content_hash)]),
                )
                for plan, made in zip(plans, revisions, strict=True)
                if plan.statement.state in (State.SIGN_ON, State.PUBLISHED)
            ]
            Instrument.objects.bulk_create(frozen)
            self._instruments = {instrument.statement_id: instrument for instrument in frozen}
            for plan, made in zip(plans, revisions, strict=True):
                statement = plan.statement
                statement.current_revision = made[-1]
                if statement.state in (State.SIGN_ON, State.PUBLISHED):
                    statement.instrument = self._instruments[statement.pk]
                    if statement.state == State.PUBLISHED and hasattr(statement, "words_hash"):
                        # Set at publication, where the text layer can say it.
                        words = getattr(drafts_text, "words_hash", None)
                        if words is not None:
                            statement.words_hash = words(made[-1].text)
            fields = ["current_revision", "instrument"]
            if any(f.name == "words_hash" for f in Statement._meta.get_fields()):
                fields.append("words_hash")
            Statement.objects.bulk_update([plan.statement for plan in plans], fields)
        with timer.phase("comments and amendments"):
            self._write_discussion(plans, revisions, paragraphs, wordings)
        with timer.phase("signatures"):
            self._write_signatures(plans, revisions)
        with timer.phase("permissions"):
            self._write_grants(plans)

    def _plan(self, cast: Cast, index: int, rng: random.Random) -> PlannedStatement:
        state = STATE_CYCLE[index % len(STATE_CYCLE)]
        rapid = rng.random() < 0.1
        topic = rng.choice(TOPICS)
        body = cast.bodies[rng.randrange(len(cast.bodies))]
        pen_holders = rng.sample(cast.members, k=min(len(cast.members), rng.choice([1, 2, 2, 3])))
        author = cast.delegates[pen_holders[0]][0]
        kind = Statement.Kind.RAPID_RESPONSE if rapid else Statement.Kind.JOINT_STATEMENT
        label = "Rapid response on" if rapid else "Joint statement on"
        title = f"{label} {topic}, no. {index + 1}"
        withdrawn_from = rng.choice([State.DRAFT, State.CONSULTATION])
        consulted = state in (State.CONSULTATION, State.PUBLISHED) or (
            state == State.SIGN_ON and not rapid
        )
        consulted = consulted or (state == State.WITHDRAWN and withdrawn_from != State.DRAFT)
        statement = Statement(
            title=title,
            kind=kind,
            body=body,
            min_signatures=rng.choice([1, 1, 2, 3]),
            state=state,
            created_by_id=author,
            advisers_invited=consulted and rng.random() < 0.2,
        )
        if consulted:
            statement.consultation_deadline = self.now + timedelta(days=rng.randint(-5, 20))
        if state == State.SIGN_ON:
            statement.sign_on_deadline = self.now + timedelta(days=rng.randint(1, 14))
        if state == State.PUBLISHED:
            published = self.now - timedelta(days=rng.randint(1, 900), minutes=rng.randint(0, 1440))
            statement.sign_on_deadline = published - timedelta(days=rng.randint(0, 5))
            statement.published_at = published
            statement.slug = f"{published:%Y-%m-%d}-{slugify(title)[:100].rstrip('-')}"
        if state == State.WITHDRAWN:
            statement.withdrawal_reason = "Overtaken by events."

        keys: dict[int, str] = {}
        revisions = self._plan_revisions(cast, rng, topic, pen_holders, consulted, keys)
        plan = PlannedStatement(statement, pen_holders, keys, revisions)
        if consulted:
            self._plan_discussion(cast, rng, plan)
        if state in (State.SIGN_ON, State.PUBLISHED):
            self._plan_signatures(cast, rng, plan)
        return plan

    def _plan_revisions(
        self,
        cast: Cast,
        rng: random.Random,
        topic: str,
        pen_holders: list[int],
        consulted: bool,
        keys: dict[int, str],
    ) -> list[PlannedRevision]:
        """1 to 8 revisions: each edits, adds or drops a paragraph, and renumbers the operative
        ones, the way drafters work. Paragraph numbers stay with a paragraph across revisions."""
        taken: set[str] = set()

        def new_paragraph() -> int:
            number = len(keys)
            while (key := f"p-{rng.getrandbits(24):06x}") in taken:
                pass
            taken.add(key)
            keys[number] = key
            return number

        def operative() -> str:
            return rng.choice(OPERATIVE).format(topic=topic)

        heading = (new_paragraph(), f"# Joint statement on {topic}")
        intro = (new_paragraph(), "The members of the coalition,")
        preamble = [(new_paragraph(), f"{p},") for p in rng.sample(PREAMBLE, rng.randint(1, 3))]
        body = [(new_paragraph(), operative()) for _ in range(rng.randint(2, 5))]
        count = rng.randint(1, 8)
        drafting = count if not consulted else rng.randint(1, count)
        planned: list[PlannedRevision] = []
        for number in range(count):
            if number:
                change = rng.random()
                if change < 0.5 or len(body) <= 2:
                    at = rng.randrange(len(body))
                    body[at] = (body[at][0], f"{operative()}, {rng.choice(REMARKS).lower()}")
                elif change < 0.8:
                    body.insert(rng.randrange(len(body) + 1), (new_paragraph(), operative()))
                else:
                    body.pop(rng.randrange(len(body)))
            numbered = [(pid, f"{at}. {wording}") for at, (pid, wording) in enumerate(body, 1)]
            delegation = rng.choice(pen_holders)
            planned.append(
                PlannedRevision(
                    paragraphs=[heading, intro, *preamble, *numbered],
                    state=State.DRAFT if number < drafting else State.CONSULTATION,
                    author=cast.someone_of(rng, delegation),
                    delegation=delegation,
                )
            )
        return planned

    def _plan_discussion(self, cast: Cast, rng: random.Random, plan: PlannedStatement) -> None:
        """Comments (some answered, some resolved) and amendments from member delegations on
        the revisions that were open to consultation."""
        consulted = [i for i, r in enumerate(plan.revisions) if r.state == State.CONSULTATION]
        read = consulted or [len(plan.revisions) - 1]
        last = len(plan.revisions) - 1
        in_consultation = plan.statement.state == State.CONSULTATION

        def speaker() -> tuple[int, int]:
            delegation = rng.choice(cast.members)
            return cast.someone_of(rng, delegation), delegation

        for _ in range(rng.choice([0, 1, 2, 2, 3, 4, 6])):
            revision = rng.choice(read)
            paragraph = rng.choice(plan.revisions[revision].paragraphs[1:])[0]
            author, delegation = speaker()
            replies = [(*speaker(), rng.choice(REMARKS)) for _ in range(rng.choice([0, 0, 1, 2]))]
            resolver = None
            if rng.random() < 0.3:
                resolver = cast.someone_of(rng, plan.pen_holders[0])
            plan.comments.append(
                PlannedComment(
                    revision, paragraph, rng.choice(REMARKS), author, delegation, replies, resolver
                )
            )
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            open_ = in_consultation and rng.random() < 0.6
            # An open amendment is kept rebased onto the newest revision; a decided one stays
            # against the revision its author read.
            revision = last if open_ else rng.choice(read)
            paragraph = rng.choice(plan.revisions[revision].paragraphs[2:])[0]
            author, delegation = speaker()
            kind = rng.choice(
                [Amendment.Kind.REPLACE] * 7
                + [Amendment.Kind.INSERT_AFTER] * 2
                + [Amendment.Kind.DELETE]
            )
            plan.amendments.append(
                PlannedAmendment(
                    revision=revision,
                    paragraph=paragraph,
                    kind=kind,
                    text=""
                    if kind == Amendment.Kind.DELETE
                    else rng.choice(OPERATIVE).format(topic="it"),
                    delegation=delegation,
                    author=author,
                    status=Amendment.Status.OPEN if open_ else Amendment.Status.REJECTED,
                    decided_by=None if open_ else cast.someone_of(rng, plan.pen_holders[0]),
                )
            )

    def _plan_signatures(self, cast: Cast, rng: random.Random, plan: PlannedStatement) -> None:
        """Answers of member delegations: a published statement has at least its minimum of
        signatures; one in sign-on anything from none to most members."""
        published = plan.statement.state == State.PUBLISHED
        low = plan.statement.min_signatures + 2 if published else 0
        count = min(len(cast.members), rng.randint(low, max(low, (len(cast.members) * 3) // 4)))
        signed_needed = plan.statement.min_signatures if published else 0
        for position, delegation in enumerate(rng.sample(cast.members, count)):
            chance = rng.random()
            if position < signed_needed or chance < 0.85:
                status = Signature.Status.SIGNED
            elif chance < 0.95:
                status = Signature.Status.DECLINED
            else:
                status = Signature.Status.WITHDRAWN
            signatory = rng.choice(cast.signatories[delegation])
            plan.signatures.append((delegation, signatory, status))

    # --- writing --------------------------------------------------------------------------

    def _write_revisions(self, plans: list[PlannedStatement]) -> list[list[Revision]]:
        """Revision 1 of every statement, then 2, …: each needs its parent's id."""
        made: list[list[Revision]] = [[] for _ in plans]
        for number in range(1, max(len(p.revisions) for p in plans) + 1):
            wave: list[Revision] = []
            for plan, done in zip(plans, made, strict=True):
                if len(plan.revisions) < number:
                    continue
                planned = plan.revisions[number - 1]
                text = planned.text
                parent = done[-1] if done else None
                revision = Revision(
                    statement=plan.statement,
                    number=number,
                    text=text,
                    content_hash=content_hash(text),
                    author_id=planned.author,
                    delegation_id=planned.delegation,
                    parent=parent,
                    started_from=parent,
                    statement_state=planned.state,
                )
                done.append(revision)
                wave.append(revision)
            Revision.objects.bulk_create(wave)
        return made

    def _write_paragraphs(
        self, plans: list[PlannedStatement], revisions: list[list[Revision]]
    ) -> tuple[list[dict[int, Paragraph]], list[dict[tuple[int, int], str]]]:
        """Each paragraph once, created in the revision it first appears in; then every
        revision's paragraphs in order. Returns each statement's paragraphs by number, and its
        wordings by (revision index, paragraph number)."""
        paragraphs: list[dict[int, Paragraph]] = []
        for plan, made in zip(plans, revisions, strict=True):
            mine: dict[int, Paragraph] = {}
            for planned, revision in zip(plan.revisions, made, strict=True):
                for number, _ in planned.paragraphs:
                    if number not in mine:
                        mine[number] = Paragraph(
                            statement=plan.statement, key=plan.keys[number], created_in=revision
                        )
            paragraphs.append(mine)
        Paragraph.objects.bulk_create([p for mine in paragraphs for p in mine.values()])
        rows: list[RevisionParagraph] = []
        wordings: list[dict[tuple[int, int], str]] = []
        for plan, made, mine in zip(plans, revisions, paragraphs, strict=True):
            said: dict[tuple[int, int], str] = {}
            for index, (planned, revision) in enumerate(zip(plan.revisions, made, strict=True)):
                for position, (number, wording) in enumerate(planned.paragraphs, 1):
                    rows.append(
                        RevisionParagraph(
                            revision=revision,
                            paragraph=mine[number],
                            position=position,
                            text=wording,
                        )
                    )
                    said[(index, number)] = wording
            wordings.append(said)
        RevisionParagraph.objects.bulk_create(rows, batch_size=2000)
        return paragraphs, wordings

    def _write_discussion(
        self,
        plans: list[PlannedStatement],
        revisions: list[list[Revision]],
        paragraphs_of: list[dict[int, Paragraph]],
        wordings: list[dict[tuple[int, int], str]],
    ) -> None:
        threads: list[Comment] = []
        replies: list[tuple[Comment, list[tuple[int, int, str]]]] = []
        amendments: list[Amendment] = []
        for plan, made, paragraphs, said in zip(
            plans, revisions, paragraphs_of, wordings, strict=True
        ):
            for planned in plan.comments:
                thread = Comment(
                    statement=plan.statement,
                    paragraph=paragraphs[planned.paragraph],
                    revision=made[planned.revision],
                    wording=said[(planned.revision, planned.paragraph)],
                    body=planned.body,
                    author_id=planned.author,
                    delegation_id=planned.delegation,
                    resolved_by_id=planned.resolved_by,
                    resolved_at=self.now if planned.resolved_by else None,
                )
                threads.append(thread)
                replies.append((thread, planned.replies))
            for proposal in plan.amendments:
                decided = proposal.status != Amendment.Status.OPEN
                amendments.append(
                    Amendment(
                        statement=plan.statement,
                        paragraph=paragraphs[proposal.paragraph],
                        kind=proposal.kind,
                        text=proposal.text,
                        justification="To reflect the views of our capital.",
                        delegation_id=proposal.delegation,
                        author_id=proposal.author,
                        proposed_against=made[proposal.revision],
                        base_revision=made[proposal.revision],
                        base_text=said[(proposal.revision, proposal.paragraph)],
                        status=proposal.status,
                        decided_by_id=proposal.decided_by,
                        decided_at=self.now if decided else None,
                        rejection_reason="The drafters keep the agreed language."
                        if decided
                        else "",
                    )
                )
        Comment.objects.bulk_create(threads)
        Comment.objects.bulk_create(
            [
                Comment(
                    statement_id=thread.statement_id,
                    paragraph_id=thread.paragraph_id,
                    revision_id=thread.revision_id,
                    wording=thread.wording,
                    body=body,
                    author_id=author,
                    delegation_id=delegation,
                    parent=thread,
                )
                for thread, answers in replies
                for author, delegation, body in answers
            ]
        )
        Amendment.objects.bulk_create(amendments)

    def _write_signatures(
        self, plans: list[PlannedStatement], revisions: list[list[Revision]]
    ) -> None:
        signatures: list[Signature] = []
        for plan, made in zip(plans, revisions, strict=True):
            frozen = made[-1]
            given = plan.statement.published_at or self.now
            for delegation, signatory, status in plan.signatures:
                signatures.append(
                    Signature(
                        statement=plan.statement,
                        delegation_id=delegation,
                        instrument=self._instruments[plan.statement.pk],
                        content_hash=frozen.content_hash,
                        status=status,
                        given_by_id=signatory,
                        given_at=given - timedelta(hours=1),
                        changed_at=given - timedelta(hours=1),
                    )
                )
        Signature.objects.bulk_create(signatures, batch_size=2000)

    def _write_grants(self, plans: list[PlannedStatement]) -> None:
        """The group permissions each statement's state calls for, as ``wanted_grants`` says."""
        if not hasattr(self, "_permission_ids"):
            content_type = ContentType.objects.get_for_model(Statement)
            self._permission_ids = dict(
                Permission.objects.filter(content_type=content_type).values_list("codename", "pk")
            )
        statements = [plan.statement for plan in plans]
        prefetch_related_objects(statements, "pen_holders")
        rows = [
            StatementGroupObjectPermission(
                content_object=statement,
                group_id=group,
                permission_id=self._permission_ids[codename],
            )
            for statement in statements
            for group, codename in sorted(wanted_grants(statement))
        ]
        StatementGroupObjectPermission.objects.bulk_create(rows, batch_size=2000)
