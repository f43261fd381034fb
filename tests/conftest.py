"""The shared cast of every test, and a way to put a statement in any state by real actions.

Statements start as drafts held by Canada and the Netherlands in the Plenary; later states are
reached by calling the workflow actions, the way people reach them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import SyncToAsync
from channels.layers import channel_layers
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.test import Client
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from delegations import actions as delegation_actions
from delegations import two_factor
from delegations.models import Body, Delegation, User
from drafts.models import Statement
from workflow import actions

PASSWORD = "a-long-test-password"

TEXT = """# Joint statement on internet shutdowns

The members of the coalition,

1. *Recalling* that the same rights that people have offline must also be protected online;

2. *Call upon* all states to refrain from shutting down access to the internet.
"""


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> None:
    """A channel layer of its own for each test: the Redis layer binds its locks and
    connections to the event loop that first used it, and each async test has its own loop."""
    channel_layers.backends = {}


@pytest.fixture(autouse=True)
def close_connections_of_database_thread() -> Iterator[None]:
    """Consumers reach the database from asgiref's thread for sync calls, which keeps its own
    connection open; close it after each test, or PostgreSQL will not drop the test database
    at the end ("being accessed by other users")."""
    yield
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture(autouse=True)
def english_to_start_with() -> Iterator[None]:
    """Each test starts in the default language. A request by a French or Spanish reader
    leaves their language active in the test's thread (``LocaleMiddleware`` activates it and
    nothing deactivates it), where the next test's actions would word their messages."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Real hashing costs a third of a second a person; tests make dozens of people."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def person(email: str, role: str, delegation: Delegation | None = None, **extra: Any) -> User:
    return delegation_actions.add_person(
        None,
        email=email,
        full_name=email.split("@")[0].replace(".", " ").title(),
        role=role,
        delegation=delegation,
        password=PASSWORD,
        **extra,
    )


def delegation(code: str) -> Delegation:
    return Delegation.objects.get(code=code)


@pytest.fixture
def plenary(db: None) -> Body:
    return delegation_actions.create_body(None, name="Plenary", kind=Body.Kind.PLENARY)


@pytest.fixture
def task_force(db: None) -> Body:
    return delegation_actions.create_body(
        None, name="Task Force on Shutdowns", kind=Body.Kind.TASK_FORCE
    )


@pytest.fixture
def pen_delegate(db: None) -> User:
    """A delegate of Canada, which holds the pen: may edit drafts, may not sign."""
    return person("delegate.ca@example.org", User.Role.DELEGATE, delegation("CA"))


@pytest.fixture
def pen_signatory(db: None) -> User:
    """A signatory of Canada (pen-holder): may edit, and sign on for Canada."""
    return person("signatory.ca@example.org", User.Role.SIGNATORY, delegation("CA"))


@pytest.fixture
def other_signatory(db: None) -> User:
    """A signatory of Kenya, a member that does not hold the pen: sees consultation onwards."""
    return person("signatory.ke@example.org", User.Role.SIGNATORY, delegation("KE"))


@pytest.fixture
def third_signatory(db: None) -> User:
    """A signatory of France, used to give a statement a signature of its own."""
    return person("signatory.fr@example.org", User.Role.SIGNATORY, delegation("FR"))


@pytest.fixture
def non_member_delegate(db: None) -> User:
    """A delegate of a delegation that left the coalition: sees nothing unpublished."""
    left = delegation_actions.create_delegation(None, name="Observer State", code="XO")
    delegation_actions.update_delegation(None, left, name=left.name, is_member=False)
    return person("delegate.xo@example.org", User.Role.DELEGATE, left)


@pytest.fixture
def adviser(db: None) -> User:
    """A member of the advisory network: reads and comments in consultation only when invited."""
    return person("adviser@example.org", User.Role.ADVISER, organisation="Digital Rights Watch")


@pytest.fixture
def chair(plenary: Body) -> User:
    """A German delegate who chairs the Plenary: steers its statements."""
    chair = person("chair@example.org", User.Role.DELEGATE, delegation("DE"))
    delegation_actions.set_chairs(None, plenary, chairs=[chair])
    chair.refresh_from_db()
    return chair


@pytest.fixture
def other_chair(task_force: Body) -> User:
    """An Estonian delegate who chairs another body: no say over the Plenary's statements."""
    chair = person("chair.tf@example.org", User.Role.DELEGATE, delegation("EE"))
    delegation_actions.set_chairs(None, task_force, chairs=[chair])
    return chair


@pytest.fixture
def coordinator(db: None) -> User:
    """Staff of the coordination unit: sees everything, publishes, withdraws."""
    return person("coordinator@example.org", User.Role.COORDINATOR)


