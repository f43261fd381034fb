"""Property-based: schemathesis generates requests for every operation of the OpenAPI schema
and checks that none is a server error and every response, its status included, matches the
schema, anonymously and with a personal token of each role listed in ``ROLES`` (add a role
there to cover it too).

A few statements are seeded first (a draft, one in sign-on, a published one); every generated
statement id and public slug is mapped onto them, so requests reach real statements rather than
only 404s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from delegations import actions as delegation_actions
from tests.conftest import StatementMaker

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())

# Who calls: None for an anonymous caller, else a fixture of tests/conftest.py's cast: every
# role of the cast, so each role's own answers (and refusals) are checked against the schema.
ROLES = [
    None,
    "pen_delegate",
    "pen_signatory",
    "other_signatory",
    "non_member_delegate",
    "adviser",
    "chair",
    "other_chair",
    "coordinator",
]


# Statements hidden from most (a draft), shared with the members (sign-on), public: seeding
# each of the five states for every role and operation would triple the run for little more.
SEEDED = ["draft", "sign_on", "published"]


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, which would close
    the test's transaction too; Django's test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES, ids=lambda role: role or "anonymous")
def caller(request: pytest.FixtureRequest) -> dict[str, str]:
    """The headers a caller in this role sends: a fresh personal token, or nothing."""
    if request.param is None:
        return {}
    person = request.getfixturevalue(request.param)
    _, secret = delegation_actions.create_api_token(person, name="Property-based tests")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def seeded(make_statement: StatementMaker) -> dict[str, list[Any]]:
    made = [make_statement(state, title=f"Seeded in {state}") for state in SEEDED]
    return {
        "id": [statement.pk for statement in made],
        "slug": [statement.slug for statement in made if statement.slug],
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    # Few examples per role and operation keep the whole run (9 roles) near a minute.
    max_examples=3,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(
    case: Any, caller: dict[str, str], seeded: dict[str, list[Any]], connection_kept_open: None
) -> None:
    parameters = case.path_parameters or {}
    if "id" in parameters and isinstance(parameters["id"], int):
        parameters["id"] = seeded["id"][parameters["id"] % len(seeded["id"])]
    if "slug" in parameters:
        parameters["slug"] = seeded["slug"][len(str(parameters["slug"])) % len(seeded["slug"])]
    case.call_and_validate(
        headers=caller,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
