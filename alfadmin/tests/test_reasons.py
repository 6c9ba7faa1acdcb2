"""A change to a money input needs a reason, on the page and in the API alike (the kernel decides);
with one, the reason is in the history and in the change log."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from alfadmin import services
from alfadmin.kernel.changelog import ChangeFilter, change_page
from alfadmin.kernel.writes import SYSTEM
from alfadmin.models import AgreementPeriod, BudgetYear, ResearchShare, ShareTable, StudentCount


@pytest.fixture
def admin_client(client, role_users):
    client.force_login(role_users["admin"])
    return client


@pytest.fixture
def admin_api(api_client, role_users):
    api_client.force_authenticate(role_users["admin"])
    return api_client


def _year_form(year, **changes):
    form = {
        "year": year.year,
        "period": year.period_id,
        "research_appropriation": year.research_appropriation,
        "education_basis": year.education_basis,
        "education_appropriation": year.education_appropriation or "",
        "rate_per_hst": year.rate_per_hst or "",
        "plo_rate": year.plo_rate,
        "base_fraction": year.base_fraction or "",
        "source": year.source,
        "version": year.version,
    }
    return {**form, **changes}


def _count_form(count, **changes):
    form = {
        "region": count.region_id,
        "year": count.year,
        "planned_hst": count.planned_hst,
        "actual_hst": count.actual_hst or "",
        "source": count.source,
        "version": count.version,
    }
    return {**form, **changes}


def _share_form(table, **changes):
    form = {f"shares.{s.region.code}": s.percent for s in table.shares.select_related("region")}
    form["version"] = table.version
    return {**form, **changes}


def _moved_shares(table):
    shares = {s.region.code: s.percent for s in table.shares.select_related("region")}
    first, second = sorted(shares)[:2]
    return {f"shares.{first}": shares[first] + Decimal("0.5"), f"shares.{second}": shares[second] - Decimal("0.5")}


def _period_form(period, **changes):
    from alfadmin.forms import AgreementPeriodForm

    form = AgreementPeriodForm(instance=period)
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    return {**data, **changes}


def test_page_refuses_an_appropriation_change_without_a_reason(admin_client):
    year = BudgetYear.objects.get(year=2031)
    response = admin_client.post("/data/years/2031/edit/", _year_form(year, research_appropriation=year.research_appropriation + 1))
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert 'id="id_reason_errors"' in response.content.decode()
    assert BudgetYear.objects.get(year=2031).research_appropriation == year.research_appropriation


def test_page_stores_the_reason_and_the_log_shows_it(admin_client):
    year = BudgetYear.objects.get(year=2031)
    form = _year_form(year, research_appropriation=year.research_appropriation + 1, reason="Ändringsbudget 2031")
    assert admin_client.post("/data/years/2031/edit/", form).status_code == 302
    assert BudgetYear.history.filter(year=2031).first().history_change_reason == "Ändringsbudget 2031"
    assert "Ändringsbudget 2031" in admin_client.get("/data/changes/?model=alfadmin.budgetyear").content.decode()


def test_a_change_of_no_input_needs_no_reason(admin_client):
    year = BudgetYear.objects.get(year=2031)
    other = "illustrative" if year.source != "illustrative" else "entered"
    assert admin_client.post("/data/years/2031/edit/", _year_form(year, source=other)).status_code == 302


def test_page_refuses_a_student_change_without_a_reason(admin_client):
    count = StudentCount.objects.get(region__code="STH", year=2030)
    response = admin_client.post(f"/data/students/{count.pk}/edit/", _count_form(count, planned_hst=count.planned_hst + 1))
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert StudentCount.objects.get(pk=count.pk).planned_hst == count.planned_hst
    form = _count_form(count, planned_hst=count.planned_hst + 1, reason="Corrected count")
    assert admin_client.post(f"/data/students/{count.pk}/edit/", form).status_code == 302
    assert count.history.first().history_change_reason == "Corrected count"


def test_page_refuses_a_share_change_without_a_reason(admin_client):
    table = ShareTable.objects.get(kind="in_force")
    before = {s.pk: s.percent for s in ResearchShare.objects.filter(table=table)}
    response = admin_client.post("/data/shares/in_force/edit/", _share_form(table, **_moved_shares(table)))
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert {s.pk: s.percent for s in ResearchShare.objects.filter(table=table)} == before
    form = _share_form(table, **_moved_shares(table), reason="New agreement")
    assert admin_client.post("/data/shares/in_force/edit/", form).status_code == 302
    assert "New agreement" in {s.history_change_reason for s in ResearchShare.history.filter(table_id=table.pk)}


def test_page_refuses_a_parameter_change_without_a_reason(admin_client):
    period = AgreementPeriod.objects.order_by("start_year").first()
    data = _period_form(period, cap=(period.cap or Decimal("0.05")) + Decimal("0.01"))
    response = admin_client.post(f"/data/periods/{period.pk}/edit/", data)
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert AgreementPeriod.objects.get(pk=period.pk).cap == period.cap
    assert admin_client.post(f"/data/periods/{period.pk}/edit/", {**data, "reason": "Cap agreed"}).status_code == 302
    assert period.history.first().history_change_reason == "Cap agreed"


@pytest.mark.parametrize(
    ("url", "payload", "check"),
    [
        ("/api/v1/appropriations/2031/", {"plo_rate": "0.025"}, lambda: BudgetYear.objects.get(year=2031).plo_rate),
        ("students", {"planned_hst": "1234"}, lambda: StudentCount.objects.get(region__code="STH", year=2030).planned_hst),
        ("/api/v1/regions/STH/", {"is_active": False}, None),
    ],
)
def test_api_refuses_an_input_change_without_a_reason_and_keeps_it_with_one(admin_api, url, payload, check):
    if url == "students":
        url = f"/api/v1/students/{StudentCount.objects.get(region__code='STH', year=2030).pk}/"
    before = check() if check else None
    response = admin_api.patch(url, payload, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    if check:
        assert check() == before
    response = admin_api.patch(url, {**payload, "reason": "Per the budget bill"}, format="json")
    assert response.status_code == 200
    assert "reason" not in response.json()  # write-only
    newest = change_page(user=response.wsgi_request.user, flt=ChangeFilter()).object_list[0]
    assert newest.reason == "Per the budget bill"


def test_system_writes_and_new_rows_need_no_reason(role_users):
    year = BudgetYear.objects.get(year=2031)
    services.budget_year_update(actor=SYSTEM, budget_year=year, expected_version=None, data={"plo_rate": Decimal("0.03")})
    with pytest.raises(ValidationError) as refused:
        services.budget_year_update(actor=role_users["admin"], budget_year=year, expected_version=None, data={"plo_rate": Decimal("0.04")})
    assert "reason" in refused.value.message_dict
    assert BudgetYear.objects.get(year=2031).plo_rate == Decimal("0.03")
