"""Registry services: validation naming the field, nothing changed on failure, history, concurrency, outbox."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from alfadmin import services
from alfadmin.kernel.errors import ConcurrentEditError
from alfadmin.models import BudgetYear, ResearchShare, ShareTable, StudentCount
from allocations.models import RecomputeRequest

SHARES = {"STH": "30", "UPP": "12", "OST": "9", "SKA": "17.5", "VGR": "17.5", "ORE": "5", "VBN": "9"}


@pytest.fixture
def table(registry_demo):
    return ShareTable.objects.get(kind="in_force")


def _percents(table):
    return {s.region.code: s.percent for s in table.shares.select_related("region")}


def test_shares_summing_to_99_9_are_rejected_and_nothing_changes(table, role_users):
    before = _percents(table)
    with pytest.raises(ValidationError) as error:
        services.share_table_update(actor=role_users["admin"], table=table, expected_version=table.version, percents={**SHARES, "VGR": "17.4"}, reason="changed in a test")
    assert "shares" in error.value.message_dict
    assert "99.9" in error.value.message_dict["shares"][0]
    table.refresh_from_db()
    assert _percents(table) == before


@pytest.mark.parametrize(
    ("percents", "field"),
    [
        ({**SHARES, "XXX": "1"}, "shares.XXX"),
        ({**SHARES, "STH": "tretti"}, "shares.STH"),
        ({**SHARES, "STH": "-30"}, "shares.STH"),
        ({k: v for k, v in SHARES.items() if k != "ORE"}, "shares.ORE"),
    ],
    ids=["unknown region", "not a number", "negative", "missing region"],
)
def test_bad_share_input_names_the_field(table, role_users, percents, field):
    with pytest.raises(ValidationError) as error:
        services.share_table_update(actor=role_users["admin"], table=table, expected_version=table.version, percents=percents, reason="changed in a test")
    assert field in error.value.message_dict


def test_share_update_saves_exact_percentages_with_history_and_outbox(table, role_users):
    new = {**SHARES, "STH": "29.9999", "ORE": "5.0001"}
    updated = services.share_table_update(actor=role_users["admin"], table=table, expected_version=table.version, percents=new, reason="changed in a test")
    assert updated.version == table.version + 1
    assert _percents(updated)["STH"] == Decimal("29.9999")
    record = ResearchShare.history.filter(region__code="STH", table=table).first()
    assert record.history_user == role_users["admin"]
    assert record.prev_record.percent == Decimal("30.0000")
    assert set(RecomputeRequest.objects.values_list("year", flat=True)) == set(BudgetYear.objects.values_list("year", flat=True))


def test_stale_version_is_detected_not_overwritten(registry_demo, role_users):
    year = BudgetYear.objects.get(year=2024)
    services.budget_year_update(actor=role_users["admin"], budget_year=year, expected_version=year.version, data={"research_appropriation": 2_021_000_000}, reason="changed in a test")
    with pytest.raises(ConcurrentEditError) as error:
        services.budget_year_update(actor=role_users["admin"], budget_year=year, expected_version=year.version, data={"research_appropriation": 1}, reason="changed in a test")
    assert error.value.current_version == year.version + 1
    assert "research_appropriation" in error.value.changed
    year.refresh_from_db()
    assert year.research_appropriation == 2_021_000_000


def test_budget_year_history_records_who_and_before_after(registry_demo, role_users):
    year = BudgetYear.objects.get(year=2025)
    services.budget_year_update(actor=role_users["admin"], budget_year=year, expected_version=year.version, data={"research_appropriation": 2_000_000_000}, reason="changed in a test")
    latest = year.history.first()
    assert latest.history_user == role_users["admin"]
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(latest.prev_record).changes}
    assert changes["research_appropriation"] == (2_050_300_000, 2_000_000_000)


def test_invalid_budget_year_update_changes_nothing(registry_demo, role_users):
    year = BudgetYear.objects.get(year=2024)
    with pytest.raises(ValidationError) as error:
        services.budget_year_update(actor=role_users["admin"], budget_year=year, expected_version=year.version, data={"research_appropriation": -5}, reason="changed in a test")
    assert "research_appropriation" in error.value.message_dict
    fresh = BudgetYear.objects.get(year=2024)
    assert (fresh.research_appropriation, fresh.version) == (2_020_000_000, year.version)
    assert not RecomputeRequest.objects.filter(year=2024).exists()


def test_plo_change_recomputes_that_year_and_every_later_one(registry_demo, role_users):
    year = BudgetYear.objects.get(year=2029)
    RecomputeRequest.objects.all().delete()
    services.budget_year_update(actor=role_users["admin"], budget_year=year, expected_version=year.version, data={"plo_rate": Decimal("0.02")}, reason="changed in a test")
    assert sorted(RecomputeRequest.objects.values_list("year", flat=True)) == [2029, 2030, 2031]


def test_only_planned_students_trigger_a_recompute(registry_demo, role_users):
    count = StudentCount.objects.get(region__code="ORE", year=2024)
    RecomputeRequest.objects.all().delete()
    count = services.student_count_update(actor=role_users["admin"], student_count=count, expected_version=count.version, data={"actual_hst": Decimal("800")}, reason="changed in a test")
    assert not RecomputeRequest.objects.exists()
    services.student_count_update(actor=role_users["admin"], student_count=count, expected_version=count.version, data={"planned_hst": Decimal("500")}, reason="changed in a test")
    assert list(RecomputeRequest.objects.values_list("year", flat=True)) == [2024]


def test_duplicate_student_row_is_rejected_naming_the_fields(registry_demo, role_users):
    count = StudentCount.objects.get(region__code="STH", year=2024)
    with pytest.raises(ValidationError) as error:
        services.student_count_create(actor=role_users["admin"], data={"region": count.region, "year": 2024, "planned_hst": Decimal("1")})
    assert list(error.value.message_dict) == ["__all__"]
