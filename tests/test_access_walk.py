"""Every route of the project, found by walking the URLconf and the WebSocket routing, asked
by every role about a statement in every state: the documented answer, and nothing changed by
a refusal.

A route nobody classified fails ``test_every_route_is_classified``: add it to ``ROUTES`` (its
kind, how to build its address from a statement, and who gets what), and the walk covers it.

The answers are the pages' matrices' (``tests/workflow/test_permission_matrix.py`` and
``tests/drafts/test_discussion_matrix.py``): 404 for what one may not see, 403 for what one may
see but not do, 409 for what the state refuses, 302 to the login page for anonymous visitors
(401 from the API), and the public site for everyone. The statement of each state was taken
through a consultation with the advisory network invited, with a thread, a resolved thread and
an amendment by Kenya; in sign-on and once published, France has signed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.text import slugify

from audit.models import AuditEntry, ChainVerification
from config.asgi import application
from config.routing import websocket_urlpatterns
from delegations import actions as delegation_actions
from delegations import two_factor
from delegations.models import ApiToken, Body, Delegation, User
from drafts import actions as drafts_actions
from drafts.models import Amendment, Comment, Revision, RevisionParagraph, Statement
from notifications.models import Notification
from tests.api import test_permission_matrix as api_matrix
from tests.api.conftest import api_client_for
from tests.conftest import TEXT, StatementMaker, client_for, later, opened, proof_for
from tests.drafts import test_discussion_matrix as discussion
from tests.workflow import test_permission_matrix as pages
from workflow import actions, exports
from workflow.models import Signature

ROLES = pages.ROLES
STATES = pages.STATES
SEES = discussion.SEES  # the advisory network was invited to the consultation
ANON = "anonymous"
CREATORS = set(ROLES) - {"adviser", "non_member_delegate", ANON}

Expect = Callable[[str, str], int]  # (role, state) -> the documented status


@dataclass
class World:
    """A statement in one state, what hangs from it, and the cast."""

    state: str
    statement: Statement
    ids: dict[str, Any]
    cast: dict[str, User | None]
    token_id: int  # a personal API token of the Canadian delegate
    notification_id: int  # a notification addressed to the Canadian delegate

    @property
    def pk(self) -> int:
        return self.statement.pk

    @property
    def slug(self) -> str:
        """The public address: the statement's own once published, else what it would be."""
        return self.statement.slug or slugify(self.statement.title)


@dataclass(frozen=True)
class Probe:
    """One request to a route: its method, address and body, and the answer per role/state."""

    method: str
    url: Callable[[World], str]
    expect: Expect
    data: Callable[[World], dict[str, Any]] = lambda world: {}
    api: bool = False
    # Requests that send the whole request themselves (reusing the matrices' own helpers).
    send: Callable[[Any, World], Any] | None = None
    # An answer that depends on the person's own setup (their second factor), not the state.
    personal: Callable[[str, World], int] | None = None

    def expected(self, role: str, world: World) -> int:
        if self.personal is not None:
            return self.personal(role, world)
        return self.expect(role, world.state)


@dataclass(frozen=True)
class Route:
    kind: str  # page, write, public, auth, api-read, api-write, export, admin, personal
    probes: list[Probe] = field(default_factory=list)
    per_state: bool = True  # False: the answer does not depend on a statement


# --- the documented answers ---------------------------------------------------------------------


def sees(role: str, state: str) -> bool:
    return role in SEES[state]


def page(action: str) -> Expect:
    """A statement page or action of the workflow matrix; an invited adviser reads only.

    ``open`` is the statement's own page, which sends whoever may not see a published
    statement's negotiation to its public page; ``view`` is every other read."""

    def expect(role: str, state: str) -> int:
        if role == ANON:
            return 302
        if not sees(role, state):
            # A published statement's internal page sends them to its public page.
            return 302 if action == "open" and state == "published" else 404
        read = action in ("open", "view")
        if role not in pages.SEES[state]:
            return 200 if read else 403
        return pages.expected("view" if read else action, role, state)

    return expect


def page_ok(action: str, success: int) -> Expect:
    """As ``page(action)``, with ``success`` where the action would be allowed."""

    def expect(role: str, state: str) -> int:
        answer = page(action)(role, state)
        return success if answer in (200, 302) and role != ANON else answer

    return expect


