"""GUNS pages: every page renders for the demo, access per role, immutability through pages, constant queries."""

import pytest
from django.contrib.admin.sites import site

from guns import services
from guns.models import Decision, Meeting, Minutes

from .factories import DecisionFactory, funding, pot_income

PAGES = ["guns:index", "guns:decisions", "guns:meetings", "guns:pot"]


@pytest.fixture
def full_demo(demo, role_users):
    return role_users


@pytest.mark.parametrize("role", ["admin", "guns", "guns2", "vr", "sth", "viewer"])
def test_every_page_renders_for_every_role(client, full_demo, role):
    client.force_login(full_demo[role])
    urls = [f"/guns/{p}" for p in ("", "decisions/", "meetings/", "pot/", "decisions/?state=adopted&kind=national_initiative&q=register")]
    urls += [f"/guns/decisions/{d.pk}/" for d in Decision.objects.all()]
    urls += [f"/guns/meetings/{m.pk}/" for m in Meeting.objects.all()] + [f"/guns/meetings/{m.pk}/minutes/" for m in Meeting.objects.all()]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_demo_has_every_state_and_the_pages_show_it(client, full_demo):
    assert set(Decision.objects.values_list("state", flat=True)) == {"draft", "on_agenda", "adopted", "rejected", "withdrawn"}
    assert Minutes.objects.filter(state="approved").count() == 1
    original = Decision.objects.get(title__startswith="Nationellt register")
    client.force_login(full_demo["viewer"])
    page = client.get(f"/guns/decisions/{original.pk}/").content.decode()
    amendment = Decision.objects.get(amends=original)
    assert amendment.number in page and original.number in page
    pot = client.get("/guns/pot/?year=2025").content.decode()
    assert original.number in pot and 'id="pot-chart"' in pot
    # Referred back: the history keeps the step.
    referred = Decision.objects.get(title__startswith="Yttrande")
    assert "Referred back" in [h.history_change_reason for h in referred.history.all()]


def test_anonymous_goes_to_login(client, registry_demo):
    assert client.get("/guns/").status_code == 302


@pytest.mark.parametrize(("role", "status"), [("guns2", 200), ("viewer", 403), ("vr", 403)])
def test_new_decision_page_access(client, role_users, role, status):
    client.force_login(role_users[role])
    assert client.get("/guns/decisions/new/").status_code == status


def test_drafting_through_the_page(client, role_users):
    client.force_login(role_users["guns2"])
    response = client.post("/guns/decisions/new/", {"kind": "other", "title": "Sidans förslag", "text": "t"})
    decision = Decision.objects.get(title="Sidans förslag")
    assert response.status_code == 302 and decision.drafted_by == role_users["guns2"]


@pytest.mark.parametrize("outcome", ["adopt", "reject"])
def test_final_decision_cannot_be_edited_through_pages(client, role_users, meeting_with, outcome):
    decision = DecisionFactory(drafted_by=role_users["guns2"])
    services.decision_transition(actor=role_users["admin"], decision=decision, action="schedule", meeting=meeting_with(5, 3))
    services.decision_transition(actor=role_users["admin"], decision=decision, action=outcome, consensus=True)
    before = Decision.objects.get(pk=decision.pk)
    client.force_login(role_users["admin"])
    response = client.post(f"/guns/decisions/{decision.pk}/edit/", {"kind": "other", "title": "Ändrad", "version": before.version})
    assert response.status_code == 409
    client.post(f"/guns/decisions/{decision.pk}/withdraw/")
    after = Decision.objects.get(pk=decision.pk)
    assert (after.title, after.state, after.version) == (before.title, before.state, before.version)


def test_admin_is_read_only_for_decisions(client, role_users, meeting_with):
    decision = DecisionFactory()
    services.decision_transition(actor=role_users["admin"], decision=decision, action="schedule", meeting=meeting_with(5, 3))
    services.decision_transition(actor=role_users["admin"], decision=decision, action="adopt", consensus=True)
    model_admin = site._registry[Decision]
    request = type("R", (), {"user": role_users["admin"]})()
    assert not model_admin.has_change_permission(request, decision) and not model_admin.has_delete_permission(request, decision)
    client.force_login(role_users["admin"])
    client.post(f"/admin/guns/decision/{decision.pk}/change/", {"title": "Ändrad", "kind": "other"})
    client.post(f"/admin/guns/decision/{decision.pk}/delete/", {"post": "yes"})
    assert Decision.objects.get(pk=decision.pk).title == decision.title


def test_adopting_through_the_page_reports_overspending(client, role_users, meeting_with):
    pot_income(2025, set_aside=100)
    decision = funding(500)
    services.decision_transition(actor=role_users["admin"], decision=decision, action="schedule", meeting=meeting_with(5, 3))
    client.force_login(role_users["guns2"])
    response = client.post(f"/guns/decisions/{decision.pk}/adopt/", {"consensus": "on"}, follow=True)
    assert "100" in response.content.decode() and Decision.objects.get(pk=decision.pk).state == "on_agenda"


def test_list_pages_constant_queries(client, role_users, meeting_with, django_assert_max_num_queries):
    client.force_login(role_users["viewer"])
    for n in range(4):
        meeting = meeting_with(5, n + 1)
        for _ in range(3):
            DecisionFactory(meeting=meeting)
    for url, limit in (("/guns/decisions/", 10), ("/guns/meetings/", 10), ("/guns/", 14), ("/guns/pot/", 12)):
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize(("role", "status"), [("admin", 302), ("guns", 403), ("viewer", 403)])
def test_quorum_parameters_changed_by_administrators(client, role_users, meeting_with, role, status):
    earlier = meeting_with(5, 3)
    client.force_login(role_users[role])
    response = client.post("/guns/settings/", {"quorum_seats": 9, "quorum_per_side": 3, "carry_over": "on", "version": 1})
    assert response.status_code == status
    later = meeting_with(5, 3)
    client.force_login(role_users["viewer"])
    # A meeting is judged by the rule in force when it was created: the earlier one keeps its
    # quorum, the later one is held to the new rule.
    assert 'data-quorum="no"' not in client.get(f"/guns/meetings/{earlier.pk}/").content.decode()
    assert ('data-quorum="no"' in client.get(f"/guns/meetings/{later.pk}/").content.decode()) == (status == 302)


def test_the_landing_page_card_shows_the_pot_of_the_year(client, full_demo):
    from alfadmin.templatetags.alf_format import kr
    from guns import selectors

    user = full_demo["guns"]
    client.force_login(user)
    response = client.get("/")
    year = response.context["current"].year
    pot = selectors.pot_year(user=user, year=year)
    assert pot.income > 0
    page = response.content.decode()
    card = page[page.index('id="guns-card-heading"') :]
    card = card[: card.index("</section>")]
    assert f"The pot {year}" in card
    assert f"<strong>{kr(pot.available)}</strong> of {kr(pot.income)}." in card
