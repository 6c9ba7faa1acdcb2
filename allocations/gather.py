"""The gatherer: a year's scenario (allocation-scenario.md) built from the database.

`gather_year(year=…)` reads the registry and the year's evaluation round and returns, per
model, the scenario dict the engine is called with and the provenance of its parts. Nothing
is guessed: a part whose data is missing is left out of the scenario and the reason is
recorded (a year with no applicable evaluation round computes education only, scenario
decision 10).

Numbers in the scenario are JSON-safe and exact: amounts as integers, fractions, shares and
rates as decimal strings, counts as integers when whole.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from alfadmin.models import AgreementPeriod, BudgetYear, EducationBasis, Region, ResearchShare, ShareTable, StudentCount
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


def _exact_product(factors: Iterable[Decimal]) -> Decimal:
    """The exact product of decimals (a terminating decimal); raises if it would be rounded."""
    with decimal.localcontext() as context:
        context.prec = 1000
        context.traps[decimal.Inexact] = True
        context.traps[decimal.Rounded] = True
        result = Decimal(1)
        for factor in factors:
            result *= factor
        return result


def _plo_factors(plo: Mapping[int, Decimal], first: int, last: int) -> list[Decimal]:
    """1 + plo_t for t = first..last (empty if first > last); raises _Missing naming absent years."""
    missing = [t for t in range(first, last + 1) if t not in plo]
    if missing:
        raise _Missing(Unavailable.MISSING_PLO, missing)
    return [Decimal(1) + plo[t] for t in range(first, last + 1)]


def plo_rate_per_hst(*, base_rate: Decimal, base_year: int, year: int, plo: Mapping[int, Decimal]) -> Decimal:
    """The base year's rate in `year`'s prices: base × Π(1 + plo_t), t = base+1..year, exactly (rules §3)."""
    if year < base_year:
        raise _Missing(Unavailable.MISSING_RATE, [year])
    return _exact_product([Decimal(base_rate), *_plo_factors(plo, base_year + 1, year)])


def reference_level_in(*, level: int, reference_year: int, year: int, plo: Mapping[int, Decimal]) -> int:
    """The reference level converted from `reference_year`'s prices to `year`'s (rules §6.2).

    Exact (later years multiply, earlier years divide), then rounded half up to whole kronor.
    """
    if year >= reference_year:
        exact = Fraction(_exact_product(_plo_factors(plo, reference_year + 1, year))) * level
    else:
        exact = Fraction(level) / Fraction(_exact_product(_plo_factors(plo, year + 1, reference_year)))
    return _half_up(exact)


def _half_up(value: Fraction) -> int:
    """Round half up (away from zero at .5) to an integer, exactly."""
    return int((value * 2 + 1) // 2) if value >= 0 else -int((-value * 2 + 1) // 2)


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
    period = budget_year.period
    proposals = period_proposals(period) if proposals is None else proposals
    in_force = proposals_in_force(year=year, proposals=proposals)
    plo = {**dict(BudgetYear.objects.values_list("year", "plo_rate")), **(plo_assumption or {})}
    codes = list(Region.objects.filter(is_active=True).order_by("code").values_list("code", flat=True))
    counts = StudentCount.objects.filter(year=year, region__is_active=True).values_list("region__code", "planned_hst", "actual_hst")
    planned: dict[str, Any] = {code: hst for code, hst, _actual in counts}
    if in_force and set(planned) >= set(codes):
        educated = {code: actual for code, _hst, actual in counts if actual is not None}
        planned = dict(proposed_hst({c: planned[c] for c in codes}, year=year, proposals=proposals, educated=educated))
    shares_by_kind: dict[str, dict[str, Decimal]] = {}
    for kind, code, percent in ResearchShare.objects.filter(region__is_active=True).values_list("table__kind", "region__code", "percent"):
        shares_by_kind.setdefault(kind, {})[code] = percent
    evaluation = _evaluation_data(year, carry_forward=carry_ratings_forward)

    # Education (rules §4).
    education: dict[str, Any] | None = None
    education_meta: dict[str, Any] = {"basis": budget_year.education_basis}
    if in_force:
        education_meta["proposals"] = in_force
    try:
        hst = {code: _count(value) for code, value in _per_region(planned, codes, Unavailable.MISSING_STUDENTS).items()}
        if budget_year.education_basis == EducationBasis.APPROPRIATION:
            education = {"appropriation": int(budget_year.education_appropriation or 0), "hst": hst}
        else:
            if budget_year.rate_per_hst is not None:
                rate = Decimal(budget_year.rate_per_hst)
                education_meta["rate_source"] = "budget_year"
            else:
                if not period.base_rate_per_hst:
                    raise _Missing(Unavailable.MISSING_RATE, [period.price_base_year])
                rate = plo_rate_per_hst(base_rate=period.base_rate_per_hst, base_year=period.price_base_year, year=year, plo=plo)
                education_meta["rate_source"] = "plo"
                education_meta["price_base_year"] = period.price_base_year
            rate = proposed_rate(rate, year=year, proposals=proposals)
            education = {"rate_per_hst": canonical(rate), "hst": hst}
    except _Missing as error:
        education_meta.update(_unavailable(error))

    gathered: dict[str, Gathered] = {}
    for model in MODELS:
        research: dict[str, Any] | None = None
        research_meta: dict[str, Any] = {}
        try:
            if evaluation is None:
                raise _Missing(Unavailable.NO_ROUND)
            round_ = evaluation["round"]
            research_meta["evaluation_round"] = {"id": round_.pk, "name": str(round_)}
            if evaluation["carried_forward"]:
                research_meta["ratings_carried_forward"] = True
            if model == AllocationModel.ALF2015:
                kind = ShareTable.Kind.IN_FORCE
            else:
                kind = ShareTable.Kind.IN_FORCE if year < period.ds2024_agreement_shares_from else ShareTable.Kind.ALF2015
            research_meta["share_table"] = str(kind)
            shares = {
                code: canonical(p) for code, p in _per_region(shares_by_kind.get(kind, {}), codes, Unavailable.MISSING_SHARES).items()
            }
            ratings = _ratings(evaluation["ratings"], codes)
            if model == AllocationModel.ALF2015:
                research = {
                    "model": model,
                    "appropriation": int(budget_year.research_appropriation),
                    "shares": shares,
                    "params": {
                        "base_fraction": canonical(budget_year.effective_base_fraction),
                        "panel_weights": {str(number): canonical(weight) for number, weight in period.panel_weights.items()},
                        "guarantee": canonical(period.guarantee),
                        "cap": canonical(period.cap),
                        "max_very_high": int(period.max_very_high),
                    },
                    "ratings": ratings,
                }
            else:
                students = {code: _count(v) for code, v in _per_region(planned, codes, Unavailable.MISSING_STUDENTS).items()}
                plans_ok = {code: bool(v) for code, v in _per_region(evaluation["plans_ok"], codes, Unavailable.MISSING_FINDINGS).items()}
                cited = {
                    code: _count(v) for code, v in _per_region(evaluation["highly_cited"], codes, Unavailable.MISSING_BIBLIOMETRICS).items()
                }
                research = {
                    "model": model,
                    "appropriation": int(budget_year.research_appropriation),
                    "reference_level": reference_level_in(
                        level=period.reference_level, reference_year=period.reference_year, year=year, plo=plo
                    ),
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
                research_meta["reference_year"] = period.reference_year
        except _Missing as error:
            research_meta.update(_unavailable(error))

        scenario: dict[str, Any] = {"year": year}
        if education is not None:
            scenario["education"] = education
        if research is not None:
            scenario["research"] = research
        meta = {"period": period.name, "regions": codes, "education": dict(education_meta), "research": research_meta}
        gathered[model] = Gathered(year=year, model=model, scenario=scenario, meta=meta)
    return gathered


def gather(*, year: int, model: str) -> Gathered | None:
    """One model's inputs for a year (see gather_year)."""
    by_model = gather_year(year=year)
    return None if by_model is None else by_model[model]
