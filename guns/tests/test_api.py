"""The GUNS API (docs/interfaces.md): fields, writes per role, transition actions, refusals naming the field."""

import datetime

import pytest

from guns import services
from guns.models import Decision, GunsMember

from .factories import DecisionFactory, funding, pot_income

ROLES = ["admin", "guns", "guns2", "vr", "sth", "ore", "viewer"]


def test_anonymous_reads_nothing(registry_demo, api_client):
    for url in ("/api/v1/guns/members/", "/api/v1/guns/meetings/", "/api/v1/guns/decisions/", "/api/v1/guns/pot/?year=2025"):
        assert api_client.get(url).status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_signed_in_users_list_members_and_substitutes(api_client, role_users, role, django_assert_max_num_queries):
    api_client.force_authenticate(role_users[role])
    with django_assert_max_num_queries(4):
        body = api_client.get("/api/v1/guns/members/").json()
    assert body["count"] == 28
    assert {m["role"] for m in body["results"]} == {"chair", "member", "substitute"}
    chair = [m for m in body["results"] if m["role"] == "chair"]
    assert [(m["region"], m["side"], m["username"]) for m in chair] == [("STH", "region", "guns")]
    assert set(body["results"][0]) >= {"id", "name", "side", "region", "role", "term_start", "term_end"}


def test_members_filter_by_region_and_role(api_client, role_users):
    api_client.force_authenticate(role_users["viewer"])
    body = api_client.get("/api/v1/guns/members/", {"region": "ore", "role": "member"}).json()
    assert {(m["side"], m["organisation"]) for m in body["results"]} == {
        ("region", "Region Örebro län"),
        ("university", "Örebro universitet"),
    }


@pytest.mark.parametrize(("role", "status"), [("admin", 201), ("guns", 403), ("guns2", 403), ("vr", 403), ("sth", 403), ("viewer", 403)])
def test_only_administrators_appoint_members(api_client, role_users, role, status):
    GunsMember.objects.filter(region__code="ORE", side="region", role="substitute").update(is_active=False)
    api_client.force_authenticate(role_users[role])
    response = api_client.post(
        "/api/v1/guns/members/",
        {"name": "Ny ersättare", "side": "region", "region": "ORE", "role": "substitute", "term_start": "2025-01-01"},
        format="json",
    )
    assert response.status_code == status, response.content
    if status == 201:
        member = GunsMember.objects.get(pk=response.json()["id"])
        assert (member.role, member.is_chair, member.history.count()) == ("substitute", False, 1)


def test_admin_appoints_a_new_chair(api_client, role_users):
    api_client.force_authenticate(role_users["admin"])
    member = GunsMember.objects.get(user__username="guns2")
    response = api_client.patch(f"/api/v1/guns/members/{member.pk}/", {"role": "chair"}, format="json")
    assert response.status_code == 200, response.content
    assert list(GunsMember.objects.filter(is_chair=True, is_active=True).values_list("user__username", flat=True)) == ["guns2"]


def test_seat_taken_is_refused(api_client, role_users):
    api_client.force_authenticate(role_users["admin"])
    response = api_client.post("/api/v1/guns/members/", {"name": "X", "side": "region", "region": "ORE", "role": "member"}, format="json")
    assert response.status_code == 400 and "role" in response.json()


@pytest.mark.parametrize(("role", "status"), [("admin", 201), ("guns", 201), ("guns2", 201), ("vr", 403), ("sth", 403), ("viewer", 403)])
def test_meeting_writes(api_client, role_users, seats, role, status):
    api_client.force_authenticate(role_users[role])
    attendees = [m.pk for m in seats["region"][:5] + seats["university"][:3]]
    response = api_client.post("/api/v1/guns/meetings/", {"date": "2025-05-05", "title": "Möte", "attendees": attendees}, format="json")
    assert response.status_code == status
    if status == 201:
        body = response.json()
        assert body["quorum"] is True and "8 seats present" in body["quorum_reason"]
        assert sorted(body["attendees"]) == sorted(attendees)


