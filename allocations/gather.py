"""The gatherer: a year's scenario (docs/allocation-scenario.md) read from the database.

`gather_year(year=…)` reads the registry and the year's evaluation round and returns, per
model, the scenario dict the engine is called with and the provenance of its parts. Nothing
is guessed: a part whose data is missing is left out of the scenario and the reason is
recorded (a year with no applicable evaluation round computes education only, scenario
decision 10).

It only reads: every amount it puts in the scenario that is not a stored value comes from the
rules package (the PLO conversions from `alfrules.indexation`, the education proposals from
`alfrules.proposals`), so the arithmetic of the money has one home.

Numbers in the scenario are JSON-safe and exact: amounts as integers, fractions, shares and
rates as decimal strings, counts as integers when whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from alfadmin.models import AgreementPeriod, BudgetYear, EducationBasis, Region, ResearchShare, ShareTable, StudentCount
from alfrules.indexation import BeforeBaseYear, MissingPlo, plo_rate_per_hst, reference_level_in
from alfrules.proposals import EducationProposals, proposals_in_force, proposed_hst, proposed_rate
from evaluations import selectors as evaluation_selectors

from .models import AllocationModel

MODELS = (AllocationModel.ALF2015.value, AllocationModel.DS2024.value)


class Unavailable:
    """Reason codes for a part left out of the scenario (shown translated on the pages)."""

    NO_ROUND = "no_evaluation_round"
    MISSING_STUDENTS = "missing_students"
    MISSING_PLO = "missing_plo"
    MISSING_RATE = "missing_rate"
    MISSING_SHARES = "missing_shares"
    MISSING_RATINGS = "missing_ratings"
    MISSING_FINDINGS = "missing_findings"
    MISSING_BIBLIOMETRICS = "missing_bibliometrics"


@dataclass(frozen=True)
class Gathered:
    """One model's inputs for a year: the scenario and where its parts came from."""

    year: int
    model: str
    scenario: dict[str, Any]
    meta: dict[str, Any]


class _Missing(Exception):
    def __init__(self, reason: str, detail: Iterable[Any] = ()):
        self.reason = reason
        self.detail = [str(d) for d in detail]
        super().__init__(reason)


def canonical(number: Decimal | int) -> str:
    """An exact decimal as plain text without trailing zeros: 0.8000 → "0.8", 2000.0 → "2000"."""
    value = Decimal(number)
    if value == value.to_integral_value():
        return str(int(value))
    # Not normalize(): it rounds to the context's precision (28 digits).
    return format(value, "f").rstrip("0")


def _count(number: Decimal | int) -> int | str:
    value = Decimal(number)
    return int(value) if value == value.to_integral_value() else canonical(value)


def _counts(values: Mapping[str, Decimal | int]) -> dict[str, int | str]:
    return {code: _count(value) for code, value in values.items()}


@contextmanager
def _price_conversion() -> Iterator[None]:
    """The rules' reasons a PLO conversion cannot be made, as the parts' reasons."""
    try:
        yield
    except MissingPlo as error:
        raise _Missing(Unavailable.MISSING_PLO, error.years) from None
    except BeforeBaseYear as error:
        raise _Missing(Unavailable.MISSING_RATE, [error.year]) from None


def _evaluation_data(year: int, *, carry_forward: bool = False) -> dict[str, Any] | None:
    """The year's finalized evaluation round and its results; with `carry_forward`, for a year no
    round covers, the latest earlier round's (a projection's assumption, marked as such)."""
    round_ = evaluation_selectors.round_for_year(year=year)
    carried = False
    if round_ is None and carry_forward:
        round_ = evaluation_selectors.latest_round_before(year=year)
        carried = round_ is not None
    if round_ is None:
        return None
    return {
        "round": round_,
        "carried_forward": carried,
        "ratings": evaluation_selectors.ratings_by_region(evaluation_round=round_),
        "plans_ok": evaluation_selectors.plans_ok_by_region(evaluation_round=round_),
        "highly_cited": evaluation_selectors.highly_cited_by_region(evaluation_round=round_),
    }


def _per_region(values: Mapping[str, Any], codes: list[str], reason: str) -> dict[str, Any]:
    missing = [code for code in codes if code not in values or values[code] is None]
    if missing:
        raise _Missing(reason, missing)
    return {code: values[code] for code in codes}


def _ratings(ratings: Mapping[str, Mapping[str, str]], codes: list[str]) -> dict[str, dict[str, str]]:
    chosen = _per_region(ratings, codes, Unavailable.MISSING_RATINGS)
    incomplete = [code for code in codes if any(str(p) not in chosen[code] for p in (1, 2, 3))]
    if incomplete:
        raise _Missing(Unavailable.MISSING_RATINGS, incomplete)
    return {code: {str(p): str(chosen[code][str(p)]) for p in (1, 2, 3)} for code in codes}


def _unavailable(error: _Missing) -> dict[str, Any]:
    meta: dict[str, Any] = {"unavailable": error.reason}
    if error.detail:
        meta["detail"] = error.detail
    return meta


