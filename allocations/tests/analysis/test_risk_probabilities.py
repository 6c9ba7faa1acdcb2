"""The rule for rating-risk probabilities is one rule: the risk page's form, the API's body and
the engine accept and refuse the same chances, to the last digit of the tolerance."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from alfrules.risk import PROBABILITY_TOLERANCE, SCALE, draw_ratings, probabilities_scaled_to_one
from allocations.api.analysis import RiskBody
from allocations.forms import RATING_CODES, RiskForm

REGION = "AAA"
OTHER_PANELS = {"2": ("0.5", "0.25", "0.25"), "3": ("0", "1", "0")}


def form_accepts(chances: tuple[str, str, str]) -> bool:
    """The risk page: typed as text, read as four-decimal Decimals."""
    data: dict[str, str] = {"year": "2026"}
    for panel, row in {"1": chances, **OTHER_PANELS}.items():
        for rating, chance in zip(RATING_CODES, row, strict=True):
            data[RiskForm.probability_name(REGION, int(panel), rating)] = chance
    form = RiskForm(data, regions=[REGION])
    assert form.is_valid() or set(form.errors) == {RiskForm.probability_name(REGION, 1, RATING_CODES[0])}, form.errors
    return form.is_valid()


def api_accepts(chances: tuple[str, str, str]) -> bool:
    """The API: the same digits as JSON numbers, which a JSON parser reads as float(digits)."""
    rows = {"1": chances, **OTHER_PANELS}
    panels = {panel: {rating: float(chance) for rating, chance in zip(RATING_CODES, row, strict=True)} for panel, row in rows.items()}
    body = RiskBody(data={"year": 2026, "probabilities": {REGION: panels}})
    valid = body.is_valid()
    assert valid or set(body.errors) == {"probabilities"}, body.errors
    return valid


def engine_accepts(chances: tuple[str, str, str]) -> bool:
    """The engine: floats, as year_risk hands them on."""
    probabilities = {REGION: {1: dict(zip(SCALE, map(float, chances), strict=True)), 2: {SCALE[1]: 1.0}, 3: {SCALE[1]: 1.0}}}
    try:
        draw_ratings(probabilities, [REGION], 1, np.random.default_rng(0))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("chances", "accepted"),
    [
        (("0.3335", "0.3335", "0.3335"), True),  # 1.0005: exactly the tolerance above 1
        (("0.3336", "0.3335", "0.3335"), False),  # 1.0006
        (("0.3332", "0.3332", "0.3331"), True),  # 0.9995: exactly the tolerance below 1
        (("0.3332", "0.3332", "0.3330"), False),  # 0.9994
        (("0.1429", "0.7143", "0.1429"), True),  # 1/7, 5/7, 1/7 as the page shows them
        (("0.5", "0.5", "0.5"), False),
    ],
)
def test_form_api_and_engine_agree_on_the_boundary(chances: tuple[str, str, str], accepted: bool) -> None:
    assert PROBABILITY_TOLERANCE == Decimal("0.0005")
    assert (form_accepts(chances), api_accepts(chances), engine_accepts(chances)) == (accepted, accepted, accepted)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000), st.integers(min_value=-10, max_value=10))
def test_form_api_and_engine_agree_near_the_boundary(first: int, second: int, off: int) -> None:
    # Chances in ten-thousandths summing to 1 + off / 10 000: accepted exactly when |off| <= 5.
    third = 10_000 - first - second + off
    assume(0 <= third <= 10_000)
    chances = (str(Decimal(first) / 10_000), str(Decimal(second) / 10_000), str(Decimal(third) / 10_000))
    answers = (form_accepts(chances), api_accepts(chances), engine_accepts(chances))
    assert answers == ((abs(off) <= 5),) * 3, chances


def test_the_api_scales_accepted_chances_as_the_page_does() -> None:
    chances = {"good_high": 0.3335, "very_high": 0.6670}  # 1.0005
    body = RiskBody(data={"year": 2026, "probabilities": {REGION: dict.fromkeys(("1", "2", "3"), chances)}})
    assert body.is_valid(), body.errors
    scaled = body.validated_data["probabilities"][REGION][1]
    assert list(scaled.values()) == probabilities_scaled_to_one([Decimal("0.3335"), Decimal("0.6670")])
    assert sum(scaled.values()) == pytest.approx(1, abs=1e-15)