def discussing(act: str, *, read: bool = False) -> Expect:
    """The discussion matrix; its forms' pages (GET) answer 200 where posting is allowed."""

    def expect(role: str, state: str) -> int:
        answer = discussion.expected(act, role, state)
        return 200 if read and answer == 302 and role != ANON else answer

    return expect


def history_read(role: str, state: str) -> int:
    """History, comparison, every revision's file: those who could see the negotiation, in every
    state (publication makes public only the signed text); a visitor logs in first."""
    if role == ANON:
        return 302
    return 200 if sees(role, state) else 404


revision_file = history_read


def public(role: str, state: str) -> int:
    return 200 if state == "published" else 404


def api(answer: Expect, endpoint: str = "view") -> Expect:
    def expect(role: str, state: str) -> int:
        return api_matrix.api_expected(answer(role, state), endpoint, role)

    return expect


def api_details(role: str, state: str) -> int:
    if role == ANON:
        return 401
    if not sees(role, state):
        return 404
    if role != "coordinator":
        return 403
    return 200 if state in api_matrix.DETAILS_OPEN_IN else 409


def everyone(status: int) -> Expect:
    return lambda role, state: status


def logged_in(status: int, anonymous: int = 302) -> Expect:
    return lambda role, state: anonymous if role == ANON else status


def coordinators(status: int, others: int = 403, anonymous: int = 302) -> Expect:
    def expect(role: str, state: str) -> int:
        if role == ANON:
            return anonymous
        return status if role == "coordinator" else others

    return expect


def owner(status: int) -> Expect:
    """The Canadian delegate's own token or notification: 404 to everyone else."""
    return lambda role, state: 302 if role == ANON else status if role == "pen_delegate" else 404


def creators(status: int, anonymous: int = 302) -> Expect:
    def expect(role: str, state: str) -> int:
        if role == ANON:
            return anonymous
        return status if role in CREATORS else 403

    return expect


def second_factor(with_device: int, without: int) -> Callable[[str, World], int]:
    """The two-factor pages: what one sees depends on having an authenticator app."""

    def expect(role: str, world: World) -> int:
        if role == ANON:
            return 302
        user = world.cast[role]
        return with_device if user and two_factor.has_device(user) else without

    return expect


# --- the table of routes ------------------------------------------------------------------------


def at(path: str) -> Callable[[World], str]:
    return lambda world: path.format(pk=world.pk, slug=world.slug, **world.ids)


def statement_page(action: str) -> Probe:
    return Probe(
        "post", at(""), page(action), send=lambda c, w: pages.request(c, action, w.statement)
    )


def discussed(act: str) -> Probe:
    return Probe(
        "post",
        at(""),
        discussing(act),
        send=lambda c, w: discussion.request(c, act, w.statement, w.ids),
    )


def api_write(endpoint: str) -> Probe:
    return Probe(
        "post",
        at(""),
        api(page(endpoint), endpoint),
        api=True,
        send=lambda c, w: api_matrix.write(c, endpoint, w.statement),
    )


def api_discussed(act: str) -> Probe:
    return Probe(
        "post",
        at(""),
        api(discussing(act), act),
        api=True,
        send=lambda c, w: api_matrix.discuss(c, act, w.statement, w.ids),
    )


def api_late(step: str) -> Probe:
    return Probe(
        "post", at(f"/api/statements/{{pk}}/transitions/{step}/"), api(page(step), step), api=True
    )


S = "/statements/{pk}"
A = "/api/statements/{pk}"


def edit_body(w: World) -> dict[str, Any]:
    return {
        "text": TEXT,
        "base_revision": w.statement.current_revision.number if w.statement.current_revision else 1,
    }