def period_proposals(period: AgreementPeriod) -> EducationProposals:
    """The memo's education proposals an administrator switched on for the period."""
    return EducationProposals(
        educated_hst_region=period.educated_hst_region.code if period.educated_hst_region is not None else None,
        educated_hst_from=period.educated_hst_from,
        educated_hst=period.educated_hst,
        twelfth_term_from=period.twelfth_term_from,
        rate_raise_from=period.rate_raise_from,
        rate_raise_percent=period.rate_raise_percent,
        rate_raise_per_hst=period.rate_raise_per_hst,
        rate_raise_phase_years=period.rate_raise_phase_years,
    )


@dataclass(frozen=True)
class _YearData:
    """Everything `gather_year` reads for one year, read once and shared by both models."""

    year: int
    budget_year: BudgetYear
    period: AgreementPeriod
    proposals: EducationProposals
    in_force: list[str]
    plo: Mapping[int, Decimal]
    codes: list[str]
    planned: Mapping[str, Any]  # region → planned hst after the proposals in force; absent: no count
    shares_by_kind: Mapping[str, Mapping[str, Decimal]]
    evaluation: dict[str, Any] | None


def _read_year(
    budget_year: BudgetYear,
    *,
    proposals: EducationProposals | None,
    plo_assumption: Mapping[int, Decimal] | None,
    carry_ratings_forward: bool,
) -> _YearData:
    year, period = budget_year.year, budget_year.period
    proposals = period_proposals(period) if proposals is None else proposals
    in_force = proposals_in_force(year=year, proposals=proposals)
    codes = list(Region.objects.filter(is_active=True).order_by("code").values_list("code", flat=True))
    return _YearData(
        year=year,
        budget_year=budget_year,
        period=period,
        proposals=proposals,
        in_force=in_force,
        plo={**dict(BudgetYear.objects.values_list("year", "plo_rate")), **(plo_assumption or {})},
        codes=codes,
        planned=_planned_hst(year=year, codes=codes, proposals=proposals, in_force=bool(in_force)),
        shares_by_kind=_shares_by_kind(),
        evaluation=_evaluation_data(year, carry_forward=carry_ratings_forward),
    )


def _planned_hst(*, year: int, codes: list[str], proposals: EducationProposals, in_force: bool) -> dict[str, Any]:
    """Each active region's planned hst for the year; with proposals in force and every region
    counted, as the proposals make them (`alfrules.proposals.proposed_hst`)."""
    counts = list(StudentCount.objects.filter(year=year, region__is_active=True).values_list("region__code", "planned_hst", "actual_hst"))
    planned: dict[str, Any] = {code: hst for code, hst, _actual in counts}
    if in_force and set(planned) >= set(codes):
        educated = {code: actual for code, _hst, actual in counts if actual is not None}
        planned = dict(proposed_hst({c: planned[c] for c in codes}, year=year, proposals=proposals, educated=educated))
    return planned


def _shares_by_kind() -> dict[str, dict[str, Decimal]]:
    shares: dict[str, dict[str, Decimal]] = {}
    for kind, code, percent in ResearchShare.objects.filter(region__is_active=True).values_list("table__kind", "region__code", "percent"):
        shares.setdefault(kind, {})[code] = percent
    return shares


def _education(data: _YearData) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The education part (rules §4) and its meta; None with the reason when data is missing."""
    budget_year = data.budget_year
    meta: dict[str, Any] = {"basis": budget_year.education_basis}
    if data.in_force:
        meta["proposals"] = data.in_force
    try:
        hst = _counts(_per_region(data.planned, data.codes, Unavailable.MISSING_STUDENTS))
        if budget_year.education_basis == EducationBasis.APPROPRIATION:
            return {"appropriation": int(budget_year.education_appropriation or 0), "hst": hst}, meta
        rate = proposed_rate(_education_rate(data, meta), year=data.year, proposals=data.proposals)
        return {"rate_per_hst": canonical(rate), "hst": hst}, meta
    except _Missing as error:
        meta.update(_unavailable(error))
        return None, meta


def _education_rate(data: _YearData, meta: dict[str, Any]) -> Decimal:
    """The year's rate per hst before the proposals: the budget year's, or the period's base
    rate in the year's prices (`alfrules.indexation`); records which in `meta`."""
    budget_year, period = data.budget_year, data.period
    if budget_year.rate_per_hst is not None:
        meta["rate_source"] = "budget_year"
        return Decimal(budget_year.rate_per_hst)
    if not period.base_rate_per_hst:
        raise _Missing(Unavailable.MISSING_RATE, [period.price_base_year])
    with _price_conversion():
        rate = plo_rate_per_hst(base_rate=period.base_rate_per_hst, base_year=period.price_base_year, year=data.year, plo=data.plo)
    meta["rate_source"] = "plo"
    meta["price_base_year"] = period.price_base_year
    return rate


