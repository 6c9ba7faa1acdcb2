"""The fast path: without the trace, the same amounts and notes, and no steps."""

from __future__ import annotations

from hypothesis import given, settings

from alfrules import compute_scenario, compute_year, parse_scenario

from .strategies import scenarios


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_without_trace_every_other_key_of_the_output_is_the_same(scenario: dict[str, object]) -> None:
    with_trace = compute_scenario(scenario)
    without = compute_scenario(scenario, trace=False)

    assert "trace" not in without
    assert with_trace.pop("trace")  # every allocation has at least its rounding step
    assert without == with_trace


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_a_year_without_trace_records_no_steps_and_the_same_lines(scenario: dict[str, object]) -> None:
    parsed = parse_scenario(scenario)
    with_trace = compute_year(parsed)
    without = compute_year(parsed, trace=False)

    for fast, full in ((without.education, with_trace.education), (without.research, with_trace.research)):
        assert (fast is None) == (full is None)
        if fast is not None and full is not None:
            assert fast.trace == ()
            assert fast.regions == full.regions
    if without.research is not None and with_trace.research is not None:
        assert without.research.notes == with_trace.research.notes
        assert without.research.undistributed == with_trace.research.undistributed
    assert without.region_totals() == with_trace.region_totals()
