"""Saved scenarios of the scenario explorer: create, change and delete one.

A saved scenario is a what-if calculation, never an allocation input: these services write
only `SavedScenario` rows (with their history) and never touch runs, current allocations or
the recompute outbox. The scenario must parse (`alfrules.scenario.parse_scenario`);
the engine's field errors become a `ValidationError` whose keys are the field paths under
`scenario` (`scenario.research.shares.STH`), so the pages and the API name the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alfadmin.kernel.writes import authorize, record_create, record_delete, record_update
from alfadmin.models import User
from alfrules.errors import ScenarioError
from alfrules.scenario import compute_scenario

from ..models import SavedScenario
from ..permissions import can_delete_saved_scenario, can_edit_saved_scenario, can_save_scenarios

EDITABLE_FIELDS = ("name", "description", "base_year", "scenario")


def exact_json(value: Any) -> Any:
    """A decoded scenario as JSON-safe data: decimals as their exact text (the engine reads
    numeric strings exactly), integers and everything else unchanged."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): exact_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [exact_json(item) for item in value]
    return value


def scenario_field(path: str) -> str:
    """The engine's field path as a field of the saved scenario: `$` → `scenario`."""
    return "scenario" if path in ("", "$") else f"scenario.{path}"


def scenario_errors(error: ScenarioError) -> ValidationError:
    messages: dict[str, list[str]] = {}
    for path, message in error.errors:
        messages.setdefault(scenario_field(path), []).append(message)
    return ValidationError(messages)


def computed_result(scenario: Mapping[str, Any]) -> dict[str, Any]:
    """The engine's output for a scenario, without the trace (ValidationError naming the field)."""
    try:
        return exact_json(compute_scenario(scenario, trace=False, lang="en"))
    except ScenarioError as error:
        raise scenario_errors(error) from error


@transaction.atomic
def saved_scenario_create(
    *, actor: User, name: str, base_year: int, scenario: Any, description: str = "", reason: str = ""
) -> SavedScenario:
    """Save a scenario for `actor` with the engine's result for it."""
    # Who first, before the engine runs (the write path checks again as it saves).
    authorize(actor=actor, permitted=lambda user, row: can_save_scenarios(user))
    document = exact_json(scenario)
    saved = SavedScenario(
        name=name,
        description=description,
        owner=actor,
        base_year=base_year,
        scenario=document,
        result=computed_result(document),
    )
    return record_create(
        instance=saved, actor=actor, permitted=lambda user, row: can_save_scenarios(user), reason=reason or _("Scenario saved")
    )


@transaction.atomic
def saved_scenario_update(
    *, actor: User, saved_scenario: SavedScenario, expected_version: int | None, data: Mapping[str, Any], reason: str = ""
) -> SavedScenario:
    """Change a saved scenario (its owner only); a changed scenario is computed again.

    Raises ConcurrentEditError (409) when someone saved since `expected_version`."""
    authorize(actor=actor, permitted=can_edit_saved_scenario, row=saved_scenario)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    changes: dict[str, Any] = dict(data)
    if "scenario" in changes:
        changes["scenario"] = exact_json(changes["scenario"])
        changes["result"] = computed_result(changes["scenario"])
    changes["updated_at"] = timezone.now()
    return record_update(
        instance=saved_scenario,
        actor=actor,
        permitted=can_edit_saved_scenario,
        expected_version=expected_version,
        changes=changes,
        reason=reason or _("Scenario changed"),
    )


@transaction.atomic
def saved_scenario_delete(*, actor: User, saved_scenario: SavedScenario, reason: str = "") -> None:
    """Delete a saved scenario (its owner or an administrator); its history stays."""
    record_delete(instance=saved_scenario, actor=actor, permitted=can_delete_saved_scenario, reason=reason or _("Scenario deleted"))