def _share_table(data: _YearData, model: str) -> str:
    """The share table a model splits the year's research by (rules §5, §6.3)."""
    if model == AllocationModel.ALF2015 or data.year < data.period.ds2024_agreement_shares_from:
        return ShareTable.Kind.IN_FORCE
    return ShareTable.Kind.ALF2015


def _research(data: _YearData, model: str) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """One model's research part and its meta; None with the reason when data is missing."""
    meta: dict[str, Any] = {}
    try:
        if data.evaluation is None:
            raise _Missing(Unavailable.NO_ROUND)
        round_ = data.evaluation["round"]
        meta["evaluation_round"] = {"id": round_.pk, "name": str(round_)}
        if data.evaluation["carried_forward"]:
            meta["ratings_carried_forward"] = True
        kind = _share_table(data, model)
        meta["share_table"] = str(kind)
        shares_in_table = _per_region(data.shares_by_kind.get(kind, {}), data.codes, Unavailable.MISSING_SHARES)
        shares = {code: canonical(percent) for code, percent in shares_in_table.items()}
        ratings = _ratings(data.evaluation["ratings"], data.codes)
        if model == AllocationModel.ALF2015:
            return _alf2015_research(data, shares, ratings), meta
        research = _ds2024_research(data, data.evaluation, shares, ratings)
        meta["reference_year"] = data.period.reference_year
        return research, meta
    except _Missing as error:
        meta.update(_unavailable(error))
        return None, meta


def _alf2015_research(data: _YearData, shares: dict[str, str], ratings: dict[str, dict[str, str]]) -> dict[str, Any]:
    period = data.period
    return {
        "model": AllocationModel.ALF2015.value,
        "appropriation": int(data.budget_year.research_appropriation),
        "shares": shares,
        "params": {
            "base_fraction": canonical(data.budget_year.effective_base_fraction),
            "panel_weights": {str(number): canonical(weight) for number, weight in period.panel_weights.items()},
            "guarantee": canonical(period.guarantee),
            "cap": canonical(period.cap),
            "max_very_high": int(period.max_very_high),
        },
        "ratings": ratings,
    }


def _ds2024_research(
    data: _YearData, evaluation: Mapping[str, Any], shares: dict[str, str], ratings: dict[str, dict[str, str]]
) -> dict[str, Any]:
    period, codes = data.period, data.codes
    students = _counts(_per_region(data.planned, codes, Unavailable.MISSING_STUDENTS))
    plans_ok = {code: bool(v) for code, v in _per_region(evaluation["plans_ok"], codes, Unavailable.MISSING_FINDINGS).items()}
    cited = _counts(_per_region(evaluation["highly_cited"], codes, Unavailable.MISSING_BIBLIOMETRICS))
    with _price_conversion():
        reference_level = reference_level_in(
            level=period.reference_level, reference_year=period.reference_year, year=data.year, plo=data.plo
        )
    return {
        "model": AllocationModel.DS2024.value,
        "appropriation": int(data.budget_year.research_appropriation),
        "reference_level": reference_level,
        "guns_fraction": canonical(period.guns_fraction),
        "quality_fraction": canonical(period.quality_fraction),
        "increment_weights": {
            "hst": canonical(period.increment_weight_hst),
            "citations": canonical(period.increment_weight_citations),
        },
        "shares": shares,
        "ratings": ratings,
        "plans_ok": plans_ok,
        "hst": students,
        "highly_cited": cited,
    }


def gather_year(
    *,
    year: int,
    proposals: EducationProposals | None = None,
    plo_assumption: Mapping[int, Decimal] | None = None,
    carry_ratings_forward: bool = False,
) -> dict[str, Gathered] | None:
    """The scenario for each model for `year` from the current database state, or None if the
    year has no budget year. A fixed, small number of queries whatever the number of years.

    Projections and scenarios may replace the period's education proposals (`proposals`; they
    redefine the planned full-year students, so they apply to the Ds 2024 increment by students
    too), assume PLO rates for some years (`plo_assumption`) and, for a year no evaluation round
    covers, carry the latest round's results forward (`carry_ratings_forward`); each such
    assumption is listed in the parts' meta.
    """
    budget_year = BudgetYear.objects.select_related("period", "period__educated_hst_region").filter(year=year).first()
    if budget_year is None:
        return None
    data = _read_year(budget_year, proposals=proposals, plo_assumption=plo_assumption, carry_ratings_forward=carry_ratings_forward)
    education, education_meta = _education(data)
    gathered: dict[str, Gathered] = {}
    for model in MODELS:
        research, research_meta = _research(data, model)
        scenario: dict[str, Any] = {"year": year}
        if education is not None:
            scenario["education"] = education
        if research is not None:
            scenario["research"] = research
        meta = {"period": data.period.name, "regions": data.codes, "education": dict(education_meta), "research": research_meta}
        gathered[model] = Gathered(year=year, model=model, scenario=scenario, meta=meta)
    return gathered


def gather(*, year: int, model: str) -> Gathered | None:
    """One model's inputs for a year (see gather_year)."""
    by_model = gather_year(year=year)
    return None if by_model is None else by_model[model]
