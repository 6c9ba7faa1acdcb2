"""The Django admin applies the same validation and permissions as the pages and the API."""

import pytest

from alfadmin.models import ResearchShare, ShareTable, StudentCount


@pytest.fixture
def admin_client(client, role_users):
    client.force_login(role_users["admin"])
    return client


def _share_form(table, overrides):
    shares = list(table.shares.select_related("region").order_by("pk"))
    data = {
        "kind": table.kind,
        "name": table.name,
        "source": table.source,
        "shares-TOTAL_FORMS": len(shares),
        "shares-INITIAL_FORMS": len(shares),
        "shares-MIN_NUM_FORMS": 0,
        "shares-MAX_NUM_FORMS": 1000,
    }
    for i, share in enumerate(shares):
        data.update(
            {
                f"shares-{i}-id": share.pk,
                f"shares-{i}-table": table.pk,
                f"shares-{i}-region": share.region_id,
                f"shares-{i}-percent": overrides.get(share.region.code, share.percent),
            }
        )
    return data


def test_admin_refuses_shares_not_summing_to_100(admin_client):
    table = ShareTable.objects.get(kind="in_force")
    response = admin_client.post(f"/admin/alfadmin/sharetable/{table.pk}/change/", _share_form(table, {"VGR": "17.4"}))
    assert response.status_code == 200
    assert "Andelarna måste summera till exakt 100 % (nu 99.9000 %)." in response.content.decode()  # the admin keeps the field's four decimals
    assert ResearchShare.objects.get(table=table, region__code="VGR").percent == 17.5


def test_admin_saves_shares_through_the_service_with_history(admin_client, role_users):
    table = ShareTable.objects.get(kind="in_force")
    form = _share_form(table, {"VGR": "17.4", "ORE": "5.1"})
    refused = admin_client.post(f"/admin/alfadmin/sharetable/{table.pk}/change/", form)
    assert refused.status_code == 200 and "reason" in refused.context["adminform"].form.errors
    assert str(ResearchShare.objects.get(table=table, region__code="ORE").percent) != "5.1000"
    response = admin_client.post(f"/admin/alfadmin/sharetable/{table.pk}/change/", {**form, "reason": "New agreement"})
    assert response.status_code == 302
    share = ResearchShare.objects.get(table=table, region__code="ORE")
    assert str(share.percent) == "5.1000"
    assert share.history.first().history_change_reason == "New agreement"
    assert share.history.first().history_user == role_users["admin"]
    assert ShareTable.objects.get(pk=table.pk).version == table.version + 1


def test_admin_refuses_negative_students_naming_the_field(admin_client):
    count = StudentCount.objects.get(region__code="STH", year=2024)
    response = admin_client.post(
        f"/admin/alfadmin/studentcount/{count.pk}/change/",
        {"region": count.region_id, "year": 2024, "planned_hst": "-3", "actual_hst": "", "source": "entered"},
    )
    assert response.status_code == 200
    assert "planned_hst" in response.content.decode()
    assert StudentCount.objects.get(pk=count.pk).planned_hst == count.planned_hst


def test_admin_asks_for_the_reason_of_an_input_change(admin_client):
    count = StudentCount.objects.get(region__code="STH", year=2024)
    data = {"region": count.region_id, "year": 2024, "planned_hst": "1234", "actual_hst": "", "source": "entered"}
    refused = admin_client.post(f"/admin/alfadmin/studentcount/{count.pk}/change/", data)
    assert refused.status_code == 200 and "reason" in refused.context["adminform"].form.errors
    assert StudentCount.objects.get(pk=count.pk).planned_hst == count.planned_hst
    saved = admin_client.post(f"/admin/alfadmin/studentcount/{count.pk}/change/", {**data, "reason": "Corrected"})
    assert saved.status_code == 302
    assert count.history.first().history_change_reason == "Corrected"


@pytest.mark.parametrize("username", ["guns", "vr", "sth", "viewer"])
def test_other_roles_cannot_use_the_admin(client, role_users, username):
    client.force_login(role_users[username])
    response = client.get("/admin/alfadmin/budgetyear/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/alfadmin/budgetyear/"


def test_admin_creates_a_region_through_the_service_and_recomputes(admin_client, role_users):
    from alfadmin.models import BudgetYear, Region, University
    from allocations.models import RecomputeRequest

    university = University.objects.create(code="UNEW", name="Ny högskola")
    response = admin_client.post(
        "/admin/alfadmin/region/add/",
        {"code": "NEW", "name": "Region Ny", "university": university.pk, "is_active": "on", "source": "public"},
    )
    assert response.status_code == 302
    region = Region.objects.get(code="NEW")
    assert region.history.first().history_user == role_users["admin"]
    assert set(RecomputeRequest.objects.values_list("year", flat=True)) == set(BudgetYear.objects.values_list("year", flat=True))


def test_admin_deactivating_a_region_in_a_published_year_is_refused_with_a_message(admin_client, role_users):
    from django.utils import timezone

    from alfadmin.models import Region
    from allocations.models import YearPublication

    YearPublication.objects.create(year=2024, state="published", requested_by=role_users["admin"], published_at=timezone.now())
    region = Region.objects.get(code="ORE")
    response = admin_client.post(
        f"/admin/alfadmin/region/{region.pk}/change/",
        {"code": "ORE", "name": region.name, "university": region.university_id, "source": region.source},
        follow=True,
    )
    assert response.status_code == 200
    assert "2024" in response.content.decode()
    assert Region.objects.get(pk=region.pk).is_active is True


def test_an_admin_save_based_on_a_stale_version_is_refused_naming_the_change(admin_client, role_users):
    from alfadmin import services

    count = StudentCount.objects.get(region__code="STH", year=2024)
    services.student_count_update(
        actor=role_users["admin"], student_count=count, expected_version=count.version, data={"planned_hst": 999}, reason="meanwhile"
    )
    data = {"region": count.region_id, "year": 2024, "planned_hst": "1234", "actual_hst": "", "source": "entered"}
    refused = admin_client.post(
        f"/admin/alfadmin/studentcount/{count.pk}/change/", {**data, "reason": "Corrected", "based_on_version": count.version}, follow=True
    )
    shown = [str(m) for m in refused.context["messages"]]
    assert len(shown) == 1 and "999" in shown[0]
    assert StudentCount.objects.get(pk=count.pk).planned_hst == 999
