"""The scenario explorer's form: a scenario document (docs/allocation-scenario.md) as form fields
and back, the comparison with a baseline, and the "why" per region.

The form's field names are the scenario's own field paths (`research.shares.ORE`,
`research.ratings.ORE.2`), so an engine error (`ScenarioError`, which names the path) lands
next to the field it names. One helper field is not part of the scenario: `research_increase`,
kronor added to the research appropriation (folded into `research.appropriation` when the
scenario is built, so a saved or downloaded scenario is a plain engine input).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alfadmin.models import BudgetYear
from alfrules.errors import ScenarioError
from alfrules.proposals import NONE as NO_PROPOSALS
from alfrules.scenario import compute_scenario

from .gather import gather_year
from .labels import LINE_LABELS, MODEL_LABELS, RATING_LABELS
from .models import AllocationModel
from .services.scenarios import exact_json

MODELS = [m.value for m in AllocationModel]
PANELS = ("1", "2", "3")
INCREASE = "research_increase"
_WHOLE = re.compile(r"-?\d+")

ALF2015_PARAMS = (
    ("base_fraction", gettext_lazy("Base fraction")),
    ("guarantee", gettext_lazy("Guarantee (good–high)")),
    ("cap", gettext_lazy("Cap (very high)")),
    ("max_very_high", gettext_lazy("Most very-high regions per panel")),
)
DS2024_FIELDS = (
    ("reference_level", gettext_lazy("Reference level (kr)")),
    ("quality_fraction", gettext_lazy("Quality fraction")),
    ("guns_fraction", gettext_lazy("GUNS fraction")),
)
YES_NO = (("true", gettext_lazy("yes")), ("false", gettext_lazy("no")))


@dataclass
class Field:
    """One input: its name is the scenario path it sets (errors find it by that path)."""

    name: str
    label: Any
    value: Any = ""
    choices: tuple[tuple[str, Any], ...] = ()
    errors: list[str] = field(default_factory=list)

    @property
    def slot(self) -> str:
        return error_slot(self.name)


def error_slot(name: str) -> str:
    """The element id of a field's error text: `research.shares.ORE` → `err-research-shares-ORE`."""
    return "err-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Start:
    """How a scenario is gathered from the stored year: the last round's ratings carried forward
    (for a year no round applies to) and with or without the memo's education proposals as
    the agreement period has them switched on."""

    carry_ratings_forward: bool = False
    without_proposals: bool = False

    @classmethod
    def read(cls, data: Any) -> Start:
        return cls(carry_ratings_forward=data.get("carry") == "1", without_proposals=data.get("no_proposals") == "1")


def start_scenario(*, year: int, model: str | None = None, start: Start = Start()) -> tuple[dict[str, Any], dict[str, Any], str] | None:  # noqa: B008 - frozen
    """The stored year's scenario for `model` (default: the model that pays the year), its
    provenance and the model; None if the year has no budget year."""
    gathered = gather_year(
        year=year,
        carry_ratings_forward=start.carry_ratings_forward,
        proposals=NO_PROPOSALS if start.without_proposals else None,
    )
    if gathered is None:
        return None
    if model not in MODELS:
        model = BudgetYear.objects.filter(year=year).values_list("period__research_model", flat=True).first() or MODELS[0]
    chosen = gathered[model]
    return exact_json(chosen.scenario), chosen.meta, model


def _number(raw: str) -> Any:
    """What the user typed, as the scenario holds it: whole numbers as integers, other numbers
    as exact decimal text (Swedish `0,8` and grouped `1 000` read too); anything else as typed,
    for the engine to refuse by name."""
    text = raw.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if _WHOLE.fullmatch(text):
        return int(text)
    return text if text else raw.strip()


def scenario_from_post(post: Any) -> dict[str, Any]:
    """Build the scenario document from the explorer's form (the inverse of `form_sections`)."""
    regions = [code for code in post.getlist("regions") if code]
    scenario: dict[str, Any] = {"year": _number(post.get("year", ""))}
    if post.get("education.present"):
        education: dict[str, Any] = {}
        if post.get("education.basis") == "appropriation":
            education["appropriation"] = _number(post.get("education.appropriation", ""))
        else:
            education["rate_per_hst"] = _number(post.get("education.rate_per_hst", ""))
        education["hst"] = {code: _number(post.get(f"education.hst.{code}", "")) for code in regions}
        scenario["education"] = education
    model = post.get("research.model")
    if post.get("research.present") and model in MODELS:
        research: dict[str, Any] = {"model": model}
        appropriation = _number(post.get("research.appropriation", ""))
        increase = _number(post.get(INCREASE, "") or "0")
        if isinstance(appropriation, int) and isinstance(increase, int):
            appropriation += increase
        research["appropriation"] = appropriation
        if model == AllocationModel.ALF2015:
            params: dict[str, Any] = {name: _number(post.get(f"research.params.{name}", "")) for name, _label in ALF2015_PARAMS}
            params["panel_weights"] = {p: _number(post.get(f"research.params.panel_weights.{p}", "")) for p in PANELS}
            research["shares"] = {code: _number(post.get(f"research.shares.{code}", "")) for code in regions}
            research["params"] = params
            research["ratings"] = {code: {p: post.get(f"research.ratings.{code}.{p}", "") for p in PANELS} for code in regions}
        else:
            for name, _label in DS2024_FIELDS:
                research[name] = _number(post.get(f"research.{name}", ""))
            research["increment_weights"] = {k: _number(post.get(f"research.increment_weights.{k}", "")) for k in ("hst", "citations")}
            research["shares"] = {code: _number(post.get(f"research.shares.{code}", "")) for code in regions}
            research["ratings"] = {code: {p: post.get(f"research.ratings.{code}.{p}", "") for p in PANELS} for code in regions}
            research["plans_ok"] = {code: post.get(f"research.plans_ok.{code}") == "true" for code in regions}
            research["hst"] = {code: _number(post.get(f"research.hst.{code}", "")) for code in regions}
            research["highly_cited"] = {code: _number(post.get(f"research.highly_cited.{code}", "")) for code in regions}
        scenario["research"] = research
    return scenario


