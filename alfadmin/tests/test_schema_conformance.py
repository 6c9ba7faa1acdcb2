"""The schema tells the truth: Schemathesis against `/api/v1/schema/` with every demo role
(and without signing in).

For each demo user and each operation of the served OpenAPI document (reads and writes:
GET, POST, PATCH, DELETE), Hypothesis generates requests from the schema: valid data, valid
data aimed at objects that exist (path parameters taken from the role's own list
responses, so that details and writes do not only meet 404s), and invalid data. Every
response must not be a server error and must conform to the schema: a documented status
code, a documented content type and a body that matches the documented response. Writes
change the test's throwaway database (the `demo` data), which is the point.

Bounded to run in about a minute and a half on SQLite: a few examples per operation, no
shrinking, derandomized (the same requests on every run, so a failure reproduces).
Run only these with `pytest -m conformance`.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from werkzeug.test import Client

from alfadmin.models import User

pytestmark = [pytest.mark.conformance, pytest.mark.django_db]

ROLES = ["admin", "guns", "guns2", "vr", "sth", "ore", "viewer", "anonymous"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Examples per operation and role: generated valid, valid on existing objects, invalid.
EXAMPLES = {"positive": 8, "existing": 6, "negative": 4}
# Without signing in every request is refused alike (401), whatever its data: a few suffice.
ANONYMOUS_EXAMPLES = {"positive": 3}
# Where a path's parameter values are listed, when not at the path up to the parameter.
LISTED_AT = {"/api/v1/allocations/": "/api/v1/allocation-runs/"}
PARAMETER = re.compile(r"\{(\w+)\}")


def _existing_values(client: Client, path: str, headers: dict[str, str]) -> dict[str, list]:
    """For a path like `/api/v1/ratings/{id}/`: a few `id`s the role sees at `/api/v1/ratings/`."""
    values: dict[str, list] = {}
    for match in PARAMETER.finditer(path):
        name, prefix = match.group(1), path[: match.start()]
        response = client.get(LISTED_AT.get(prefix, prefix), query_string={"page_size": 500}, headers=headers)
        rows = response.json.get("results", []) if response.status_code == 200 else []
        found = sorted({row[name] for row in rows if row.get(name) is not None})
        if found:
            values[name] = [found[0], found[len(found) // 2], found[-1]]
    return values


def _strategy(operation, kind: str, existing: dict[str, list]):
    if kind == "negative":
        return operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    if kind == "positive":
        return operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    if not existing:
        return None
    names = sorted(existing)
    return st.tuples(*(st.sampled_from(existing[name]) for name in names)).flatmap(
        lambda chosen: operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=dict(zip(names, chosen, strict=True)))
    )


def _run_operation(operation, kind: str, examples: int, headers: dict[str, str], existing: dict[str, list]) -> list[str]:
    """Hypothesis on one operation; the distinct failures it found (none when it conforms)."""
    strategy = _strategy(operation, kind, existing)
    if strategy is None:
        return []
    found: dict[str, str] = {}

    @given(case=strategy)
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                found.setdefault(f"{failure.title}: {failure.message}"[:200], str(group)[:3000])

    try:
        check()
    except Unsatisfiable:
        # Nothing in this operation's schema can be made invalid: no negative case to send.
        assert kind == "negative", f"{operation.label}: no valid request can be generated"  # noqa: S101
    return list(found.values())


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, as a server runs it, except that it keeps the test's database
    connection (and its transaction) open between requests, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_conforms_to_the_schema(demo, wsgi_app, role):
    if role == "anonymous":
        headers = {}
    else:
        token, _ = Token.objects.get_or_create(user=User.objects.get(username=role))
        headers = {"Authorization": f"Token {token.key}"}
    # Werkzeug's client (as Schemathesis's): Django's test client would reconnect close_old_connections.
    client = Client(wsgi_app)
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        existing = _existing_values(client, operation.path, headers)
        for kind, examples in (ANONYMOUS_EXAMPLES if role == "anonymous" else EXAMPLES).items():
            for failure in _run_operation(operation, kind, examples, headers, existing):
                failures.append(f"[{role}] {operation.label} ({kind})\n{failure}")
    assert operations >= 30, f"only {operations} operations in the schema"
    assert not failures, "\n\n".join(failures)
