"""The change log: filters, paging, the change page with before/after, per-object history links,
access, constant query counts, both languages."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from alfadmin import services
from alfadmin.kernel.changelog import ChangeFilter, change_page, model_key
from alfadmin.models import BudgetYear, Region, ShareTable, StudentCount

ROLES = ["admin", "guns", "guns2", "vr", "sth", "ore", "viewer"]


@pytest.fixture
def login(client, role_users):
    def as_user(username):
        client.force_login(role_users[username])
        return client

    return as_user


def _change_students(role_users, code="STH", year=2030, planned="2001", reason="New budget bill"):
    count = StudentCount.objects.get(region__code=code, year=year)
    return services.student_count_update(
        actor=role_users["admin"], student_count=count, expected_version=None, data={"planned_hst": Decimal(planned)}, reason=reason
    )


def _keys(page):
    return [(row.key, row.record.id) for row in page.object_list]


def test_newest_first_across_models_with_who_what_action_and_reason(role_users):
    _change_students(role_users, reason="Budget bill 2030")
    year = BudgetYear.objects.get(year=2031)
    services.budget_year_update(
        actor=role_users["admin"], budget_year=year, expected_version=None, data={"plo_rate": Decimal("0.02")}, reason="PLO revised"
    )
    page = change_page(user=role_users["viewer"], flt=ChangeFilter())
    first, second = page.object_list[:2]
    with translation.override("en"):
        assert (first.key, first.label, first.action, first.reason) == ("alfadmin.budgetyear", "2031", "changed", "PLO revised")
    with translation.override("sv"):
        assert first.action == "ändrad"
    assert first.record.history_user == role_users["admin"]
    assert [f.name for f in first.fields] == ["plo_rate"]
    assert first.url == reverse("budget-year-edit", args=[2031])
    assert (second.key, second.label, second.reason) == ("alfadmin.studentcount", "STH 2030", "Budget bill 2030")
    assert [(f.name, f.old, f.new) for f in second.fields] == [("planned_hst", second.previous.planned_hst, Decimal("2001"))]


def test_filter_by_kind_of_object(role_users):
    page = change_page(user=role_users["viewer"], flt=ChangeFilter(model="alfadmin.region"))
    assert page.paginator.count == Region.objects.count()
    assert {row.key for row in page.object_list} == {"alfadmin.region"}


def test_filter_by_region_keeps_only_that_regions_rows(role_users):
    sth = Region.objects.get(code="STH")
    page = change_page(user=role_users["viewer"], flt=ChangeFilter(region_id=sth.pk), per_page=500)
    assert page.object_list
    for row in page.object_list:
        assert (row.record.id if row.key == "alfadmin.region" else row.record.region_id) == sth.pk
    expected = Region.history.filter(id=sth.pk).count() + StudentCount.history.filter(region=sth).count()
    expected += sth.research_shares.model.history.filter(region=sth).count()
    assert page.paginator.count == expected


def test_filter_by_user_and_date_range(role_users):
    _change_students(role_users)
    by_admin = change_page(user=role_users["viewer"], flt=ChangeFilter(user_id=role_users["admin"].pk))
    assert _keys(by_admin) == [("alfadmin.studentcount", StudentCount.objects.get(region__code="STH", year=2030).pk)]
    assert change_page(user=role_users["viewer"], flt=ChangeFilter(user_id=role_users["vr"].pk)).paginator.count == 0
    today = timezone.localdate()
    all_today = change_page(user=role_users["viewer"], flt=ChangeFilter(date_from=today, date_to=today)).paginator.count
    assert all_today == change_page(user=role_users["viewer"], flt=ChangeFilter()).paginator.count > 0
    tomorrow = today + datetime.timedelta(days=1)
    assert change_page(user=role_users["viewer"], flt=ChangeFilter(date_from=tomorrow)).paginator.count == 0
    assert change_page(user=role_users["viewer"], flt=ChangeFilter(date_to=today - datetime.timedelta(days=1))).paginator.count == 0


def test_one_objects_history_includes_its_parts(role_users):
    table = ShareTable.objects.get(kind="in_force")
    page = change_page(user=role_users["viewer"], flt=ChangeFilter(model=model_key(ShareTable), object_id=table.pk), per_page=500)
    kinds = {row.key for row in page.object_list}
    assert kinds == {"alfadmin.sharetable", "alfadmin.researchshare"}
    assert all(row.record.table_id == table.pk for row in page.object_list if row.key == "alfadmin.researchshare")


def test_pages_of_fifty_without_overlap(role_users):
    flt = ChangeFilter()
    first = change_page(user=role_users["viewer"], flt=flt, page=1)
    second = change_page(user=role_users["viewer"], flt=flt, page=2)
    assert first.paginator.count > 50 and len(first.object_list) == 50
    assert not set((r.key, r.record.history_id) for r in first.object_list) & set((r.key, r.record.history_id) for r in second.object_list)
    assert first.object_list[-1].record.history_date >= second.object_list[0].record.history_date


def test_anonymous_sees_nothing(registry_demo):
    from django.contrib.auth.models import AnonymousUser

    assert change_page(user=AnonymousUser(), flt=ChangeFilter()).paginator.count == 0


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_registry_history(login, role):
    response = login(role).get("/data/changes/?model=alfadmin.budgetyear")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == BudgetYear.history.count()


def test_the_page_filters_and_pages(login, role_users):
    _change_students(role_users, reason="Budget bill 2030")
    sth = Region.objects.get(code="STH")
    content = login("viewer").get(f"/data/changes/?region={sth.pk}&user={role_users['admin'].pk}").content.decode()
    assert "Budget bill 2030" in content and "STH 2030" in content
    page2 = login("viewer").get("/data/changes/?model=alfadmin.studentcount&page=2")
    assert page2.status_code == 200 and page2.context["page"].number == 2
    assert "model=alfadmin.studentcount&amp;page=1" in page2.content.decode()


def test_change_page_shows_before_and_after_with_display_values(login, role_users):
    year = BudgetYear.objects.get(year=2031)
    before = year.get_education_basis_display()
    services.budget_year_update(
        actor=role_users["admin"],
        budget_year=year,
        expected_version=None,
        data={"education_basis": "appropriation", "education_appropriation": 1_000_000_000, "plo_rate": Decimal("0.03")},
        reason="Split by students from 2031",
    )
    record = BudgetYear.history.filter(year=2031).first()
    response = login("viewer").get(reverse("change-detail", args=["alfadmin.budgetyear", record.history_id]))
    assert response.status_code == 200
    values = {v.name: (str(v.old), str(v.new)) for v in response.context["detail"].values}
    assert values["education_basis"] == (str(before), str(BudgetYear(education_basis="appropriation").get_education_basis_display()))
    assert Decimal(values["plo_rate"][1]) == Decimal("0.03")
    content = response.content.decode()
    assert "Split by students from 2031" in content and 'data-testid="previous-change"' in content
    assert 'data-testid="next-change"' not in content
    previous = response.context["detail"].previous_id
    earlier = login("viewer").get(reverse("change-detail", args=["alfadmin.budgetyear", previous]))
    assert earlier.context["detail"].next_id == record.history_id


def test_change_page_shows_a_foreign_key_by_name(login, role_users):
    count = StudentCount.objects.get(region__code="STH", year=2030)
    record = count.history.last()  # created
    response = login("viewer").get(reverse("change-detail", args=["alfadmin.studentcount", record.history_id]))
    values = {v.name: v.new for v in response.context["detail"].values}
    assert values["region"] == Region.objects.get(code="STH")
    assert "Region Stockholm" in response.content.decode()


def test_unknown_change_or_model_is_404(login):
    assert login("viewer").get(reverse("change-detail", args=["alfadmin.budgetyear", 999999])).status_code == 404
    assert login("viewer").get(reverse("change-detail", args=["nope.nope", 1])).status_code == 404


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/data/regions/STH/", "alfadmin.region"),
        ("/data/years/", "alfadmin.budgetyear"),
        ("/data/years/2031/edit/", "alfadmin.budgetyear"),
        ("/data/shares/", "alfadmin.sharetable"),
        ("/data/shares/in_force/edit/", "alfadmin.sharetable"),
        ("/data/periods/", "alfadmin.agreementperiod"),
        ("/data/students/", "alfadmin.studentcount"),
    ],
)
def test_object_pages_link_to_their_history(login, url, key):
    content = login("admin").get(url).content.decode()
    assert f"/data/changes/?model={key}" in content


def test_student_edit_page_links_to_its_own_history(login):
    count = StudentCount.objects.get(region__code="STH", year=2030)
    content = login("admin").get(f"/data/students/{count.pk}/edit/").content.decode()
    assert f"/data/changes/?model=alfadmin.studentcount&amp;object={count.pk}" in content


def test_query_count_is_constant_as_changes_grow(login, role_users, django_assert_max_num_queries):
    # The first page then holds the same kinds of object before and after the rows grow: a
    # page costs one count, one union page and two queries per kind of object on it.
    _change_students(role_users, reason="first")
    client = login("viewer")
    with django_assert_max_num_queries(20) as small:
        assert client.get("/data/changes/").status_code == 200
    for n in range(30):
        _change_students(role_users, planned=str(2000 + n), reason=f"revision {n}")
        _change_students(role_users, code="ORE", planned=str(1000 + n), reason=f"revision {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/data/changes/").status_code == 200


def test_swedish_and_english_labels(login):
    client = login("viewer")
    sv = client.get("/data/changes/").content.decode()
    assert "Ändringslogg" in sv and "Skäl" in sv
    client.post("/i18n/setlang/", {"language": "en", "next": "/data/"})
    en = client.get("/data/changes/").content.decode()
    assert "Change log" in en and "Reason" in en