ROUTES: dict[str, Route] = {
    # The log-in pages and the language switches.
    "login": Route(
        "auth",
        [
            Probe("get", at("/accounts/login/"), logged_in(302, anonymous=200)),
            Probe("post", at("/accounts/login/"), logged_in(302, anonymous=200)),
        ],
        per_state=False,
    ),
    "logout": Route(
        "auth",
        [
            Probe("get", at("/accounts/logout/"), everyone(405)),
            Probe("post", at("/accounts/logout/"), everyone(302)),
        ],
        per_state=False,
    ),
    "admin_login": Route(
        # A visitor to the login, a coordinator (staff) to the admin, anyone else 403.
        "auth",
        [Probe("get", at("/admin/login/"), coordinators(302))],
        per_state=False,
    ),
    "favicon": Route("public", [Probe("get", at("/favicon.ico"), everyone(301))], per_state=False),
    "javascript_catalog": Route(
        "public", [Probe("get", at("/i18n/js/"), everyone(200))], per_state=False
    ),
    "delegations:set_language": Route(
        "personal",
        [
            Probe("get", at("/i18n/language/"), everyone(405)),
            Probe("post", at("/i18n/language/"), everyone(302)),
        ],
        per_state=False,
    ),
    "delegations:set_language_and_time_zone": Route(
        "personal",
        [
            Probe("get", at("/accounts/profile/language/"), logged_in(405)),
            Probe("post", at("/accounts/profile/language/"), logged_in(400)),
        ],
        per_state=False,
    ),
    # The second step of logging in: everyone here has passed it (or needs none) already.
    "delegations:second_factor": Route(
        "auth",
        [
            Probe("get", at("/accounts/login/code/"), everyone(302)),
            Probe("post", at("/accounts/login/code/"), everyone(302)),
        ],
        per_state=False,
    ),
    "delegations:two_factor_setup": Route(
        "personal",
        [
            Probe(
                "get", at("/accounts/two-factor/"), everyone(0), personal=second_factor(302, 200)
            ),
            Probe(
                "post", at("/accounts/two-factor/"), everyone(0), personal=second_factor(302, 400)
            ),
        ],
        per_state=False,
    ),
    "delegations:new_recovery_codes": Route(
        "personal",
        [
            Probe("get", at("/accounts/two-factor/recovery-codes/"), logged_in(405)),
            Probe(
                "post",
                at("/accounts/two-factor/recovery-codes/"),
                everyone(0),
                personal=second_factor(201, 302),
            ),
        ],
        per_state=False,
    ),
    "delegations:two_factor_off": Route(
        "personal",
        [
            Probe(
                "get",
                at("/accounts/two-factor/off/"),
                everyone(0),
                personal=second_factor(200, 302),
            ),
            Probe(
                "post",
                at("/accounts/two-factor/off/"),
                everyone(0),
                personal=second_factor(403, 302),
            ),
        ],
        per_state=False,
    ),
    # The person's own pages.
    "delegations:profile": Route(
        "personal", [Probe("get", at("/accounts/profile/"), logged_in(200))], per_state=False
    ),
    "delegations:create_api_token": Route(
        "personal",
        [
            Probe("get", at("/accounts/profile/tokens/"), logged_in(405)),
            Probe("post", at("/accounts/profile/tokens/"), logged_in(400)),
        ],
        per_state=False,
    ),
    "delegations:revoke_api_token": Route(
        "personal",
        [
            Probe("get", lambda w: f"/accounts/profile/tokens/{w.token_id}/revoke/", owner(200)),
            Probe("post", lambda w: f"/accounts/profile/tokens/{w.token_id}/revoke/", owner(302)),
        ],
        per_state=False,
    ),
    "notifications:centre": Route(
        "personal", [Probe("get", at("/notifications/"), logged_in(200))], per_state=False
    ),
    "notifications:preferences": Route(
        "personal",
        [
            Probe("get", at("/notifications/preferences/"), logged_in(200)),
            Probe("post", at("/notifications/preferences/"), logged_in(400)),
        ],
        per_state=False,
    ),
    "notifications:mark_all_read": Route(
        "personal",
        [
            Probe("get", at("/notifications/read-all/"), logged_in(405)),
            Probe("post", at("/notifications/read-all/"), logged_in(302)),
        ],
        per_state=False,
    ),
    "notifications:open": Route(
        "personal",
        [Probe("post", lambda w: f"/notifications/{w.notification_id}/open/", owner(302))],
        per_state=False,
    ),
    "notifications:mark_read": Route(
        "personal",
        [Probe("post", lambda w: f"/notifications/{w.notification_id}/read/", owner(302))],
        per_state=False,
    ),
    # The coordination unit's audit pages.
    "audit:record": Route(
        "page", [Probe("get", at("/audit/"), coordinators(200))], per_state=False
    ),
    "audit:verify": Route(
        "write",
        [
            Probe("get", at("/audit/verify/"), logged_in(405)),
            Probe("post", at("/audit/verify/"), coordinators(302)),
        ],
        per_state=False,
    ),
    # The dashboard and starting a statement.
    "workflow:dashboard": Route("page", [Probe("get", at("/"), logged_in(200))], per_state=False),
    "workflow:statement_list": Route(
        "page", [Probe("get", at("/statements/"), logged_in(200))], per_state=False
    ),
    "workflow:create": Route(
        "write",
        [
            Probe("get", at("/statements/new/"), creators(200)),
            Probe("post", at("/statements/new/"), creators(400)),
        ],
        per_state=False,
    ),
    # The public site.
    "workflow:public_list": Route("public", [Probe("get", at("/published/"), everyone(200))]),
    "workflow:public_feed": Route("public", [Probe("get", at("/published/feed/"), everyone(200))]),
    "workflow:public_detail": Route("public", [Probe("get", at("/published/{slug}/"), public)]),
    "workflow:public_docx": Route(
        "export", [Probe("get", at("/published/{slug}/statement.docx"), public)]
    ),
    "workflow:public_pdf": Route(
        "export", [Probe("get", at("/published/{slug}/statement.pdf"), public)]
    ),
    "workflow:public_markdown": Route(
        "export", [Probe("get", at("/published/{slug}/statement.md"), public)]
    ),
    "workflow:verify": Route(
        "public",
        [Probe("get", at("/verify/"), everyone(200)), Probe("post", at("/verify/"), everyone(400))],
        per_state=False,
    ),
    # A statement's pages.
    "workflow:statement": Route("page", [Probe("get", at(S + "/"), page("open"))]),
    "workflow:record": Route("page", [Probe("get", at(S + "/record/"), page("view"))]),
    **{
        f"workflow:{step}": Route(
            "write",
            [
                Probe("get", at(S + f"/{step.replace('_', '-')}/"), logged_in(405)),
                statement_page(step),
            ],
        )
        for step in pages.PAGES
        if step not in ("view", "edit", "save")
    },
    "workflow:revision_docx": Route(
        "export", [Probe("get", at(S + "/revisions/1.docx"), revision_file)]
    ),
    "workflow:revision_pdf": Route(
        "export", [Probe("get", at(S + "/revisions/1.pdf"), revision_file)]
    ),
    "drafts:edit": Route(
        "write",
        [Probe("get", at(S + "/edit/"), page("edit")), statement_page("save")],
    ),
    "drafts:merge_preview": Route(
        "write",
        [
            Probe("get", at(S + "/edit/merge/"), logged_in(405)),
            Probe("post", at(S + "/edit/merge/"), page_ok("edit", 200), data=edit_body),
        ],
    ),
    "drafts:history": Route("page", [Probe("get", at(S + "/history/"), history_read)]),
    "drafts:compare": Route("page", [Probe("get", at(S + "/compare/?from=1&to=1"), history_read)]),
    "drafts:revision_markdown": Route(
        "export", [Probe("get", at(S + "/revisions/1.md"), history_read)]
    ),
    "drafts:comment": Route(
        "write",
        [
            Probe(
                "get", at(S + "/paragraphs/{paragraph}/comment/"), discussing("comment", read=True)
            ),
            discussed("comment"),
        ],
    ),
    "drafts:propose_amendment": Route(
        "write",
        [
            Probe(
                "get", at(S + "/paragraphs/{paragraph}/amend/"), discussing("propose", read=True)
            ),
            discussed("propose"),
        ],
    ),
    "drafts:reply": Route(
        "write",
        [
            Probe("get", at(S + "/comments/{thread}/reply/"), discussing("reply", read=True)),
            discussed("reply"),
        ],
    ),
    "drafts:resolve_comment": Route("write", [discussed("resolve")]),
    "drafts:reopen_comment": Route("write", [discussed("reopen")]),
    "drafts:accept_amendment": Route("write", [discussed("accept")]),
    "drafts:reject_amendment": Route("write", [discussed("reject")]),
    # The API.
    "api:schema": Route(
        "api-read", [Probe("get", at("/api/schema/"), everyone(200))], per_state=False
    ),
    "api:docs": Route("api-read", [Probe("get", at("/api/docs/"), everyone(200))], per_state=False),
    "api:me": Route(
        "api-read", [Probe("get", at("/api/me/"), logged_in(200, 401), api=True)], per_state=False
    ),
    "api:statements": Route(
        "api-write",
        [
            Probe("get", at("/api/statements/"), logged_in(200, 401), api=True),
            Probe("post", at("/api/statements/"), creators(400, 401), api=True),
        ],
    ),
    "api:statement": Route(
        "api-write",
        [
            Probe("get", at(A + "/"), api(page("view")), api=True),
            Probe(
                "patch", at(A + "/"), api_details, data=lambda w: {"min_signatures": 2}, api=True
            ),
        ],
    ),
    "api:revisions": Route(
        "api-write",
        [Probe("get", at(A + "/revisions/"), api(page("view")), api=True), api_write("save")],
    ),
    "api:revision": Route(
        "api-read", [Probe("get", at(A + "/revisions/1/"), api(page("view")), api=True)]
    ),
    "api:diff": Route(
        "api-read", [Probe("get", at(A + "/diff/?from=1&to=1"), api(page("view")), api=True)]
    ),
    "api:comments": Route(
        "api-write",
        [Probe("get", at(A + "/comments/"), api(page("view")), api=True), api_discussed("comment")],
    ),
    "api:reply": Route("api-write", [api_discussed("reply")]),
    "api:resolve_comment": Route("api-write", [api_discussed("resolve")]),
    "api:reopen_comment": Route("api-write", [api_discussed("reopen")]),
    "api:amendments": Route(
        "api-write",
        [
            Probe("get", at(A + "/amendments/"), api(page("view")), api=True),
            api_discussed("propose"),
        ],
    ),
    "api:accept_amendment": Route("api-write", [api_discussed("accept")]),
    "api:reject_amendment": Route("api-write", [api_discussed("reject")]),
    "api:transitions": Route(
        "api-read", [Probe("get", at(A + "/transitions/"), api(page("view")), api=True)]
    ),
    **{
        f"api:{step}": Route("api-write", [api_write(step)])
        for step in (
            "open_consultation",
            "open_sign_on",
            "return_to_drafting",
            "withdraw",
            "publish",
        )
    },
    "api:open_late_signatures": Route("api-write", [api_late("open_late_signatures")]),
    "api:close_late_signatures": Route("api-write", [api_late("close_late_signatures")]),
    "api:signatures": Route(
        "api-write",
        [
            Probe("get", at(A + "/signatures/"), api(page("view")), api=True),
            api_write("sign_on"),
            api_write("decline"),
        ],
    ),
    "api:remove_signature": Route(
        "api-write",
        [
            Probe(
                "post",
                at(A + "/signatures/FR/remove/"),
                api(page("remove_signature"), "remove_signature"),
                data=lambda w: {"reason": "Signed in error."},
                api=True,
            )
        ],
    ),
    "api:public_statements": Route(
        "api-read", [Probe("get", at("/api/public/statements/"), everyone(200), api=True)]
    ),
    "api:public_statement": Route(
        "api-read", [Probe("get", at("/api/public/statements/{slug}/"), public, api=True)]
    ),
}

