"""Scenario files (docs/allocation-scenario.md): JSON in, the allocation as JSON out.

``load_scenario_json`` reads the text exactly, ``parse_scenario`` validates it into typed
inputs, and ``compute_scenario`` runs the allocations and returns the output document.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .alf2015 import compute_alf2015
from .ds2024 import compute_ds2024
from .education import compute_education
from .errors import ScenarioError
from .explain import VALUE_TEXTS, render_output
from .inputs import (
    DEFAULT_BASE_FRACTION,
    DEFAULT_CAP,
    DEFAULT_GUARANTEE,
    DEFAULT_GUNS_FRACTION,
    DEFAULT_INCREMENT_WEIGHTS,
    DEFAULT_PANEL_WEIGHTS,
    DEFAULT_QUALITY_FRACTION,
    INCREMENT_KEYS,
    PANELS,
    Alf2015Inputs,
    Alf2015Params,
    Ds2024Inputs,
    EducationAppropriation,
    EducationInputs,
    RatePerHst,
    Rating,
    check_same_regions,
)
from .predicates import DEFAULT_MAX_VERY_HIGH
from .reading import (
    ObjectReader,
    Reader,
    child,
    read_boolean,
    read_choice,
    read_integer,
    read_number,
    read_region_map,
    read_whole_kronor,
)
from .results import Alf2015Result, Ds2024Result, EducationResult, UndistributedLine
from .trace import Note, TraceStep

# Part of every stored run, which is reused for the same inputs under the same version. It
# follows what the engine computes, as pinned by the golden file (alfrules/tests/golden):
# MAJOR when any amount changes, MINOR when the amounts stay and the rest of the output
# (notes, trace steps, their codes and parameters, the document's form) changes, PATCH for a
# change with no output change that should still not reuse older runs. Rewording a sentence
# of explain.py changes no output. Each bump regenerates the golden file and says in the
# CHANGELOG what changed in the money.
ENGINE_VERSION = "1.2.0"

ResearchInputs = Alf2015Inputs | Ds2024Inputs


@dataclass(frozen=True)
class Scenario:
    """One year's validated inputs; at least one of ``education`` and ``research``."""

    year: int
    education: EducationInputs | None
    research: ResearchInputs | None


