"""The schema tells the truth: Schemathesis against `/api/v1/schema/` with every demo role.

For each demo user and each operation of the served OpenAPI document (reads and writes),
Hypothesis generates requests from the schema (positive data, and malformed data where the
schema allows it); every response must not be a server error and must conform to the
schema: a documented status code, a documented content type and a body matching the
documented response. Writes change the test's throwaway database, which is what we want.

Bounded so the module runs in well under two minutes on SQLite: few examples per
operation, no shrinking, derandomized (the same examples every run).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token

from alfadmin.models import User
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode

pytestmark = [pytest.mark.conformance, pytest.mark.django_db]

ROLES = ["admin", "guns", "guns2", "vr", "sth", "ore", "viewer"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}


def _run_operation(operation, mode: GenerationMode, headers: dict[str, str]) -> list[str]:
    """Hypothesis on one operation; the distinct failures it found (empty when it conforms)."""
    found: dict[str, str] = {}

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES[mode],
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
        except AssertionError as error:  # a single failure is raised as itself
            found.setdefault(str(error)[:200], str(error)[:3000])

    try:
        check()
    except Unsatisfiable:
        # Nothing in this operation's schema can be made invalid (negative mode): nothing to test.
        assert mode is GenerationMode.NEGATIVE, f"{operation.label}: no valid request can be generated"  # noqa: S101
    return list(found.values())


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_conforms_to_the_schema(demo, role):
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=role))
    headers = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in EXAMPLES:
            for failure in _run_operation(operation, mode, headers):
                failures.append(f"[{role}] {operation.label} ({mode.value})\n{failure}")
    assert not failures, "\n\n".join(failures)
