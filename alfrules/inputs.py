"""Typed, validated inputs of the three allocations.

An input object that exists is valid: each checks the rules of docs/allocation-scenario.md
("Invalid input" and the decisions) when it is built and raises ``ScenarioError`` naming
every offending field by its path in the scenario file. Amounts of money are whole kronor
(``int``); shares, counts and fractions are exact ``Decimal`` values as written.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from .errors import FieldErrors
from .exact import exact_sum
from .formatting import EXACT_PLACES, decimal_string
from .predicates import (
    DEFAULT_MAX_VERY_HIGH,
    guarantees_fit,
    is_fraction,
    shares_sum_to_hundred,
    very_high_count_allowed,
    weights_sum_to_one,
)

K = TypeVar("K", int, str)

PANELS: tuple[int, ...] = (1, 2, 3)
INCREMENT_KEYS: tuple[str, ...] = ("hst", "citations")

DEFAULT_BASE_FRACTION = Decimal("0.80")
DEFAULT_PANEL_WEIGHTS: Mapping[int, Decimal] = {
    1: Decimal("0.50"),
    2: Decimal("0.25"),
    3: Decimal("0.25"),
}
DEFAULT_GUARANTEE = Decimal("0.15")
DEFAULT_CAP = Decimal("0.40")
DEFAULT_GUNS_FRACTION = Decimal("0.01")
DEFAULT_QUALITY_FRACTION = Decimal("0.20")
DEFAULT_INCREMENT_WEIGHTS: Mapping[str, Decimal] = {
    "hst": Decimal("0.5"),
    "citations": Decimal("0.5"),
}


class Rating(enum.StrEnum):
    """A region's rating in one panel (docs/allocation-rules.md §5.3), listed in scale order, lowest
    first (rating risk steps along this order)."""

    INADEQUATE = "inadequate"
    GOOD_HIGH = "good_high"
    VERY_HIGH = "very_high"


@dataclass(frozen=True)
class RatePerHst:
    """The same rate for every full-year student; may be fractional kronor (decision 3)."""

    rate: Decimal


@dataclass(frozen=True)
class EducationAppropriation:
    """A total in whole kronor, split in proportion to hst."""

    amount: int


@dataclass(frozen=True)
class EducationInputs:
    """GU-ALF for one year: a rate per full-year student, or a total split by hst (§4)."""

    hst: Mapping[str, Decimal]
    funding: RatePerHst | EducationAppropriation

    def __post_init__(self) -> None:
        errors = FieldErrors()
        match self.funding:
            case RatePerHst(rate):
                _check_not_negative(errors, "education.rate_per_hst", rate)
            case EducationAppropriation(amount):
                _check_not_negative(errors, "education.appropriation", amount)
                if exact_sum(self.hst.values()) == 0:
                    # Decision 5: nothing to split the appropriation in proportion to.
                    errors.add(
                        "education.hst",
                        "education.hst sums to 0, so the appropriation cannot be split by hst",
                    )
        _check_counts(errors, "education.hst", self.hst)
        errors.raise_if_any()


@dataclass(frozen=True)
class Alf2015Params:
    """The alf2015 fractions and bound, defaults from the 2015 agreement (§5.5)."""

    base_fraction: Decimal = DEFAULT_BASE_FRACTION
    panel_weights: Mapping[int, Decimal] = field(default_factory=lambda: dict(DEFAULT_PANEL_WEIGHTS))
    guarantee: Decimal = DEFAULT_GUARANTEE
    cap: Decimal = DEFAULT_CAP
    max_very_high: int = DEFAULT_MAX_VERY_HIGH

    def __post_init__(self) -> None:
        errors = FieldErrors()
        prefix = "research.params"
        _check_fraction(errors, f"{prefix}.base_fraction", self.base_fraction)
        _check_fraction(errors, f"{prefix}.guarantee", self.guarantee)
        _check_fraction(errors, f"{prefix}.cap", self.cap)
        _check_weights(errors, f"{prefix}.panel_weights", self.panel_weights, PANELS)
        _check_not_negative(errors, f"{prefix}.max_very_high", self.max_very_high)
        # §5.4: the guarantees must fit in the quality pot whatever the ratings are.
        base_fraction = Fraction(self.base_fraction)
        if not guarantees_fit(guarantee=self.guarantee, base_fraction=self.base_fraction):
            errors.add(
                f"{prefix}.guarantee",
                f"{prefix}.guarantee × base_fraction ({self.guarantee} × {self.base_fraction}) "
                f"exceeds 1 − base_fraction ({_exact(1 - base_fraction)}): the guarantees would "
                "not fit in the quality pot",
            )
        errors.raise_if_any()


@dataclass(frozen=True)
class Alf2015Inputs:
    """FO-ALF for one year under the 2015 agreement (§5)."""

    appropriation: int
    shares: Mapping[str, Decimal]
    ratings: Mapping[str, Mapping[int, Rating]]
    params: Alf2015Params = field(default_factory=Alf2015Params)

    def __post_init__(self) -> None:
        errors = FieldErrors()
        _check_not_negative(errors, "research.appropriation", self.appropriation)
        _check_shares(errors, self.shares)
        _check_ratings(errors, self.shares, self.ratings)
        for panel in PANELS:
            very_high = [r for r, by_panel in self.ratings.items() if by_panel.get(panel) is Rating.VERY_HIGH]
            if not very_high_count_allowed(len(very_high), min_very_high=None, max_very_high=self.params.max_very_high):
                errors.add(
                    "research.ratings",
                    f"research.ratings: panel {panel} has {len(very_high)} very_high regions "
                    f"({', '.join(very_high)}); the alf2015 model allows at most "
                    f"{self.params.max_very_high} (research.params.max_very_high)",
                )
        errors.raise_if_any()


@dataclass(frozen=True)
class Ds2024Inputs:
    """FO-ALF for one year under the Ds 2024 proposal (§6)."""

    appropriation: int
    reference_level: int
    shares: Mapping[str, Decimal]
    ratings: Mapping[str, Mapping[int, Rating]]
    plans_ok: Mapping[str, bool]
    hst: Mapping[str, Decimal]
    highly_cited: Mapping[str, Decimal]
    guns_fraction: Decimal = DEFAULT_GUNS_FRACTION
    quality_fraction: Decimal = DEFAULT_QUALITY_FRACTION
    increment_weights: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_INCREMENT_WEIGHTS))

    def __post_init__(self) -> None:
        errors = FieldErrors()
        _check_not_negative(errors, "research.appropriation", self.appropriation)
        _check_not_negative(errors, "research.reference_level", self.reference_level)
        _check_fraction(errors, "research.guns_fraction", self.guns_fraction)
        _check_fraction(errors, "research.quality_fraction", self.quality_fraction)
        _check_weights(errors, "research.increment_weights", self.increment_weights, INCREMENT_KEYS)
        _check_shares(errors, self.shares)
        _check_ratings(errors, self.shares, self.ratings)
        check_same_regions(errors, "research.shares", self.shares, "research.plans_ok", self.plans_ok)
        for name, counts in (
            ("research.hst", self.hst),
            ("research.highly_cited", self.highly_cited),
        ):
            check_same_regions(errors, "research.shares", self.shares, name, counts)
            _check_counts(errors, name, counts)
        errors.raise_if_any()


def check_same_regions(
    errors: FieldErrors,
    reference_name: str,
    reference: Mapping[str, object],
    name: str,
    other: Mapping[str, object],
) -> None:
    """Decision 6: every per-region map names the same regions. Errors name the map and region."""
    for region in other:
        if region not in reference:
            errors.add(f"{name}.{region}", f"{name} names region {region}, which {reference_name} does not")
    for region in reference:
        if region not in other:
            errors.add(
                f"{name}.{region}",
                f"{name} has no entry for region {region}, which {reference_name} names",
            )


def _check_shares(errors: FieldErrors, shares: Mapping[str, Decimal]) -> None:
    for region, share in shares.items():
        _check_not_negative(errors, f"research.shares.{region}", share)
    if not shares_sum_to_hundred(shares.values()):
        errors.add(
            "research.shares",
            f"research.shares must sum to exactly 100; they sum to {_exact(exact_sum(shares.values()))}",
        )


def _check_ratings(errors: FieldErrors, shares: Mapping[str, Decimal], ratings: Mapping[str, Mapping[int, Rating]]) -> None:
    check_same_regions(errors, "research.shares", shares, "research.ratings", ratings)
    for region, by_panel in ratings.items():
        for panel in PANELS:
            if panel not in by_panel:
                errors.add(
                    f"research.ratings.{region}.{panel}",
                    f"research.ratings.{region} has no rating for panel {panel}",
                )
        for panel in by_panel:
            if panel not in PANELS:
                errors.add(
                    f"research.ratings.{region}.{panel}",
                    f"research.ratings.{region}: there is no panel {panel}",
                )


def _check_counts(errors: FieldErrors, name: str, counts: Mapping[str, Decimal]) -> None:
    for region, count in counts.items():
        _check_not_negative(errors, f"{name}.{region}", count)


def _check_weights(errors: FieldErrors, name: str, weights: Mapping[K, Decimal], keys: tuple[K, ...]) -> None:
    """Decision 4: a weights object is complete, each weight a fraction, summing to exactly 1."""
    for key in keys:
        if key not in weights:
            errors.add(
                f"{name}.{key}",
                f"{name}.{key} is missing: a weights object replaces the default whole, so it must be complete",
            )
    for key, weight in weights.items():
        if key not in keys:
            errors.add(f"{name}.{key}", f"{name} has an unknown key {key}")
        _check_fraction(errors, f"{name}.{key}", weight)
    if not weights_sum_to_one(weights.values()):
        errors.add(
            name,
            f"{name} must sum to exactly 1; they sum to {_exact(exact_sum(weights.values()))}",
        )


def _check_fraction(errors: FieldErrors, name: str, value: Decimal) -> None:
    if not is_fraction(value):
        errors.add(name, f"{name} must lie between 0 and 1 (got {value})")


def _check_not_negative(errors: FieldErrors, name: str, value: Decimal | int) -> None:
    if value < 0:
        errors.add(name, f"{name} must not be negative (got {value})")


def _exact(value: Fraction) -> str:
    return decimal_string(value, places=EXACT_PLACES)