def form_errors(post: Any) -> dict[str, list[str]]:
    """Errors of the helper fields that are not part of the scenario (the engine names the rest)."""
    raw = (post.get(INCREASE) or "").strip()
    if post.get("research.present") and raw and not isinstance(_number(raw), int):
        return {INCREASE: [_("Give the increase in whole kronor, e.g. 100 000 000 (a minus sign for a cut).")]}
    return {}


def scenario_regions(scenario: dict[str, Any]) -> list[str]:
    education = scenario.get("education") or {}
    research = scenario.get("research") or {}
    return sorted(set(education.get("hst") or {}) | set(research.get("shares") or {}))


# Makes one field of the explorer and keeps it in the order the page lists them.
Make = Callable[..., Field]


def form_sections(scenario: dict[str, Any], errors: dict[str, list[str]] | None = None, *, increase: str = "") -> dict[str, Any]:
    """The explorer's fields for a scenario, each with the errors that name it; errors naming
    no field (a whole map, the document) are returned as `general`."""
    errors = dict(errors or {})
    codes = scenario_regions(scenario)
    education = scenario.get("education")
    research = scenario.get("research")
    made: list[Field] = []

    def make(name: str, label: Any, value: Any, choices: tuple[tuple[str, Any], ...] = ()) -> Field:
        item = Field(name=name, label=label, value=_text(value), choices=choices)
        made.append(item)
        return item

    sections: dict[str, Any] = {"regions": codes, "year": scenario.get("year"), "education": None, "research": None}
    if education is not None:
        sections["education"] = _education_section(make, education, codes)
    if research is not None:
        sections["research"] = _research_section(make, research, codes, increase=increase)
    sections["year_field"] = make("year", _("Year"), scenario.get("year"))
    general = assign_errors(made, errors)
    sections["general_errors"] = general
    sections["fields"] = made
    return sections


def _education_section(make: Make, education: dict[str, Any], codes: list[str]) -> dict[str, Any]:
    basis = "appropriation" if "appropriation" in education else "rate"
    return {
        "basis": basis,
        "amount": make(
            f"education.{'appropriation' if basis == 'appropriation' else 'rate_per_hst'}",
            _("Education appropriation (kr)") if basis == "appropriation" else _("Rate per full-year student (kr)"),
            education.get("appropriation" if basis == "appropriation" else "rate_per_hst"),
        ),
        "group": make("education", _("Education"), ""),
        "hst": {code: make(f"education.hst.{code}", _("%(region)s: full-year students") % {"region": code}, (education.get("hst") or {}).get(code)) for code in codes},
    }


def _research_row(make: Make, research: dict[str, Any], code: str) -> dict[str, Any]:
    """One region's research fields: share, a rating per panel, and Ds 2024's own inputs."""
    rating_choices = tuple((value, label) for value, label in RATING_LABELS.items())
    shares = research.get("shares") or {}
    ratings = research.get("ratings") or {}
    row: dict[str, Any] = {
        "code": code,
        "share": make(f"research.shares.{code}", _("%(region)s: share (%%)") % {"region": code}, shares.get(code)),
        "ratings": [
            make(
                f"research.ratings.{code}.{p}",
                _("%(region)s: panel %(panel)s") % {"region": code, "panel": p},
                (ratings.get(code) or {}).get(p),
                rating_choices,
            )
            for p in PANELS
        ],
    }
    if research.get("model") == AllocationModel.DS2024:
        row["plans_ok"] = make(
            f"research.plans_ok.{code}", _("%(region)s: plans realistic") % {"region": code}, (research.get("plans_ok") or {}).get(code), YES_NO
        )
        row["hst"] = make(f"research.hst.{code}", _("%(region)s: planned hst") % {"region": code}, (research.get("hst") or {}).get(code))
        row["highly_cited"] = make(
            f"research.highly_cited.{code}", _("%(region)s: highly cited") % {"region": code}, (research.get("highly_cited") or {}).get(code)
        )
    return row


