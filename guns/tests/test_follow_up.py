"""GUNS's follow-up of the evaluations: notes and actions per region and round, statements as
VR's reference group linked to a round; access matrix, 409, query counts, links both ways."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alfadmin.models import Region, User
from evaluations import services as evaluation_services
from evaluations.tests.factories import make_round
from guns import services
from guns.models import Decision, FollowUpEntry
from testsupport.pages import login_redirect

ROLES = ["admin", "guns", "guns2", "vr", "sth", "ore", "viewer"]
WRITERS = {"admin", "guns", "guns2"}


@pytest.fixture
def evaluation_round(registry_demo):
    admin = User.objects.get(username="admin")
    created = make_round(actor=admin)
    evaluation_services.findings_set(
        actor=admin,
        evaluation_round=created,
        region=Region.objects.get(code="STH"),
        values={"development_areas": True, "development_areas_comment": "Stärk den kliniska forskningsmiljön"},
    )
    return created


@pytest.fixture
def login(client, role_users):
    def as_user(username):
        client.force_login(role_users[username])
        return client

    return as_user


def _entry(evaluation_round, code="STH", **fields):
    return services.follow_up_entry_create(
        actor=User.objects.get(username="guns2"),
        evaluation_round=evaluation_round,
        region=Region.objects.get(code=code),
        **{"kind": "note", "text": "Följs upp vid vårmötet", **fields},
    )


@pytest.mark.parametrize("name", ["index", "round"])
def test_anonymous_is_sent_to_login(evaluation_round, client, name):
    url = reverse("guns:follow_up") if name == "index" else reverse("guns:follow_up_round", args=[evaluation_round.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_redirect(url)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_follow_up(evaluation_round, login, role):
    _entry(evaluation_round, text="Anteckning om STH")
    client = login(role)
    index = client.get(reverse("guns:follow_up")).content.decode()
    assert reverse("guns:follow_up_round", args=[evaluation_round.pk]) in index
    page = client.get(reverse("guns:follow_up_round", args=[evaluation_round.pk])).content.decode()
    assert "Anteckning om STH" in page
    assert ("Add a note or an action" in page) is (role in WRITERS)
    # draft findings: VR and administrators see them, and the reporter of the region itself
    assert ("Stärk den kliniska forskningsmiljön" in page) is (role in {"admin", "vr", "sth"})


@pytest.mark.parametrize("role", ROLES)
def test_only_guns_members_and_admins_write_notes_and_actions(evaluation_round, login, role):
    url = reverse("guns:follow_up_entry_create", args=[evaluation_round.pk, "ORE"])
    ore = Region.objects.get(code="ORE")
    prefix = f"r{ore.pk}"  # one form per region on the page, prefixed by the region's pk
    response = login(role).post(
        url, {f"{prefix}-kind": "action", f"{prefix}-text": "Begär en handlingsplan", f"{prefix}-responsible": "Region Örebro län"}
    )
    if role in WRITERS:
        assert response.status_code == 302
        entry = FollowUpEntry.objects.get(region=ore)
        assert (entry.kind, entry.responsible, entry.created_by.username, entry.version) == ("action", "Region Örebro län", role, 1)
        assert entry.history.count() == 1
    else:
        assert response.status_code == 403
        assert not FollowUpEntry.objects.exists()


def test_only_an_action_is_tracked(evaluation_round):
    with pytest.raises(ValidationError) as refused:
        _entry(evaluation_round, kind="note", responsible="Någon")
    assert refused.value.message_dict == {"kind": ["Only an action has someone responsible, a due date and a done mark."]}
    assert not FollowUpEntry.objects.exists()


def test_service_refuses_other_roles(evaluation_round):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.follow_up_entry_create(
            actor=User.objects.get(username="vr"), evaluation_round=evaluation_round, region=Region.objects.get(code="STH"), text="x"
        )


@pytest.mark.parametrize("role", ROLES)
def test_edit_page_access_and_history(evaluation_round, login, role):
    entry = _entry(evaluation_round, kind="action", text="Åtgärd")
    url = reverse("guns:follow_up_entry_edit", args=[entry.pk])
    client = login(role)
    assert client.get(url).status_code == (200 if role in WRITERS else 403)
    if role in WRITERS:
        response = client.post(url, {"kind": "action", "text": "Åtgärd", "done": "on", "version": entry.version})
        assert response.status_code == 302
        entry.refresh_from_db()
        assert (entry.done, entry.version) == (True, 2)


def test_stale_edit_is_409(evaluation_round, login):
    entry = _entry(evaluation_round, kind="action", text="Åtgärd")
    client = login("guns2")
    url = reverse("guns:follow_up_entry_edit", args=[entry.pk])
    assert client.post(url, {"kind": "action", "text": "Först", "version": 1}).status_code == 302
    assert client.post(url, {"kind": "action", "text": "Sedan", "version": 1}).status_code == 409
    assert FollowUpEntry.objects.get(pk=entry.pk).text == "Först"


def test_statement_as_reference_group_is_drafted_linked_and_listed(evaluation_round, login):
    client = login("guns2")
    page = client.get(reverse("guns:follow_up_round", args=[evaluation_round.pk])).content.decode()
    draft_link = f"?kind=reference_group_statement&amp;evaluation_round={evaluation_round.pk}"
    assert draft_link in page
    form = client.get(reverse("guns:decision_create") + draft_link.replace("&amp;", "&")).content.decode()
    assert 'value="reference_group_statement" selected' in form
    response = client.post(
        reverse("guns:decision_create"),
        {"kind": "reference_group_statement", "title": "Yttrande över VR:s utvärdering", "evaluation_round": evaluation_round.pk},
    )
    assert response.status_code == 302
    statement = Decision.objects.get(title="Yttrande över VR:s utvärdering")
    assert (statement.kind, statement.evaluation_round_id, statement.state) == ("reference_group_statement", evaluation_round.pk, "draft")
    listed = client.get(reverse("guns:follow_up_round", args=[evaluation_round.pk])).content.decode()
    assert reverse("guns:decision", args=[statement.pk]) in listed
    detail = client.get(reverse("guns:decision", args=[statement.pk])).content.decode()
    assert reverse("guns:follow_up_round", args=[evaluation_round.pk]) in detail


def test_only_round_kinds_link_to_a_round(evaluation_round):
    with pytest.raises(ValidationError) as refused:
        services.decision_create(actor=User.objects.get(username="guns2"), kind="other", title="X", evaluation_round=evaluation_round)
    assert refused.value.message_dict == {"evaluation_round": ["Only a follow-up of the evaluations or a statement as VR's reference group concerns a round."]}


def test_api_reads_the_round_of_a_decision(evaluation_round, api_client, role_users):
    services.decision_create(
        actor=role_users["guns2"], kind="reference_group_statement", title="Yttrande", evaluation_round=evaluation_round
    )
    api_client.force_authenticate(role_users["viewer"])
    rows = api_client.get("/api/v1/guns/decisions/").json()["results"]
    assert [r["evaluation_round"] for r in rows if r["title"] == "Yttrande"] == [evaluation_round.pk]


def test_the_evaluations_follow_up_page_links_to_guns(evaluation_round, login):
    page = login("viewer").get(reverse("evaluations:round-follow-up", args=[evaluation_round.pk])).content.decode()
    assert reverse("guns:follow_up_round", args=[evaluation_round.pk]) in page


def test_follow_up_page_query_count_is_constant(evaluation_round, login, django_assert_max_num_queries):
    client = login("guns2")
    url = reverse("guns:follow_up_round", args=[evaluation_round.pk])
    _entry(evaluation_round)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    for code in ("STH", "ORE", "UPP", "OST", "VGR", "SKA", "VB"):
        if Region.objects.filter(code=code).exists():
            _entry(evaluation_round, code=code, kind="action", text=f"Åtgärd {code}")
            _entry(evaluation_round, code=code)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("guns:follow_up")).status_code == 200
