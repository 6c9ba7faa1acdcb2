import pytest

ROLES = ["admin", "guns", "guns2", "vr", "sth", "ore", "viewer"]


def test_anonymous_cannot_list_members(registry_demo, api_client):
    assert api_client.get("/api/v1/guns/members/").status_code in (401, 403)


@pytest.mark.parametrize("role", ROLES)
def test_signed_in_users_list_the_fourteen_members(api_client, role_users, role, django_assert_max_num_queries):
    api_client.force_authenticate(role_users[role])
    with django_assert_max_num_queries(4):
        body = api_client.get("/api/v1/guns/members/").json()
    assert body["count"] == 14
    chair = [m for m in body["results"] if m["is_chair"]]
    assert [(m["region"], m["side"], m["username"]) for m in chair] == [("STH", "region", "guns")]


def test_members_filter_by_region(api_client, role_users):
    api_client.force_authenticate(role_users["viewer"])
    body = api_client.get("/api/v1/guns/members/", {"region": "ore"}).json()
    assert {(m["side"], m["organisation"]) for m in body["results"]} == {("region", "Region Örebro län"), ("university", "Örebro universitet")}