# The admin site: every route under it answers the coordination unit (staff), and sends anyone
# else to the admin's login page, whatever the route; a new ModelAdmin is covered by this rule.
ADMIN_NAMESPACE = "admin"
# WebSocket routes: who may subscribe.
WEBSOCKET_ROUTES: dict[str, Callable[[World], str]] = {
    "ws/notifications/": lambda world: "/ws/notifications/",
    "ws/statements/<int:pk>/": lambda world: f"/ws/statements/{world.pk}/",
}


# --- finding every route ------------------------------------------------------------------------


def url_routes() -> dict[str, str]:
    """Every pattern of the URLconf by name (``namespace:name``; the pattern if unnamed)."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
                walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = pattern.name or route
                found[f"{namespace}:{name}" if namespace else name] = route

    walk(get_resolver(), "", "")
    return found


def admin_routes() -> dict[str, str]:
    return {
        name: route
        for name, route in url_routes().items()
        if name.startswith(f"{ADMIN_NAMESPACE}:")
    }


def test_every_route_is_classified() -> None:
    routes = url_routes()
    unclassified = sorted(
        f"{name} ({route})"
        for name, route in routes.items()
        if name not in ROUTES and not name.startswith(f"{ADMIN_NAMESPACE}:")
    )
    assert not unclassified, "Classify these routes in ROUTES:\n" + "\n".join(unclassified)
    gone = sorted(set(ROUTES) - set(routes))
    assert not gone, f"ROUTES names routes that no longer exist: {gone}"
    sockets = {str(pattern.pattern) for pattern in websocket_urlpatterns}
    assert sockets == set(WEBSOCKET_ROUTES), "Classify the WebSocket routes in WEBSOCKET_ROUTES"


# --- the statements and the cast ----------------------------------------------------------------


@pytest.fixture
def world(
    make_statement: StatementMaker,
    cast: dict[str, Any],
    chair: User,
    coordinator: User,
    third_signatory: User,
) -> Callable[[str], World]:
    def build(state: str) -> World:
        statement = make_statement("consultation", advisers_invited=True)
        rows = RevisionParagraph.objects.filter(revision=statement.current_revision)
        third, fourth = (rows.get(position=n).paragraph for n in (3, 4))
        kenya = cast["other_signatory"]
        thread = drafts_actions.comment_on_paragraph(
            kenya, statement, paragraph=third, body="Stronger, please."
        )
        resolved = drafts_actions.comment_on_paragraph(
            kenya, statement, paragraph=fourth, body="Typo?"
        )
        drafts_actions.resolve_comment(cast["pen_delegate"], resolved)
        amendment = drafts_actions.propose_amendment(
            kenya,
            statement,
            paragraph=fourth,
            kind=Amendment.Kind.DELETE,
            text="",
            justification="Redundant.",
        )
        if state == "draft":
            actions.return_to_drafting(chair, statement)
        elif state in ("sign_on", "published"):
            actions.open_sign_on(chair, statement, deadline=later())
            actions.sign_on(third_signatory, statement, proof=proof_for(third_signatory))
            if state == "published":
                actions.publish(coordinator, statement)
        elif state == "withdrawn":
            actions.withdraw(chair, statement, reason="Overtaken by events.")
        statement.refresh_from_db()
        token, _ = delegation_actions.create_api_token(cast["pen_delegate"], name="Walk")
        notification = Notification.objects.filter(recipient=cast["pen_delegate"]).first()
        assert notification is not None, "the pen-holders were told of the amendment"
        return World(
            state=state,
            statement=statement,
            ids={
                "paragraph": third.key,
                "thread": thread.pk,
                "resolved": resolved.pk,
                "amendment": amendment.pk,
            },
            cast=cast,
            token_id=token.pk,
            notification_id=notification.pk,
        )

    return build


def snapshot(statement: Statement) -> tuple[Any, ...]:
    """Everything a write could change: the statement's row and what hangs from it, the
    record, the people's notifications and tokens, the members."""
    return (
        Statement.objects.filter(pk=statement.pk).values().get(),
        Statement.objects.count(),
        Revision.objects.count(),
        sorted(Comment.objects.values_list("pk", "resolved_at", "body")),
        sorted(Amendment.objects.values_list("pk", "status", "text")),
        sorted(Signature.objects.values_list("statement_id", "delegation_id", "status")),
        AuditEntry.objects.count(),
        ChainVerification.objects.count(),
        sorted(Notification.objects.values_list("pk", "read_at")),
        sorted(ApiToken.objects.values_list("pk", "revoked_at")),
        User.objects.count(),
        Delegation.objects.count(),
        Body.objects.count(),
    )


