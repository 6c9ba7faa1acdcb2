"""Every built-in rule fires with an error (or warning) naming its fields; rules as data work."""

import pytest

from reporting import services
from reporting.models import ValidationRule

from .conftest import fill
from .factories import RuleFactory

pytestmark = pytest.mark.django_db


def findings(report):
    outcome = services.report_check(report)
    return outcome, {f.rule: f for f in outcome.errors}, {f.rule: f for f in outcome.warnings}


def test_valid_report_has_no_findings(sth_report, people):
    report = fill(sth_report, people["sth"])
    outcome, errors, warnings = findings(report)
    assert errors == {} and warnings == {} and outcome.type_errors == {}


@pytest.mark.parametrize("code", ["education_personnel", "research_other", "enrolled_hst", "doctoral_degrees", "primary_care_share_pct"])
def test_rule_1_non_negative(sth_report, people, code):
    report = fill(sth_report, people["sth"], **{code: "-1"})
    _, errors, _ = findings(report)
    rule = errors[f"non-negative-{code}".replace("_", "-")]
    assert rule.fields == [code]


def test_rule_1_percent_at_most_100(sth_report, people):
    report = fill(sth_report, people["sth"], physicians_phd_share_pct="101")
    _, errors, _ = findings(report)
    assert errors["at-most-100-physicians-phd-share-pct"].fields == ["physicians_phd_share_pct"]


@pytest.mark.parametrize("parts", [("79", "0", "20"), ("70", "0", ""), ("50", "50", "1")])
def test_rule_2_distribution_sums_to_100(sth_report, people, parts):
    report = fill(
        sth_report, people["sth"], research_open_calls_pct=parts[0], research_indicators_pct=parts[1], research_strategic_pct=parts[2]
    )
    _, errors, _ = findings(report)
    assert errors["distribution-sums-to-100"].fields == ["research_open_calls_pct", "research_indicators_pct", "research_strategic_pct"]


def test_rule_3_carry_over_at_most_surplus(sth_report, people):
    # Education: 1000 − 900 = 100 surplus; research: 2000 − 2000 = 0.
    ok = fill(sth_report, people["sth"], education_personnel="600", carry_over_requested="100", carry_over_justification="Plan")
    assert "carry-over-at-most-surplus" not in findings(ok)[1]
    too_much = services.report_update(report=ok, values={"carry_over_requested": "101"}, expected_version=ok.version, actor=people["sth"])
    _, errors, _ = findings(too_much)
    assert errors["carry-over-at-most-surplus"].fields == ["carry_over_requested"]


def test_rule_4_justification_required(sth_report, people):
    report = fill(sth_report, people["sth"], education_personnel="600", carry_over_requested="50")
    _, errors, _ = findings(report)
    assert errors["carry-over-justified"].fields == ["carry_over_justification"]


def test_rule_5_costs_close_to_received_is_a_warning_needing_a_comment(sth_report, people):
    report = fill(sth_report, people["sth"], research_personnel="1000")  # costs 1600 of 2000 received
    outcome, errors, warnings = findings(report)
    assert errors == {}
    assert warnings["research-close-to-received"].fields == ["research_personnel", "research_premises", "research_other"]
    with pytest.raises(services.SubmissionRefused):
        services.report_submit(report=report, actor=people["sth"])
    comments = {c: "Delayed hiring" for c in warnings["research-close-to-received"].fields}
    report = services.report_update(report=report, values={}, comments=comments, expected_version=report.version, actor=people["sth"])
    assert services.report_submit(report=report, actor=people["sth"]).state == "submitted"


def test_rule_6_enrolled_vs_planned(sth_report, people):
    report = fill(sth_report, people["sth"], enrolled_hst="111")
    _, _, warnings = findings(report)
    assert warnings["enrolled-close-to-planned"].fields == ["enrolled_hst"]
    report = services.report_update(report=report, values={"enrolled_hst": "110"}, expected_version=report.version, actor=people["sth"])
    assert "enrolled-close-to-planned" not in findings(report)[2]


def test_a_rule_added_as_data_takes_effect(sth_report, people):
    report = fill(sth_report, people["sth"], doctoral_degrees="30")
    assert findings(report)[1] == {}
    services.rule_create(
        data={
            "name": "degrees-vs-students",
            "left": "doctoral_degrees",
            "operator": "<=",
            "right": "enrolled_hst / 10",
            "severity": "error",
            "message": "Too many degrees for the students.",
            "fields": ["doctoral_degrees"],
        },
        actor=people["admin"],
    )
    _, errors, _ = findings(report)
    assert errors["degrees-vs-students"].fields == ["doctoral_degrees"]
    assert errors["degrees-vs-students"].message == "Too many degrees for the students."


def test_a_rule_for_a_field_the_form_lacks_is_skipped(sth_report, people):
    RuleFactory(name="other-year", left="no_such_field", operator="=", right="1")
    report = fill(sth_report, people["sth"])
    assert "other-year" not in findings(report)[1]


def test_a_broken_rule_cannot_be_saved(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        services.rule_create(
            data={"name": "bad", "left": "__import__('os')", "operator": "=", "right": "1", "message": "x"}, actor=people["admin"]
        )
    assert "left" in raised.value.message_dict
    assert not ValidationRule.objects.filter(name="bad").exists()
