"""Report values stored typed, bad numbers refused naming the field on every path, what an empty
number means per field, the cost warning with an empty cost, and rules naming unknown codes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reporting import services
from reporting.definitions import REQUIRED_2024
from reporting.models import FormField, ReportValue, ValidationRule

from .conftest import fill

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/"


def row(report, code):
    return ReportValue.objects.get(report=report, code=code)


def test_values_are_stored_typed(people, sth_report):
    report = services.report_update(
        report=sth_report,
        values={
            "education_personnel": "33 000 000",
            "research_open_calls_pct": "12,5",
            "enrolled_hst": "1\u00a0234,75",
            "use_narrative": "Text",
        },
        expected_version=sth_report.version,
        actor=people["sth"],
    )
    personnel, share, hst, narrative = (
        row(report, c) for c in ("education_personnel", "research_open_calls_pct", "enrolled_hst", "use_narrative")
    )
    assert (personnel.amount, personnel.number, personnel.text) == (33000000, None, "")
    assert (share.number, share.amount) == (Decimal("12.5"), None)
    assert hst.number == Decimal("1234.75")
    assert (narrative.text, narrative.amount) == ("Text", None)
    assert (personnel.value, share.value) == ("33000000", "12.5")


@pytest.mark.parametrize(
    "code, text",
    [
        ("education_other", "1e400"),
        ("education_other", "1e12"),
        ("education_other", "NaN"),
        ("education_other", "inf"),
        ("education_other", "-Infinity"),
        ("education_other", "1 000 000 000 000 000"),  # 16 digits
        ("education_other", "12,5"),
        ("research_open_calls_pct", "1,23456"),  # five decimals
        ("enrolled_hst", "123456789012345"),  # 15 digits before the comma
        ("doctoral_degrees", "3.5"),
    ],
)
def test_bad_numbers_are_refused_naming_the_field(people, sth_report, code, text):
    with pytest.raises(ValidationError) as raised:
        services.report_update(report=sth_report, values={code: text}, expected_version=sth_report.version, actor=people["sth"])
    assert list(raised.value.message_dict) == [code]
    assert not ReportValue.objects.filter(report=sth_report, code=code).exists()


def test_the_largest_numbers_are_stored(people, sth_report):
    report = services.report_update(
        report=sth_report,
        values={"education_other": "999 999 999 999 999", "enrolled_hst": "99999999999999,9999"},
        expected_version=sth_report.version,
        actor=people["sth"],
    )
    assert row(report, "education_other").amount == 999_999_999_999_999
    assert row(report, "enrolled_hst").number == Decimal("99999999999999.9999")


def test_page_refuses_a_bad_number_naming_the_field_and_keeps_the_input(client, people, sth_report):
    client.force_login(people["sth"])
    response = client.post(
        reverse("reporting:report", args=[sth_report.pk]),
        {"version": sth_report.version, "value-education_other": "1e400", "value-doctoral_degrees": "4"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'name="value-education_other" value="1e400"' in body
    assert 'name="value-doctoral_degrees" value="4"' in body
    assert "Utbildning: övriga kostnader" in body
    assert not ReportValue.objects.filter(report=sth_report, code__in=["education_other", "doctoral_degrees"]).exists()


def test_api_accepts_numbers_and_swedish_text_and_returns_numbers(api_client, people, sth_report):
    api_client.force_authenticate(people["sth"])
    response = api_client.patch(
        f"{URL}{sth_report.pk}/",
        {
            "values": {
                "education_personnel": "33 000 000",
                "education_premises": 1200,
                "research_open_calls_pct": 12.5,
                "research_indicators_pct": "12,5",
            },
            "version": sth_report.version,
        },
        format="json",
    )
    assert response.status_code == 200
    values = response.json()["values"]
    assert (values["education_personnel"], values["education_premises"]) == (33000000, 1200)
    assert (values["research_open_calls_pct"], values["research_indicators_pct"]) == (12.5, 12.5)
    assert values["doctoral_degrees"] is None
    assert values["repayment_due"] is None


@pytest.mark.parametrize("sent", ["1e400", "NaN", 1e300, True, {"a": 1}])
def test_api_refuses_bad_numbers_naming_the_field(api_client, people, sth_report, sent):
    api_client.force_authenticate(people["sth"])
    response = api_client.patch(
        f"{URL}{sth_report.pk}/", {"values": {"education_other": sent}, "version": sth_report.version}, format="json"
    )
    assert response.status_code == 400
    assert "education_other" in str(response.json())
    assert not ReportValue.objects.filter(report=sth_report, code="education_other").exists()


def test_each_seeded_field_says_what_empty_means():
    fields = {f.code: f for f in FormField.objects.filter(definition__year=2024)}
    assert {code for code, f in fields.items() if f.required} == set(REQUIRED_2024)
    assert not any(fields[code].required for code in ("carry_over_requested", "education_own_funding", "scb_rd_alf", "planned_hst"))


def test_a_required_field_left_empty_blocks_submission_and_an_optional_one_counts_as_zero(people, sth_report):
    report = fill(sth_report, people["sth"], doctoral_degrees="")
    with pytest.raises(services.SubmissionRefused) as raised:
        services.report_submit(report=report, actor=people["sth"])
    assert [(f.rule, f.fields) for f in raised.value.outcome.errors] == [("required", ["doctoral_degrees"])]
    assert raised.value.outcome.missing == ["doctoral_degrees"]
    report = services.report_update(report=report, values={"doctoral_degrees": "0"}, expected_version=report.version, actor=people["sth"])
    # carry_over_requested, own funding and SCB's figure are empty: 0 in the rules, no error.
    assert services.report_submit(report=report, actor=people["sth"]).state == "submitted"


def test_the_cost_warning_fires_when_a_cost_is_empty(people, sth_report):
    report = fill(sth_report, people["sth"])
    report = services.report_update(
        report=report,
        values={"education_personnel": "", "education_premises": "", "education_other": "1 000 000 000 000"},
        expected_version=report.version,
        actor=people["sth"],
    )
    outcome = services.report_check(report)
    assert "education-close-to-received" in [f.rule for f in outcome.warnings]
    assert [f.fields for f in outcome.errors if f.rule == "required"] == [["education_personnel"], ["education_premises"]]
    with pytest.raises(services.SubmissionRefused):
        services.report_submit(report=report, actor=people["sth"])


def test_a_rule_naming_an_unknown_field_is_refused_when_saved(people):
    with pytest.raises(ValidationError) as raised:
        services.rule_create(
            data={"name": "typo", "left": "educaton_other", "operator": "<=", "right": "100", "severity": "error", "message": "x"},
            actor=people["admin"],
        )
    assert list(raised.value.message_dict) == ["left"]
    assert "educaton_other" in raised.value.message_dict["left"][0]
    rule = ValidationRule.objects.get(name="carry-over-justified")
    with pytest.raises(ValidationError) as raised:
        services.rule_update(rule=rule, data={"fields": ["carry_over_justifcation"]}, expected_version=rule.version, actor=people["admin"])
    assert list(raised.value.message_dict) == ["fields"]
    assert not ValidationRule.objects.filter(name="typo").exists()


def test_the_rule_page_refuses_an_unknown_field_code(client, people):
    client.force_login(people["admin"])
    response = client.post(
        reverse("reporting:rule-new"),
        {"name": "typo", "left": "doctoral_degree", "operator": "<=", "right": "10", "severity": "error", "message": "x", "fields": "[]"},
    )
    assert response.status_code == 400
    assert "doctoral_degree" in str(response.context["form"].errors["left"])
    assert not ValidationRule.objects.filter(name="typo").exists()