@pytest.fixture(autouse=True)
def quick_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Who may download is decided before the file is made: skip making it (tests/workflow/
    test_exports.py checks the files)."""
    monkeypatch.setattr(exports, "revision_docx", lambda *args: b"PK docx")
    monkeypatch.setattr(exports, "revision_pdf", lambda *args: b"%PDF-1.7")


@dataclass
class Tally:
    checked: int = 0
    combinations: set[tuple[str, str, str]] = field(default_factory=set)
    mismatches: list[str] = field(default_factory=list)


TOTAL: dict[str, set[tuple[str, str, str]]] = {"http": set(), "admin": set(), "websocket": set()}


@pytest.fixture(scope="module", autouse=True)
def report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    counts = {kind: len(combinations) for kind, combinations in TOTAL.items()}
    total = counts["http"] + counts["admin"] + counts["websocket"]
    line = (
        f"access walk: {total} route x role x state combinations checked "
        f"({counts['http']} pages and API, {counts['admin']} admin, "
        f"{counts['websocket']} WebSocket)"
    )
    if reporter is not None and total:
        reporter.write_line(line)


def clients(cast: dict[str, Any]) -> dict[str, tuple[Client, Any]]:
    return {role: (client_for(cast[role]), api_client_for(cast[role])) for role in ROLES}


def ask(probe: Probe, client: Any, world: World) -> Any:
    if probe.send is not None:
        return probe.send(client, world)
    method = getattr(client, probe.method)
    if probe.method == "get":
        return method(probe.url(world))
    if probe.api:
        return method(probe.url(world), probe.data(world), format="json")
    return method(probe.url(world), probe.data(world))


# Routes that send even an anonymous visitor back where they came from, not to log in.
GO_ANYWHERE = {"logout", "delegations:set_language"}


def refused(status: int, role: str) -> bool:
    return status >= 400 or role == ANON


def check(name: str, route: Route, world: World, tally: Tally, role: str, pair: Any) -> None:
    for probe in route.probes:
        client = pair[1] if probe.api else pair[0]
        if name == "logout" and probe.method == "post":
            client = client_for(world.cast[role])  # logging out ends this client's session
        want = probe.expected(role, world)
        if probe.method == "get":
            response = ask(probe, client, world)
            changed = False
        elif not refused(want, role):
            with transaction.atomic():  # allowed: done, and undone for the next role
                response = ask(probe, client, world)
                transaction.set_rollback(True)
            changed = False
        else:
            before = snapshot(world.statement)
            with transaction.atomic():  # each role starts from the same point
                response = ask(probe, client, world)
                changed = snapshot(world.statement) != before
                transaction.set_rollback(True)
        tally.checked += 1
        TOTAL["http"].add((name, role, world.state))
        where = f"{probe.method.upper()} {name} by {role} in {world.state}"
        if response.status_code != want:
            tally.mismatches.append(f"{where}: got {response.status_code}, expected {want}")
            continue
        if probe.method != "get" and refused(want, role) and changed:
            tally.mismatches.append(f"{where}: refused ({want}) but something changed")
        if want == 302 and role == ANON and name not in GO_ANYWHERE:
            location = response["Location"]
            if "/accounts/login/" not in location and "/published/" not in location:
                tally.mismatches.append(f"{where}: sent to {location}, not to log in")
        if probe.api and want >= 400:
            body = response.json()
            if not (body.get("code") and body.get("detail")):
                tally.mismatches.append(f"{where}: an API refusal without code and detail")


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_statement_routes(state: str, world: Callable[[str], World], cast: dict[str, Any]) -> None:
    here = world(state)
    tally = Tally()
    before = snapshot(here.statement)
    for role, pair in clients(cast).items():
        for name, route in ROUTES.items():
            if route.per_state:
                check(name, route, here, tally, role, pair)
    assert snapshot(here.statement) == before, "the walk itself changed something"
    assert not tally.mismatches, "\n".join(tally.mismatches)
    assert tally.checked > len(ROUTES) * len(ROLES) // 2


@pytest.mark.django_db
def test_routes_of_no_statement(world: Callable[[str], World], cast: dict[str, Any]) -> None:
    """The person's own pages, the audit pages, the dashboard: the same in any state."""
    here = world("consultation")
    tally = Tally()
    for role, pair in clients(cast).items():
        for name, route in ROUTES.items():
            if not route.per_state:
                check(name, route, here, tally, role, pair)
    assert not tally.mismatches, "\n".join(tally.mismatches)