def load_scenario_json(text: str) -> dict[str, object]:
    """Decode a scenario file. Numbers stay exact (decision 9): decimals become ``Decimal``,
    integers ``int``; NaN, Infinity and repeated keys are rejected."""
    try:
        data = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_reject_repeated_keys,
        )
    except json.JSONDecodeError as error:
        raise ScenarioError.single(
            "$",
            f"the scenario is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
        ) from error
    except (ValueError, RecursionError) as error:
        raise ScenarioError.single("$", f"the scenario is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise ScenarioError.single("$", "the scenario must be a JSON object")
    return data


def scenario_hash(data: Mapping[str, object]) -> str:
    """SHA-256 of the scenario's canonical JSON: sorted keys, no spaces, decimals as their
    exact strings. Equal inputs give equal hashes, so the app can reuse a stored run."""
    canonical = json.dumps(
        data,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_canonical_decimal,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_scenario(data: object) -> Scenario:
    """Validate a decoded scenario; raise ``ScenarioError`` naming every invalid field."""
    root = ObjectReader(data, "$", ("year", "education", "research"))
    year = root.required("year", read_integer, 0)
    education = root.optional("education", _read_education, None)
    research = root.optional("research", _read_research, None)
    if not root.has("education") and not root.has("research"):
        root.errors.add("$", "the scenario must give education, research or both")  # decision 8
    if education is not None and research is not None:
        check_same_regions(root.errors, "research.shares", research.shares, "education.hst", education.hst)
    root.done()
    return Scenario(year, education, research)


@dataclass(frozen=True)
class YearResult:
    """The allocations of one scenario, each present when the scenario gives its inputs."""

    education: EducationResult | None
    research: Alf2015Result | Ds2024Result | None

    def region_totals(self) -> dict[str, int]:
        """Each region's money in whole kronor: education plus research (without GUNS and
        undistributed lines, which belong to no region)."""
        totals: dict[str, int] = {}
        if self.education is not None:
            for region, amount in self.education.regions.items():
                totals[region] = totals.get(region, 0) + amount
        if self.research is not None:
            for region, lines in self.research.regions.items():
                totals[region] = totals.get(region, 0) + lines.total
        return totals


def compute_year(scenario: Scenario, *, trace: bool = True) -> YearResult:
    """Run the allocations of a validated scenario. ``trace=False`` skips recording the
    trace steps (the amounts and notes are the same): the fast path for callers that only
    read amounts, such as rating risk and the explanation diff."""
    return YearResult(
        education=None if scenario.education is None else compute_education(scenario.education, trace=trace),
        research=None if scenario.research is None else compute_research(scenario.research, trace=trace),
    )


def compute_output(data: object, *, trace: bool = True) -> dict[str, object]:
    """The output document of docs/allocation-scenario.md for a decoded scenario, free of language.

    The amounts are those of the document; each note is ``{"code", "panel"?, "params"}`` and
    each trace step ``{"step", "amount", "region"?, "panel"?, "line"?, "params"}``, without
    sentences: ``explain.render_output`` turns them into the document in a language, so one
    computation serves every reader (an undistributed line's ``reason`` is the fixed English
    wording the scenario format gives it, in every language). This is what a stored run keeps and what the golden file
    pins (``ENGINE_VERSION``). ``trace=False`` leaves the ``trace`` key out and skips
    building it; every other key is as with the trace.
    """
    scenario = parse_scenario(data)
    year = compute_year(scenario, trace=trace)
    output: dict[str, object] = {"year": scenario.year}
    steps: list[TraceStep] = []
    notes: list[Note] = []
    if scenario.education is not None and year.education is not None:
        output["education"] = _education_output(scenario.education, year.education)
        steps.extend(year.education.trace)
    if year.research is not None:
        output["research"] = _research_output(year.research)
        steps.extend(year.research.trace)
        notes.extend(year.research.notes)
    output["notes"] = [item.as_dict() for item in notes]
    if trace:
        output["trace"] = [item.as_dict() for item in steps]
    return output


def compute_scenario(data: object, *, lang: str = "en", trace: bool = True) -> dict[str, object]:
    """The output document of docs/allocation-scenario.md for a decoded scenario, in ``lang``.

    ``lang`` ("en" or "sv") is the language of the notes and of each trace step's ``text``;
    everything else is ``compute_output``'s, the same in both.
    """
    return render_output(compute_output(data, trace=trace), lang)


# Reading.

_RATINGS: Mapping[str, Rating] = {rating.value: rating for rating in Rating}
_PANEL_KEYS = tuple(str(panel) for panel in PANELS)


def _read_education(value: object, path: str) -> EducationInputs:
    fields = ObjectReader(value, path, ("hst", "rate_per_hst", "appropriation"))
    hst: dict[str, Decimal] = fields.required("hst", read_region_map(read_number), {})
    if fields.has("rate_per_hst") == fields.has("appropriation"):
        fields.errors.add(path, f"{path} must give exactly one of rate_per_hst or appropriation")
    funding: RatePerHst | EducationAppropriation
    if fields.has("appropriation"):
        funding = EducationAppropriation(fields.required("appropriation", read_whole_kronor, 0))
    else:
        funding = RatePerHst(fields.optional("rate_per_hst", read_number, Decimal(0)))
    fields.done()
    return EducationInputs(hst, funding)


def _read_research(value: object, path: str) -> ResearchInputs:
    if not isinstance(value, dict):
        raise ScenarioError.single(path, f"{path} must be a JSON object")
    model_path = child(path, "model")
    if "model" not in value:
        raise ScenarioError.single(model_path, f"{model_path} is missing")
    read_model = read_choice(_RESEARCH_MODELS)(value["model"], model_path)
    return read_model(value, path)


def _read_alf2015(value: object, path: str) -> Alf2015Inputs:
    fields = ObjectReader(value, path, ("model", "appropriation", "shares", "ratings", "params"))
    appropriation = fields.required("appropriation", read_whole_kronor, 0)
    shares: dict[str, Decimal] = fields.required("shares", read_region_map(read_number), {})
    ratings: dict[str, dict[int, Rating]] = fields.required("ratings", read_region_map(_read_panel_ratings), {})
    params = fields.optional("params", _read_alf2015_params, None)
    fields.done()
    return Alf2015Inputs(appropriation, shares, ratings, Alf2015Params() if params is None else params)


def _read_alf2015_params(value: object, path: str) -> Alf2015Params:
    # Decision: params may be partial; a missing key takes its default (docs/allocation-scenario.md).
    fields = ObjectReader(value, path, ("base_fraction", "panel_weights", "guarantee", "cap", "max_very_high"))
    base_fraction = fields.optional("base_fraction", read_number, DEFAULT_BASE_FRACTION)
    panel_weights = fields.optional("panel_weights", _read_panel_weights, DEFAULT_PANEL_WEIGHTS)
    guarantee = fields.optional("guarantee", read_number, DEFAULT_GUARANTEE)
    cap = fields.optional("cap", read_number, DEFAULT_CAP)
    max_very_high = fields.optional("max_very_high", read_integer, DEFAULT_MAX_VERY_HIGH)
    fields.done()
    return Alf2015Params(base_fraction, dict(panel_weights), guarantee, cap, max_very_high)


def _read_ds2024(value: object, path: str) -> Ds2024Inputs:
    fields = ObjectReader(
        value,
        path,
        (
            "model",
            "appropriation",
            "reference_level",
            "guns_fraction",
            "quality_fraction",
            "increment_weights",
            "shares",
            "ratings",
            "plans_ok",
            "hst",
            "highly_cited",
        ),
    )
    appropriation = fields.required("appropriation", read_whole_kronor, 0)
    reference_level = fields.required("reference_level", read_whole_kronor, 0)  # decision 7
    guns_fraction = fields.optional("guns_fraction", read_number, DEFAULT_GUNS_FRACTION)
    quality_fraction = fields.optional("quality_fraction", read_number, DEFAULT_QUALITY_FRACTION)
    increment_weights = fields.optional("increment_weights", _read_increment_weights, DEFAULT_INCREMENT_WEIGHTS)
    shares: dict[str, Decimal] = fields.required("shares", read_region_map(read_number), {})
    ratings: dict[str, dict[int, Rating]] = fields.required("ratings", read_region_map(_read_panel_ratings), {})
    plans_ok: dict[str, bool] = fields.required("plans_ok", read_region_map(read_boolean), {})
    hst: dict[str, Decimal] = fields.required("hst", read_region_map(read_number), {})
    highly_cited: dict[str, Decimal] = fields.required("highly_cited", read_region_map(read_number), {})
    fields.done()
    return Ds2024Inputs(
        appropriation=appropriation,
        reference_level=reference_level,
        shares=shares,
        ratings=ratings,
        plans_ok=plans_ok,
        hst=hst,
        highly_cited=highly_cited,
        guns_fraction=guns_fraction,
        quality_fraction=quality_fraction,
        increment_weights=dict(increment_weights),
    )


_RESEARCH_MODELS: Mapping[str, Reader[ResearchInputs]] = {
    "alf2015": _read_alf2015,
    "ds2024": _read_ds2024,
}


def _read_panel_ratings(value: object, path: str) -> dict[int, Rating]:
    # Only the shape here; Alf2015Inputs/Ds2024Inputs report a panel that is missing.
    fields = ObjectReader(value, path, _PANEL_KEYS)
    ratings = {int(key): fields.optional(key, read_choice(_RATINGS), Rating.INADEQUATE) for key in _PANEL_KEYS if fields.has(key)}
    fields.done()
    return ratings


def _read_panel_weights(value: object, path: str) -> dict[int, Decimal]:
    weights = _read_weights(value, path, _PANEL_KEYS)
    return {int(panel): weight for panel, weight in weights.items()}


def _read_increment_weights(value: object, path: str) -> dict[str, Decimal]:
    return _read_weights(value, path, INCREMENT_KEYS)


def _read_weights(value: object, path: str, keys: Sequence[str]) -> dict[str, Decimal]:
    # Only the shape here; the inputs report a missing weight and a sum other than 1.
    fields = ObjectReader(value, path, keys)
    weights = {key: fields.optional(key, read_number, Decimal(0)) for key in keys if fields.has(key)}
    fields.done()
    return weights


# Computing and output.


def compute_research(inputs: ResearchInputs, *, trace: bool = True) -> Alf2015Result | Ds2024Result:
    """FO-ALF under the inputs' model."""
    if isinstance(inputs, Alf2015Inputs):
        return compute_alf2015(inputs, trace=trace)
    return compute_ds2024(inputs, trace=trace)


def _education_output(inputs: EducationInputs, result: EducationResult) -> dict[str, object]:
    output: dict[str, object]
    match inputs.funding:
        case RatePerHst(rate):
            output = {"rate_per_hst": str(rate)}
        case EducationAppropriation(amount):
            output = {"appropriation": amount}
    output["regions"] = dict(result.regions)
    output["total"] = result.total
    return output


def _research_output(result: Alf2015Result | Ds2024Result) -> dict[str, object]:
    regions = {region: {**vars(lines), "total": lines.total} for region, lines in result.regions.items()}
    total = sum(lines.total for lines in result.regions.values())
    total += sum(line.amount for line in result.undistributed)
    output: dict[str, object] = {
        "model": "alf2015" if isinstance(result, Alf2015Result) else "ds2024",
        "appropriation": result.appropriation,
        "regions": regions,
    }
    if isinstance(result, Ds2024Result):
        output["guns"] = {**vars(result.guns), "total": result.guns.total}
        total += result.guns.total
    output["undistributed"] = [_undistributed_output(line) for line in result.undistributed]
    output["total"] = total
    return output


def _undistributed_output(line: UndistributedLine) -> dict[str, object]:
    # The output document is English; the reason's text is the catalogue's English one.
    return {"line": line.line, "amount": line.amount, "reason": VALUE_TEXTS["en"][line.reason]}


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def _reject_repeated_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    data: dict[str, object] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the key {key!r} appears twice in one object")
        data[key] = value
    return data


def _canonical_decimal(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
