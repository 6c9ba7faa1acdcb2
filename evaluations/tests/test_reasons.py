"""Changing or removing a rating needs a reason (page and API); entering a first rating does not.
The reason is kept in the history and shown in the change log, which follows the evaluations'
read rules."""

import pytest
from django.core.exceptions import ValidationError

from alfadmin.kernel.changelog import ChangeFilter, change_page
from evaluations import services
from evaluations.models import Bibliometrics, PanelRating

from .test_views import grid_data


def _rating(evaluation_round, code="CCC", panel=2):
    return PanelRating.objects.get(evaluation_round=evaluation_round, region__code=code, panel=panel)


@pytest.fixture
def login(client, world):
    def as_user(username):
        client.force_login(world.users[username])
        return client

    return as_user


def test_the_grid_refuses_a_changed_rating_without_a_reason(login, world):
    response = login("vr").post(f"/evaluations/rounds/{world.draft.pk}/grid/", grid_data(world, {"rating-CCC-2": "very_high"}))
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert 'id="id_reason_errors"' in response.content.decode()
    assert _rating(world.draft).rating == "good_high"


def test_the_grid_keeps_the_reason_and_the_log_shows_it(login, world):
    data = grid_data(world, {"rating-CCC-2": "very_high", "reason": "Panel 2 corrected its report"})
    assert login("vr").post(f"/evaluations/rounds/{world.draft.pk}/grid/", data).status_code == 302
    rating = _rating(world.draft)
    assert (rating.rating, rating.history.first().history_change_reason) == ("very_high", "Panel 2 corrected its report")
    log = login("vr").get(f"/data/changes/?model=evaluations.evaluationround&object={world.draft.pk}").content.decode()
    assert "Panel 2 corrected its report" in log


def test_removing_a_rating_on_the_grid_needs_a_reason(login, world):
    response = login("vr").post(f"/evaluations/rounds/{world.draft.pk}/grid/", grid_data(world, {"rating-CCC-2": ""}))
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert PanelRating.objects.filter(pk=_rating(world.draft).pk).exists()


def test_a_first_rating_in_a_draft_round_needs_no_reason(world):
    rating = _rating(world.draft)
    services.rating_delete(actor=world.users["vr"], rating=rating, reason="Re-rated below")
    created = services.rating_set(actor=world.users["vr"], evaluation_round=world.draft, region=rating.region, panel=2, rating="very_high")
    assert created.rating == "very_high"


def test_a_changed_justification_alone_needs_no_reason(login, world):
    data = grid_data(world, {"justification-CCC-2": "Clearer wording"})
    assert login("vr").post(f"/evaluations/rounds/{world.draft.pk}/grid/", data).status_code == 302


@pytest.fixture
def vr_api(api_client, world):
    api_client.force_authenticate(world.users["vr"])
    return api_client


def test_api_refuses_a_rating_change_without_a_reason(vr_api, world):
    rating = _rating(world.draft)
    response = vr_api.patch(f"/api/v1/ratings/{rating.pk}/", {"rating": "inadequate", "version": rating.version}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert _rating(world.draft).rating == "good_high"
    response = vr_api.patch(
        f"/api/v1/ratings/{rating.pk}/", {"rating": "inadequate", "version": rating.version, "reason": "Appeal upheld"}, format="json"
    )
    assert response.status_code == 200
    assert _rating(world.draft).history.first().history_change_reason == "Appeal upheld"


def test_api_refuses_a_rating_removal_without_a_reason(vr_api, world):
    rating = _rating(world.draft)
    response = vr_api.delete(f"/api/v1/ratings/{rating.pk}/")
    assert response.status_code == 400 and "reason" in response.json()
    assert PanelRating.objects.filter(pk=rating.pk).exists()
    assert vr_api.delete(f"/api/v1/ratings/{rating.pk}/?reason=Withdrawn").status_code == 204
    assert PanelRating.history.filter(id=rating.pk).first().history_change_reason == "Withdrawn"


def test_service_refuses_a_findings_change_without_a_reason(world):
    region = world.regions["DDD"]
    with pytest.raises(ValidationError) as refused:
        services.findings_set(actor=world.users["vr"], evaluation_round=world.draft, region=region, values={"realistic_plans": False})
    assert "reason" in refused.value.message_dict
    services.findings_set(
        actor=world.users["vr"], evaluation_round=world.draft, region=region, values={"realistic_plans": False}, reason="Plans unclear"
    )


def test_draft_rating_history_follows_the_read_rules(world):
    services.rating_set(
        actor=world.users["vr"], evaluation_round=world.draft, region=world.regions["CCC"], panel=2, rating="very_high", reason="Why"
    )
    flt = ChangeFilter(model="evaluations.panelrating")
    assert change_page(user=world.users["vr"], flt=flt, per_page=500).object_list[0].reason == "Why"
    for name in ("viewer", "guns"):
        rows = change_page(user=world.users[name], flt=flt, per_page=500).object_list
        assert rows and all(r.record.evaluation_round_id == world.finalized.pk for r in rows)
    own = change_page(user=world.users["rep_a"], flt=flt, per_page=500).object_list
    assert {r.record.region_id for r in own if r.record.evaluation_round_id == world.draft.pk} == {world.regions["AAA"].pk}


def test_round_and_bibliometrics_pages_link_to_their_history(login, world):
    client = login("vr")
    round_page = client.get(f"/evaluations/rounds/{world.draft.pk}/").content.decode()
    assert f"/data/changes/?model=evaluations.evaluationround&amp;object={world.draft.pk}" in round_page
    assert "/data/changes/?model=evaluations.bibliometrics" in client.get("/evaluations/bibliometrics/").content.decode()
    row = Bibliometrics.objects.first()
    edit = client.get(f"/evaluations/bibliometrics/{row.pk}/edit/").content.decode()
    assert f"/data/changes/?model=evaluations.bibliometrics&amp;object={row.pk}" in edit


def test_a_rounds_history_holds_its_ratings_changes(login, world):
    services.rating_set(
        actor=world.users["vr"], evaluation_round=world.draft, region=world.regions["CCC"], panel=2, rating="very_high", reason="Recount"
    )
    page = login("viewer").get(f"/data/changes/?model=evaluations.evaluationround&object={world.draft.pk}")
    keys = {row.key for row in page.context["page"].object_list}
    assert "evaluations.evaluationround" in keys
    # A viewer does not read a draft round's ratings, nor their history.
    assert "evaluations.panelrating" not in keys
    page = login("vr").get(f"/data/changes/?model=evaluations.evaluationround&object={world.draft.pk}")
    assert "Recount" in page.content.decode()