@pytest.fixture
def anonymous() -> AnonymousUser:
    """Anyone on the internet, not logged in: reads published statements only."""
    return AnonymousUser()


@pytest.fixture
def cast(
    pen_delegate: User,
    pen_signatory: User,
    other_signatory: User,
    third_signatory: User,
    non_member_delegate: User,
    adviser: User,
    chair: User,
    other_chair: User,
    coordinator: User,
) -> dict[str, User | None]:
    """Every role by name; ``anonymous`` is None."""
    return {
        "pen_delegate": pen_delegate,
        "pen_signatory": pen_signatory,
        "other_signatory": other_signatory,
        "non_member_delegate": non_member_delegate,
        "adviser": adviser,
        "chair": chair,
        "other_chair": other_chair,
        "coordinator": coordinator,
        "anonymous": None,
    }


def later(days: int = 7) -> Any:
    return timezone.now() + timedelta(days=days)


StatementMaker = Callable[..., Statement]


@pytest.fixture
def make_statement(
    plenary: Body, pen_delegate: User, chair: User, coordinator: User, third_signatory: User
) -> StatementMaker:
    """Build a statement and walk it to ``state`` through the real actions.

    In sign-on, France has already signed (so it can be published); a published statement was
    signed by France; a withdrawn one was withdrawn from drafting.
    """

    def make(
        state: str = Statement.State.DRAFT,
        *,
        kind: str = Statement.Kind.JOINT_STATEMENT,
        title: str = "Joint statement on internet shutdowns",
        advisers_invited: bool = False,
        min_signatures: int = 1,
    ) -> Statement:
        statement = actions.create_statement(
            pen_delegate,
            title=title,
            kind=kind,
            body=plenary,
            pen_holders=[delegation("NL")],
            text=TEXT,
            min_signatures=min_signatures,
        )
        if state == Statement.State.WITHDRAWN:
            return actions.withdraw(chair, statement, reason="Overtaken by events.")
        if state == Statement.State.DRAFT:
            return statement
        statement = actions.open_consultation(
            chair, statement, deadline=later(10), advisers_invited=advisers_invited
        )
        if state == Statement.State.CONSULTATION:
            return statement
        statement = actions.open_sign_on(chair, statement, deadline=later(7))
        actions.sign_on(third_signatory, statement, proof=proof_for(third_signatory))
        if state == Statement.State.SIGN_ON:
            return statement
        return actions.publish(coordinator, statement)

    return make


def second_factor_device(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app; made now for a role that requires one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and two_factor.required_for(user):
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    return device


def proof_for(user: Any) -> two_factor.Proof:
    """A current proof of ``user``'s second factor, obtained as a signatory would: a recovery
    code of theirs, given now (made for the purpose, on a device they have or get)."""
    second_factor_device(user)
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    code = StaticToken.random_token()
    device.token_set.create(token=code)
    return two_factor.proof_from_code(user, code)


# How long a socket test waits for the server's answer: it returns as soon as the answer
# comes, so a busy machine only makes it slower, never wrong.
SOCKET_PATIENCE = 30


async def opened(communicator: Any) -> tuple[bool, int | None]:
    """Connect: ``(True, None)`` if the socket is accepted and stays open (its first frame,
    data, is read and dropped), ``(False, code)`` if it is refused. Accord refuses by
    accepting and closing at once with 4401 or 4403, so a browser reads the code; a socket
    closed before it is accepted (a bare 1006 in a browser) fails here."""
    connected, code = await communicator.connect(timeout=SOCKET_PATIENCE)
    assert connected, f"closed before it was accepted ({code}): a browser would see 1006"
    first = await communicator.receive_output(timeout=SOCKET_PATIENCE)
    if first["type"] == "websocket.close":
        return False, first.get("code")
    return True, None


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code ``device``'s app shows now (or ``steps_ahead`` periods of 30 s from now: a code
    is accepted once, and the app's next one is accepted early)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def verify_session(client: Client, user: User) -> None:
    """Mark the client's session as having given its two-factor code just now, the way
    django-otp's login does, for a person who has (or whose role requires) a device."""
    device = second_factor_device(user)
    if device is None:
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[two_factor.SECOND_FACTOR_AT] = time.time()
    session.pop(two_factor.SECOND_FACTOR_DUE, None)
    session.save()


def client_for(user: User | None) -> Client:
    """A client logged in as ``user``, its session past the two-factor step where needed."""
    client = Client()
    if user is not None:
        # As the login page does: through the backend that loads the person's delegation too.
        client.force_login(user, backend="delegations.backends.PersonBackend")
        verify_session(client, user)
    return client
