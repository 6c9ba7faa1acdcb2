"""Price levels (docs/allocation-rules.md §3, §6.2): PLO conversions, exact, rounded only where the
rules round, with every missing year named."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alfrules.indexation import BeforeBaseYear, MissingPlo, plo_factor, plo_rate_per_hst, reference_level_in

PLO_RATES = st.decimals(min_value=Decimal("-0.5"), max_value=Decimal("0.5"), places=5)
YEARS = st.integers(min_value=2000, max_value=2040)
RATES_2000_2040 = st.lists(PLO_RATES, min_size=41, max_size=41)


def plo_for(years: range, rate: str) -> dict[int, Decimal]:
    return dict.fromkeys(years, Decimal(rate))


def test_the_rate_is_the_base_rate_times_every_later_years_factor() -> None:
    # 70 000 kr in 2023 prices, 1.5 % PLO in 2024, 2025 and 2026: 70 000 × 1.015³ = 73 197.48625.
    rate = plo_rate_per_hst(base_rate=Decimal("70000"), base_year=2023, year=2026, plo=plo_for(range(2024, 2027), "0.015"))
    assert rate == Decimal("73197.48625")


def test_the_base_years_own_rate_needs_no_plo() -> None:
    assert plo_rate_per_hst(base_rate=Decimal("73007.50"), base_year=2015, year=2015, plo={}) == Decimal("73007.50")


def test_plo_products_beyond_28_digits_stay_exact() -> None:
    plo = plo_for(range(2016, 2032), "0.015")
    rate = plo_rate_per_hst(base_rate=Decimal("73007"), base_year=2015, year=2031, plo=plo)
    assert Fraction(rate) == Fraction(73007) * Fraction(1015, 1000) ** 16
    assert len(format(rate, "f").rstrip("0").replace(".", "")) > 28


def test_a_rate_before_its_base_year_is_not_guessed() -> None:
    with pytest.raises(BeforeBaseYear) as raised:
        plo_rate_per_hst(base_rate=Decimal("70000"), base_year=2015, year=2014, plo=plo_for(range(2000, 2030), "0.01"))
    assert (raised.value.year, raised.value.base_year) == (2014, 2015)


def test_missing_plo_names_every_missing_year() -> None:
    plo = {2016: Decimal("0.01"), 2018: Decimal("0.01")}
    with pytest.raises(MissingPlo) as raised:
        plo_rate_per_hst(base_rate=Decimal("70000"), base_year=2015, year=2020, plo=plo)
    assert raised.value.years == (2017, 2019, 2020)


def test_a_rate_of_minus_100_percent_or_less_is_refused() -> None:
    with pytest.raises(ValueError, match="above -1"):
        plo_factor({2025: Decimal("-1")}, first=2025, last=2025)


def test_reference_level_for_a_later_year_multiplies_then_rounds_half_up() -> None:
    plo = plo_for(range(2025, 2027), "0.015")
    # 1 000 000 000 × 1.015² = 1 030 225 000 exactly
    assert reference_level_in(level=1_000_000_000, reference_year=2024, year=2026, plo=plo) == 1_030_225_000
    assert reference_level_in(level=1_000_000_000, reference_year=2024, year=2024, plo={}) == 1_000_000_000


def test_reference_level_for_an_earlier_year_divides_exactly_then_rounds_half_up() -> None:
    plo = {2024: Decimal("0.015")}
    # 1 000 000 000 / 1.015 = 985 221 674.876… → 985 221 675
    assert reference_level_in(level=1_000_000_000, reference_year=2024, year=2023, plo=plo) == 985_221_675
    assert reference_level_in(level=203, reference_year=2024, year=2023, plo=plo) == 200  # exactly 200
    # Half a krona rounds up, both ways: 1 / 0.4 = 2.5 → 3 and 1 × 1.5 = 1.5 → 2
    assert reference_level_in(level=1, reference_year=2024, year=2023, plo={2024: Decimal("-0.6")}) == 3
    assert reference_level_in(level=1, reference_year=2024, year=2025, plo={2025: Decimal("0.5")}) == 2


def test_reference_level_names_the_missing_years_in_either_direction() -> None:
    with pytest.raises(MissingPlo) as later:
        reference_level_in(level=1, reference_year=2024, year=2027, plo={2025: Decimal(0)})
    with pytest.raises(MissingPlo) as earlier:
        reference_level_in(level=1, reference_year=2024, year=2021, plo={2023: Decimal(0)})
    assert later.value.years == (2026, 2027)
    assert earlier.value.years == (2022, 2024)


@given(first=YEARS, middle=YEARS, last=YEARS, rates=RATES_2000_2040)
def test_conversions_compose_and_invert_exactly(first: int, middle: int, last: int, rates: list[Decimal]) -> None:
    first, middle, last = sorted((first, middle, last))
    plo = dict(zip(range(2000, 2041), rates, strict=True))
    # Converting in two steps is converting in one, and an amount converted back is the amount.
    # (Fractions: a Decimal product outside the rules would round at 28 digits.)
    whole = Fraction(plo_factor(plo, first=first + 1, last=last))
    assert whole == Fraction(plo_factor(plo, first=first + 1, last=middle)) * Fraction(plo_factor(plo, first=middle + 1, last=last))
    there = plo_rate_per_hst(base_rate=Decimal(1_000_000_000), base_year=first, year=last, plo=plo)
    assert Fraction(there) / whole == 1_000_000_000


@given(level=st.integers(min_value=0, max_value=10**12), reference_year=YEARS, year=YEARS, rates=RATES_2000_2040)
def test_the_reference_level_is_within_half_a_krona_of_the_exact_conversion(
    level: int, reference_year: int, year: int, rates: list[Decimal]
) -> None:
    plo = dict(zip(range(2000, 2041), rates, strict=True))
    if year >= reference_year:
        exact = level * Fraction(plo_factor(plo, first=reference_year + 1, last=year))
    else:
        exact = level / Fraction(plo_factor(plo, first=year + 1, last=reference_year))
    converted = reference_level_in(level=level, reference_year=reference_year, year=year, plo=plo)
    assert -Fraction(1, 2) < converted - exact <= Fraction(1, 2)