def _research_section(make: Make, research: dict[str, Any], codes: list[str], *, increase: str) -> dict[str, Any]:
    model: Any = research.get("model")  # unchecked input: may be missing or unknown
    rows = [_research_row(make, research, code) for code in codes]
    part: dict[str, Any] = {
        "model": model,
        "model_label": MODEL_LABELS.get(model, model),
        "group": make("research", _("Research"), ""),
        "appropriation": make("research.appropriation", _("Research appropriation (kr)"), research.get("appropriation")),
        "increase": make(INCREASE, _("Increase of research money (kr)"), increase),
        "shares_group": make("research.shares", _("Shares"), ""),
        "ratings_group": make("research.ratings", _("Ratings"), ""),
        "rows": rows,
    }
    if model == AllocationModel.ALF2015:
        params = research.get("params") or {}
        weights = params.get("panel_weights") or {}
        part["params"] = [make(f"research.params.{name}", label, params.get(name)) for name, label in ALF2015_PARAMS]
        part["weights"] = [
            make(f"research.params.panel_weights.{p}", _("Panel %(panel)s weight") % {"panel": p}, weights.get(p)) for p in PANELS
        ]
        part["weights_group"] = make("research.params.panel_weights", _("Panel weights"), "")
    else:
        weights = research.get("increment_weights") or {}
        part["params"] = [make(f"research.{name}", label, research.get(name)) for name, label in DS2024_FIELDS]
        part["weights"] = [
            make("research.increment_weights.hst", _("Increment weight, students"), weights.get("hst")),
            make("research.increment_weights.citations", _("Increment weight, highly cited"), weights.get("citations")),
        ]
        part["weights_group"] = make("research.increment_weights", _("Increment weights"), "")
        for key in ("plans_ok", "hst", "highly_cited"):
            part[f"{key}_group"] = make(f"research.{key}", key, "")
    return part


def assign_errors(fields: list[Field], errors: dict[str, list[str]]) -> list[str]:
    """Give each error to the field it names, or to the nearest enclosing group; the rest are general."""
    by_name = {item.name: item for item in fields}
    general: list[str] = []
    for path, messages in errors.items():
        target = None
        name = path
        while name:
            if name in by_name:
                target = by_name[name]
                break
            name = name.rpartition(".")[0]
        if target is None:
            general.extend(messages)
        else:
            target.errors.extend(messages)
    return general


def engine_errors(error: ScenarioError) -> dict[str, list[str]]:
    messages: dict[str, list[str]] = {}
    for path, message in error.errors:
        messages.setdefault(path, []).append(message)
    return messages


@dataclass
class RegionComparison:
    code: str
    name: str
    education: int | None
    research: dict[str, int]
    total: int
    baseline: int | None
    why: list[str]

    @property
    def difference(self) -> int | None:
        return None if self.baseline is None else self.total - self.baseline

    @property
    def ratio(self) -> float | None:
        if not self.baseline or self.difference is None:
            return None
        return self.difference / self.baseline


def region_totals(output: dict[str, Any] | None) -> dict[str, int]:
    """A region's money in an output document: education plus research total."""
    output = output or {}
    totals: dict[str, int] = {}
    for code, amount in ((output.get("education") or {}).get("regions") or {}).items():
        totals[code] = totals.get(code, 0) + int(amount)
    for code, lines in ((output.get("research") or {}).get("regions") or {}).items():
        totals[code] = totals.get(code, 0) + int(lines.get("total", 0))
    return totals


def compare(output: dict[str, Any], baseline: dict[str, Any] | None, names: dict[str, str]) -> list[RegionComparison]:
    """Each region of the scenario's output beside the baseline, with its trace sentences."""
    education = (output.get("education") or {}).get("regions") or {}
    research = (output.get("research") or {}).get("regions") or {}
    totals = region_totals(output)
    before = region_totals(baseline) if baseline is not None else {}
    why: dict[str, list[str]] = {}
    for step in output.get("trace") or []:
        if step.get("region"):
            why.setdefault(step["region"], []).append(step.get("text", ""))
    return [
        RegionComparison(
            code=code,
            name=names.get(code, code),
            education=education.get(code),
            research=research.get(code) or {},
            total=totals[code],
            baseline=before.get(code),
            why=why.get(code, []),
        )
        for code in sorted(totals)
    ]


def research_lines(output: dict[str, Any]) -> list[tuple[str, Any]]:
    model = (output.get("research") or {}).get("model")
    if model == AllocationModel.DS2024:
        names = ["base", "quality", "increment_hst", "increment_citations", "total"]
    elif model == AllocationModel.ALF2015:
        names = ["base", "panel_1", "panel_2", "panel_3", "total"]
    else:
        names = []
    return [(name, LINE_LABELS.get(name, name)) for name in names]


def compute(scenario: dict[str, Any], *, lang: str) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """The output document with its trace in `lang`, or the field errors."""
    try:
        return exact_json(compute_scenario(scenario, trace=True, lang=lang)), {}
    except ScenarioError as error:
        return None, engine_errors(error)