def test_meeting_list_constant_queries(api_client, role_users, meeting_with, django_assert_max_num_queries):
    for n in range(5):
        meeting_with(5, n)
    api_client.force_authenticate(role_users["viewer"])
    with django_assert_max_num_queries(7):
        body = api_client.get("/api/v1/guns/meetings/").json()
    assert [m["quorum"] for m in sorted(body["results"], key=lambda m: m["id"])] == [False, False, False, True, True]


# The access matrix: each role × each action on a decision. True: allowed (2xx), else 403.
MATRIX = {
    "create": {"admin", "guns", "guns2"},
    "schedule": {"admin", "guns"},
    "adopt": {"admin", "guns", "guns2"},
    "reject": {"admin", "guns", "guns2"},
    "refer-back": {"admin", "guns", "guns2"},
    "withdraw": {"admin", "guns"},  # guns2 is not the drafter here
}


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
@pytest.mark.parametrize("action", list(MATRIX))
def test_decision_access_matrix(api_client, role_users, meeting_with, role, action):
    meeting = meeting_with(5, 3)
    if role != "anonymous":
        api_client.force_authenticate(role_users[role])
    if action == "create":
        response = api_client.post("/api/v1/guns/decisions/", {"title": "Nytt", "kind": "other"}, format="json")
    else:
        decision = DecisionFactory(drafted_by=role_users["admin"])
        if action != "schedule":
            services.decision_transition(actor=role_users["admin"], decision=decision, action="schedule", meeting=meeting)
        body = {"meeting": meeting.pk} if action == "schedule" else {"consensus": True} if action in ("adopt", "reject") else {}
        response = api_client.post(f"/api/v1/guns/decisions/{decision.pk}/{action}/", body, format="json")
    if role == "anonymous":
        assert response.status_code == 401
    elif role in MATRIX[action]:
        assert response.status_code == (201 if action == "create" else 200), response.content
    else:
        assert response.status_code == 403


def test_decision_actions_and_refusals_name_the_field(api_client, role_users, meeting_with):
    pot_income(2025, set_aside=1_000)
    api_client.force_authenticate(role_users["guns"])
    no_quorum = meeting_with(4, 3)
    quorate = meeting_with(5, 3, date=datetime.date(2025, 9, 1))
    created = api_client.post(
        "/api/v1/guns/decisions/", {"title": "Satsning", "kind": "national_initiative", "amount": 2_000, "pot_year": 2025}, format="json"
    )
    assert created.status_code == 201 and created.json()["state"] == "draft" and created.json()["number"] is None
    pk = created.json()["id"]
    url = f"/api/v1/guns/decisions/{pk}/"
    assert api_client.post(url + "schedule/", {"meeting": no_quorum.pk}, format="json").json()["state"] == "on_agenda"
    refused = api_client.post(url + "adopt/", {"consensus": True}, format="json")
    assert refused.status_code == 400 and "meeting" in refused.json()
    assert api_client.post(url + "refer-back/", format="json").json()["state"] == "draft"
    api_client.post(url + "schedule/", {"meeting": quorate.pk}, format="json")
    refused = api_client.post(url + "adopt/", {"votes": {"yes": 9, "no": 0, "abstain": 0}}, format="json")
    assert refused.status_code == 400 and "votes" in refused.json()
    refused = api_client.post(url + "adopt/", {"votes": {"yes": 2, "no": 4, "abstain": 0}}, format="json")
    assert refused.status_code == 400 and "votes" in refused.json()
    refused = api_client.post(url + "adopt/", {"consensus": True}, format="json")
    assert refused.status_code == 400 and "amount" in refused.json() and refused.json()["available"] == ["1000"]
    assert api_client.patch(url, {"amount": 900, "version": api_client.get(url).json()["version"]}, format="json").status_code == 200
    adopted = api_client.post(url + "adopt/", {"votes": {"yes": 5, "no": 1, "abstain": 2}}, format="json").json()
    assert (adopted["state"], adopted["number"], adopted["votes"]) == ("adopted", "GUNS 2025:1", {"yes": 5, "no": 1, "abstain": 2})
    pot = api_client.get("/api/v1/guns/pot/", {"year": 2025}).json()
    assert pot == {
        "year": 2025,
        "set_aside": 1_000,
        "forfeited": 0,
        "carried_over": 0,
        "income": 1_000,
        "committed": 900,
        "paid": 0,
        "available": 100,
    }


