"""The allocation engine: pure Python, exact arithmetic, no Django and no I/O.

Frozen input dataclasses in, results with a trace out (docs/allocation-rules.md); scenario files
in and out as JSON (docs/allocation-scenario.md).
"""

from .alf2015 import compute_alf2015
from .ds2024 import compute_ds2024
from .education import compute_education
from .errors import ScenarioError
from .explain import render_note, render_notes, render_output, render_step
from .inputs import (
    Alf2015Inputs,
    Alf2015Params,
    Ds2024Inputs,
    EducationAppropriation,
    EducationInputs,
    RatePerHst,
    Rating,
)
from .results import (
    Alf2015RegionLines,
    Alf2015Result,
    Ds2024RegionLines,
    Ds2024Result,
    EducationResult,
    GunsPot,
    UndistributedLine,
)
from .rounding import Line, largest_remainder
from .scenario import (
    ENGINE_VERSION,
    Scenario,
    YearResult,
    compute_output,
    compute_scenario,
    compute_year,
    load_scenario_json,
    parse_scenario,
    scenario_hash,
)

__all__ = [
    "ENGINE_VERSION",
    "Alf2015Inputs",
    "Alf2015Params",
    "Alf2015RegionLines",
    "Alf2015Result",
    "Ds2024Inputs",
    "Ds2024RegionLines",
    "Ds2024Result",
    "EducationAppropriation",
    "EducationInputs",
    "EducationResult",
    "GunsPot",
    "Line",
    "RatePerHst",
    "Rating",
    "Scenario",
    "ScenarioError",
    "UndistributedLine",
    "YearResult",
    "compute_alf2015",
    "compute_ds2024",
    "compute_education",
    "compute_output",
    "compute_scenario",
    "compute_year",
    "largest_remainder",
    "load_scenario_json",
    "parse_scenario",
    "render_note",
    "render_notes",
    "render_output",
    "render_step",
    "scenario_hash",
]
