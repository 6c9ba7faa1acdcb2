"""The memo's switches as one parsing step, shared by the projection page and the API.

A form or a serializer validates each value's type and range; this module turns the validated
values into a `ProjectionRequest` and raises ValueError (naming the rule) when they do not fit
together, e.g. educated students without a region. The API's `ProjectionQuery.to_request` can
call `projection_request` with the same names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alfrules.proposals import EducationProposals

from .analysis.projections import ProjectionRequest

# Field name in forms and query strings -> EducationProposals field.
PROPOSAL_FIELDS = {
    "educated_region": "educated_hst_region",
    "educated_from": "educated_hst_from",
    "educated_hst": "educated_hst",
    "twelfth_term_from": "twelfth_term_from",
    "rate_raise_from": "rate_raise_from",
    "rate_raise_percent": "rate_raise_percent",
    "rate_raise_per_hst": "rate_raise_per_hst",
    "rate_raise_phase_years": "rate_raise_phase_years",
}


def education_proposals(values: Mapping[str, Any]) -> EducationProposals | None:
    """The switched-on proposals among `values` (None or "" is off); None when none is given."""
    given = {target: values[name] for name, target in PROPOSAL_FIELDS.items() if values.get(name) not in (None, "")}
    if set(given) <= {"rate_raise_phase_years"}:
        return None
    return EducationProposals(**given)


def projection_request(values: Mapping[str, Any]) -> ProjectionRequest:
    """`values`: from, to, model (None/"" = each year's paying model), the switches, plo,
    research_increase. Raises ValueError when they do not fit together."""
    return ProjectionRequest(
        first_year=values["from"],
        last_year=values["to"],
        model=values.get("model") or None,
        proposals=education_proposals(values),
        plo=values.get("plo"),
        research_increase=values.get("research_increase") or 0,
    )