FINAL_MESSAGE = "An adopted or rejected decision cannot be changed; draft a later decision that amends it."


@pytest.mark.parametrize("outcome", ["adopt", "reject"])
def test_final_decision_edits_refused_through_api(api_client, role_users, meeting_with, outcome):
    decision = DecisionFactory(drafted_by=role_users["guns2"])
    services.decision_transition(actor=role_users["admin"], decision=decision, action="schedule", meeting=meeting_with(5, 3))
    services.decision_transition(actor=role_users["admin"], decision=decision, action=outcome, consensus=True)
    before = Decision.objects.get(pk=decision.pk)
    api_client.force_authenticate(role_users["admin"])
    for method, body in (("patch", {"title": "Ändrad"}), ("put", {"title": "Ändrad", "kind": "other"})):
        response = getattr(api_client, method)(f"/api/v1/guns/decisions/{decision.pk}/", body, format="json")
        assert (response.status_code, response.json()["detail"]) == (409, FINAL_MESSAGE)
    assert api_client.delete(f"/api/v1/guns/decisions/{decision.pk}/").status_code == 405
    for action in ("withdraw", "refer-back", "adopt", "reject"):
        response = api_client.post(f"/api/v1/guns/decisions/{decision.pk}/{action}/", {"consensus": True}, format="json")
        assert (response.status_code, response.json()["detail"]) == (409, FINAL_MESSAGE)
    after = Decision.objects.get(pk=decision.pk)
    assert (after.title, after.state, after.version, after.history.count()) == (
        before.title,
        before.state,
        before.version,
        before.history.count(),
    )


def test_decision_list_constant_queries_and_filters(api_client, role_users, meeting_with, django_assert_max_num_queries):
    meeting = meeting_with(5, 3)
    for n in range(6):
        decision = DecisionFactory(title=f"Ärende {n}", kind="other" if n % 2 else "follow_up_agreement")
        if n < 3:
            services.decision_transition(actor=role_users["admin"], decision=decision, action="schedule", meeting=meeting)
            services.decision_transition(actor=role_users["admin"], decision=decision, action="adopt", consensus=True)
    funding(10, amends=Decision.objects.filter(state="adopted").first())
    api_client.force_authenticate(role_users["viewer"])
    with django_assert_max_num_queries(5):
        body = api_client.get("/api/v1/guns/decisions/").json()
    assert body["count"] == 7
    assert api_client.get("/api/v1/guns/decisions/", {"state": "adopted"}).json()["count"] == 3
    assert api_client.get("/api/v1/guns/decisions/", {"kind": "other"}).json()["count"] == 3
    assert api_client.get("/api/v1/guns/decisions/", {"q": "Ärende 4"}).json()["count"] == 1
    assert api_client.get("/api/v1/guns/decisions/", {"year": 2025}).json()["count"] == 3


def test_pot_requires_a_year(api_client, role_users):
    api_client.force_authenticate(role_users["viewer"])
    assert "year" in api_client.get("/api/v1/guns/pot/").json()


def test_withdraw_and_refer_back_based_on_a_stale_version_are_409_and_change_nothing(api_client, role_users, meeting_with):
    api_client.force_authenticate(role_users["guns"])
    meeting = meeting_with(5, 3)
    created = api_client.post("/api/v1/guns/decisions/", {"title": "Uppföljning", "kind": "other"}, format="json").json()
    url = f"/api/v1/guns/decisions/{created['id']}/"
    scheduled = api_client.post(url + "schedule/", {"meeting": meeting.pk, "version": created["version"]}, format="json").json()
    for step in ("refer-back/", "withdraw/"):
        stale = api_client.post(url + step, {"version": created["version"]}, format="json")
        assert stale.status_code == 409
        assert stale.json()["current_version"] == scheduled["version"]
        assert "state" in stale.json()["changed"]
    assert api_client.get(url).json()["state"] == "on_agenda"
    assert api_client.post(url + "withdraw/", {"version": scheduled["version"]}, format="json").json()["state"] == "withdrawn"
    assert api_client.post(url + "withdraw/", {"version": "x"}, format="json").status_code == 400
