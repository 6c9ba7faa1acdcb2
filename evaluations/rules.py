"""The rule check of a round's ratings: what the allocation model can use (rules §5.3–§5.5, §6.4).

Pure functions over plain data, shared by the live check of the grid (unsaved values), the
round page and the finalize service, so that the warning and the refusal never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alfadmin.models import AgreementPeriod
from alfrules.predicates import (
    DEFAULT_MAX_VERY_HIGH,
    DEFAULT_MIN_VERY_HIGH,
    keeps_quality_amount,
    very_high_count_allowed,
)

from .models import PANEL_NUMBERS, Rating


@dataclass(frozen=True)
class Bounds:
    """How many very-high regions a panel needs under the ALF 2015 model; None when unlimited."""

    min_very_high: int | None
    max_very_high: int | None

    @property
    def limited(self) -> bool:
        return self.max_very_high is not None


def bounds_for(*, model: str, applies_from: int) -> Bounds:
    """The ALF 2015 bounds come from the agreement period covering the first year (defaults 1–3)."""
    if model != AgreementPeriod.Model.ALF2015:
        return Bounds(None, None)
    period = AgreementPeriod.covering(applies_from)
    if period is None:
        return Bounds(DEFAULT_MIN_VERY_HIGH, DEFAULT_MAX_VERY_HIGH)
    return Bounds(period.min_very_high, period.max_very_high)


@dataclass(frozen=True)
class PanelCheck:
    number: int
    name: str
    very_high: tuple[str, ...]
    inadequate: tuple[str, ...]
    unrated: tuple[str, ...]
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class RuleCheck:
    model: str
    bounds: Bounds
    panels: tuple[PanelCheck, ...]
    missing_findings: tuple[str, ...] = field(default=())

    @property
    def problems(self) -> list[str]:
        """Every reason the round cannot be finalized yet, each naming its panel or region."""
        problems = [p.problem for p in self.panels if p.problem]
        unrated = sorted({code for p in self.panels for code in p.unrated})
        if unrated:
            problems.append(
                _("Every region must be rated in every panel; missing ratings for %(regions)s.") % {"regions": ", ".join(unrated)}
            )
        if self.missing_findings:
            problems.append(
                _("The Ds 2024 model needs all three findings for every region; missing for %(regions)s.")
                % {"regions": ", ".join(self.missing_findings)}
            )
        return problems

    @property
    def other_problems(self) -> list[str]:
        """The problems not already shown as a panel's warning."""
        panel_problems = {p.problem for p in self.panels if p.problem}
        return [p for p in self.problems if p not in panel_problems]

    @property
    def ok(self) -> bool:
        return not self.problems


def panel_problem(*, number: int, name: str, very_high: int, bounds: Bounds) -> str:
    """The warning for a panel outside the ALF 2015 bounds (rules §5.3): the engine's
    `very_high_count_allowed`, with the period's minimum as well as its maximum."""
    if very_high_count_allowed(very_high, min_very_high=bounds.min_very_high, max_very_high=bounds.max_very_high):
        return ""
    return ngettext(
        "Panel %(number)s (%(name)s) has %(count)s region rated very high; the ALF 2015 model needs %(min)s–%(max)s.",
        "Panel %(number)s (%(name)s) has %(count)s regions rated very high; the ALF 2015 model needs %(min)s–%(max)s.",
        very_high,
    ) % {"number": number, "name": name, "count": very_high, "min": bounds.min_very_high, "max": bounds.max_very_high}


def check(
    *,
    model: str,
    bounds: Bounds,
    panel_names: Mapping[int, str],
    region_codes: Iterable[str],
    ratings: Mapping[tuple[str, int], str],
    findings_complete: Mapping[str, bool] | None = None,
) -> RuleCheck:
    """Check ratings keyed by (region code, panel number); a missing or empty value is unrated."""
    codes = list(region_codes)
    panels = []
    for number in PANEL_NUMBERS:
        very_high = tuple(c for c in codes if ratings.get((c, number)) == Rating.VERY_HIGH)
        inadequate = tuple(c for c in codes if ratings.get((c, number)) == Rating.INADEQUATE)
        unrated = tuple(c for c in codes if not ratings.get((c, number)))
        name = panel_names.get(number, str(number))
        panels.append(
            PanelCheck(
                number=number,
                name=name,
                very_high=very_high,
                inadequate=inadequate,
                unrated=unrated,
                problem=panel_problem(number=number, name=name, very_high=len(very_high), bounds=bounds),
            )
        )
    missing_findings: tuple[str, ...] = ()
    if model == AgreementPeriod.Model.DS2024 and findings_complete is not None:
        missing_findings = tuple(c for c in codes if not findings_complete.get(c, False))
    return RuleCheck(model=model, bounds=bounds, panels=tuple(panels), missing_findings=missing_findings)


def meets_quality_condition(*, ratings: Iterable[str | None], plans_ok: bool | None) -> bool | None:
    """The Ds 2024 quality condition (rules §6.4), the engine's `keeps_quality_amount`, for a
    round still being entered: None while ratings or findings are missing."""
    values = list(ratings)
    if plans_ok is None or len(values) != len(PANEL_NUMBERS) or any(not v for v in values):
        return None
    return keeps_quality_amount(findings_ok=plans_ok, ratings=[str(v) for v in values])