# --- the admin site -----------------------------------------------------------------------------


def admin_object_ids(world: World) -> dict[str, str]:
    """The object each admin change page is asked about, by model."""
    signature = Signature.objects.filter(statement=world.statement).first()
    revision = world.statement.current_revision
    entry = AuditEntry.objects.order_by("-sequence").first()
    return {
        "drafts/statement": str(world.pk),
        "drafts/revision": str(revision.pk if revision else 0),
        "workflow/signature": str(signature.pk if signature else 0),
        "audit/auditentry": str(entry.pk if entry else 0),
        "delegations/delegation": str(Delegation.objects.get(code="CA").pk),
        "delegations/user": str(world.cast["pen_delegate"].pk),  # type: ignore[union-attr]
        "delegations/body": str(Body.objects.first().pk),  # type: ignore[union-attr]
    }


def admin_url(route: str, world: World) -> str | None:
    """A concrete address for an admin pattern; None for the catch-all and raw regexes."""
    if "(?P<url>" in route or route.startswith("admin/^"):
        return None
    ids = admin_object_ids(world)
    model = "/".join(route.split("/")[1:3])
    object_id = ids.get(model, "1")
    address = (
        route.replace("<path:object_id>", object_id)
        .replace("<id>", object_id)
        .replace("<path:content_type_id>", "1")
    )
    return "/" + address


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_admin_routes(state: str, world: Callable[[str], World], cast: dict[str, Any]) -> None:
    """Only the coordination unit (staff) gets into the admin; anyone else is sent to its login
    page, whatever the route, and a POST changes nothing. Routes about no statement are walked
    once (in draft); a statement's own admin pages, in every state."""
    here = world(state)
    mismatches = []
    signed_in = {role: client_for(cast[role]) for role in ROLES}
    for name, route in admin_routes().items():
        url = admin_url(route, here)
        if url is None:
            url = "/admin/no-such-page/" if "(?P<url>" in route else "/admin/drafts/"
        about_statement = "drafts/statement" in route or "drafts/revision" in route
        if state != "draft" and not about_statement:
            continue
        for role in ROLES:
            client = signed_in[role]
            response = client.get(url)
            TOTAL["admin"].add((name + url, role, state))
            if role == "coordinator":
                if response.status_code >= 500 or "/admin/login/" in response.get("Location", ""):
                    mismatches.append(f"GET {url} by the coordinator: {response.status_code}")
                continue
            if name in ("admin:login", "admin:logout") or "jsi18n" in name:
                continue  # the login page itself, and what it needs, are for everyone
            if response.status_code != 302 or "/admin/login/" not in response["Location"]:
                mismatches.append(f"GET {url} by {role}: {response.status_code}")
            if route.endswith(("/add/", "/change/", "/delete/", "/password/")):
                before = snapshot(here.statement)
                posted = client.post(url, {"state": "published", "title": "Taken over"})
                if posted.status_code != 302 or snapshot(here.statement) != before:
                    mismatches.append(f"POST {url} by {role}: {posted.status_code}, or changed")
    assert not mismatches, "\n".join(mismatches)


