"""The rules of the allocation, each in one pure function that every layer calls.

The engine checks its inputs with these; the registry (alfadmin) and the evaluations call the
same functions for their forms, admin, services and API, so a rule is written once. Each
function cites the paragraph of the allocation rules it applies. No Django, no I/O: the
Django side turns a False into its own translated message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Final

from .exact import exact_sum

SHARE_TOTAL: Final = 100
"""Shares are percentages that sum to exactly this (§5, "summing to exactly 100 %")."""

WEIGHT_TOTAL: Final = 1
"""Panel weights (§5.2) and increment weights (§6.5) are fractions that sum to exactly this."""

DEFAULT_MIN_VERY_HIGH: Final = 1
DEFAULT_MAX_VERY_HIGH: Final = 3
"""§5.3: "the model requires 1–3 such regions per panel" (defaults; stored with the period, §5.5)."""

INADEQUATE: Final = "inadequate"
"""The rating that forfeits a panel's money (§5.3) and the Ds 2024 quality amount (§6.4)."""

RESEARCH_LINES: Final[Mapping[str, tuple[str, ...]]] = {
    # §5.3: a base amount and one line per panel; §6.7: base, quality kept or forfeited, the
    # two increments. "total" last; every page, export and API lists lines in this order.
    "alf2015": ("base", "panel_1", "panel_2", "panel_3", "total"),
    "ds2024": ("base", "quality", "quality_forfeited", "increment_hst", "increment_citations", "total"),
}
"""The research lines of a region's allocation under each model: the engine's one list."""

GUNS_LINES: Final[tuple[str, ...]] = ("set_aside", "forfeited", "total")
"""§6.1 and §6.7: GUNS' pot under Ds 2024."""


def shares_sum_to_hundred(shares: Iterable[Decimal | int | Fraction]) -> bool:
    """§5 (inputs) and §6.3: the base shares of the regions sum to exactly 100 %."""
    return exact_sum(shares) == SHARE_TOTAL


def is_fraction(value: Decimal | int | Fraction) -> bool:
    """A weight, guarantee, cap or base fraction lies between 0 and 1 (§5.5, §6.5)."""
    return 0 <= value <= 1


def weights_sum_to_one(weights: Iterable[Decimal | int | Fraction]) -> bool:
    """§5.2 (panel weights 50/25/25) and §6.5 (increment weights ½/½): they sum to exactly 1."""
    return exact_sum(weights) == WEIGHT_TOTAL


def guarantees_fit(*, guarantee: Decimal | Fraction, base_fraction: Decimal | Fraction) -> bool:
    """§5.4: the guarantees must fit in the quality pot whatever the ratings are:
    ``guarantee × base_fraction ≤ 1 − base_fraction``."""
    base = Fraction(base_fraction)
    return Fraction(guarantee) * base <= 1 - base


def very_high_count_allowed(count: int, *, min_very_high: int | None, max_very_high: int | None) -> bool:
    """§5.3 and §5.4: under ALF 2015 a panel has ``min``–``max`` regions rated very high.

    The engine rejects only more than ``max`` (0 is computed, with a warning: §5.4) and so
    passes ``min_very_high=None``; a round is not finalized outside ``min``–``max``. None for
    both means unlimited (the Ds 2024 model has no bound: §6.4).
    """
    if min_very_high is not None and count < min_very_high:
        return False
    return max_very_high is None or count <= max_very_high


def findings_all_yes(findings: Iterable[bool | None]) -> bool:
    """§6.4, first condition: all three yes/no findings of the round are yes (unanswered is no)."""
    return all(finding is True for finding in findings)


def keeps_quality_amount(*, findings_ok: bool, ratings: Iterable[str]) -> bool:
    """§6.4, the Ds 2024 quality condition: a region keeps its quality amount iff its three
    findings are yes (``findings_ok``, see ``findings_all_yes``) and it is rated at least
    good–high, that is not inadequate, in every panel."""
    return findings_ok and all(rating != INADEQUATE for rating in ratings)