# --- WebSockets ---------------------------------------------------------------------------------


def _cookie(user: User) -> tuple[bytes, bytes]:
    return (b"cookie", f"sessionid={client_for(user).cookies['sessionid'].value}".encode())


def socket_expected(route: str, role: str, state: str) -> tuple[bool, int | None]:
    if role == ANON:
        return False, 4401
    if route == "ws/notifications/":
        return True, None
    return (True, None) if sees(role, state) else (False, 4403)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_websocket_routes(world: Callable[[str], World], cast: dict[str, Any]) -> None:
    """Connecting as each role to each WebSocket route about a statement in each state:
    accepted where the person may see it, else closed with 4401 (not logged in) or 4403."""
    mismatches = []
    cookies = {
        role: await database_sync_to_async(_cookie)(user)
        for role, user in cast.items()
        if user is not None
    }
    for state in STATES:
        here = await database_sync_to_async(world)(state)
        for route, address in WEBSOCKET_ROUTES.items():
            for role in ROLES:
                headers = [(b"origin", b"http://127.0.0.1")]
                if role in cookies:
                    headers.append(cookies[role])
                communicator = WebsocketCommunicator(application, address(here), headers=headers)
                connected, code = await opened(communicator)
                TOTAL["websocket"].add((route, role, state))
                want = socket_expected(route, role, state)
                got = (connected, code)
                if got != want:
                    mismatches.append(f"{route} by {role} in {state}: got {got}, expected {want}")
                if connected:
                    await communicator.disconnect()
    assert not mismatches, "\n".join(mismatches)
