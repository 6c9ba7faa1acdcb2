"""Two people in one round's grid: an unrelated cell edited in a stale grid is saved around the
other person's edit (and the page says so); a cell both changed refuses the whole save, keeps
every value the user entered, and names per cell the stored value, who stored it and when; a
blind second save is refused again until each conflicting value has a choice."""

from django.test import Client

from evaluations.models import EvaluationRound, PanelRating

from .test_views import grid_data


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _rating(world, code, panel):
    return PanelRating.objects.get(evaluation_round=world.draft, region__code=code, panel=panel)


def _url(world):
    return f"/evaluations/rounds/{world.draft.pk}/grid/"


def _second_vr(world, make_user):
    from alfadmin.models import Role

    return make_user("vr-two", Role.VR, first_name="Vera", last_name="Två")


def test_a_stale_grid_saves_its_unrelated_cells_around_the_other_edit(world, make_user):
    vera = _second_vr(world, make_user)
    stale = grid_data(world)  # tab A loads the grid
    response = _client(vera).post(_url(world), grid_data(world, {"rating-CCC-2": "very_high", "reason": "B's edit"}))
    assert response.status_code == 302
    response = _client(world.users["vr"]).post(_url(world), {**stale, "rating-DDD-3": "very_high", "reason": "A's edit"}, follow=True)
    assert response.status_code == 200
    assert (_rating(world, "CCC", 2).rating, _rating(world, "DDD", 3).rating) == ("very_high", "very_high")
    shown = [str(m) for m in response.context["messages"]]
    assert "Saved meanwhile by someone else, and kept because you did not change them: CCC 2: rating." in shown


def test_a_cell_both_changed_refuses_all_keeps_the_grid_and_names_the_cell(world, make_user):
    vera = _second_vr(world, make_user)
    stale = grid_data(world)
    _client(vera).post(_url(world), grid_data(world, {"rating-CCC-2": "very_high", "reason": "B's edit"}))
    version_after_b = EvaluationRound.objects.get(pk=world.draft.pk).version
    mine = {**stale, "rating-CCC-2": "inadequate", "rating-DDD-3": "very_high", "reason": "A's edit"}
    client = _client(world.users["vr"])
    response = client.post(_url(world), mine)
    assert response.status_code == 409
    assert (_rating(world, "CCC", 2).rating, _rating(world, "DDD", 3).rating) == ("very_high", "good_high")
    rows = {row["name"]: row for row in response.context["conflict"]["rows"]}
    assert list(rows) == ["rating-CCC-2"]
    row = rows["rating-CCC-2"]
    assert (row["label"], row["then"], row["yours"], row["theirs"], row["by"]) == (
        "CCC 2: rating",
        "good–high",
        "inadequate",
        "very high",
        "Vera Två",
    )
    assert row["at"] is not None and row["choice"] == "" and row["conflicting"] is True
    assert response.context["conflict"]["version"] == version_after_b
    form = response.context["form"]
    assert (form["rating-CCC-2"].value(), form["rating-DDD-3"].value(), form["version"].value()) == (
        "inadequate",
        "very_high",
        str(stale["version"]),
    )
    html = response.content.decode()
    assert 'name="resolve_rating-CCC-2"' in html and "Vera Två" in html
    # Saving again without choosing is refused again.
    assert client.post(_url(world), mine).status_code == 409
    assert _rating(world, "CCC", 2).rating == "very_high"
    # Keep mine: the grid moves to the version it was shown, and both of A's cells are saved.
    chosen = {**mine, "conflict_version": version_after_b, "conflict_fields": ["rating-CCC-2"], "resolve_rating-CCC-2": "mine"}
    assert client.post(_url(world), chosen).status_code == 302
    assert (_rating(world, "CCC", 2).rating, _rating(world, "DDD", 3).rating) == ("inadequate", "very_high")


def test_take_theirs_keeps_the_stored_value_and_saves_the_rest(world, make_user):
    vera = _second_vr(world, make_user)
    stale = grid_data(world)
    _client(vera).post(_url(world), grid_data(world, {"rating-CCC-2": "very_high", "reason": "B's edit"}))
    version_after_b = EvaluationRound.objects.get(pk=world.draft.pk).version
    mine = {**stale, "rating-CCC-2": "inadequate", "rating-DDD-3": "very_high", "reason": "A's edit"}
    chosen = {**mine, "conflict_version": version_after_b, "conflict_fields": ["rating-CCC-2"], "resolve_rating-CCC-2": "theirs"}
    assert _client(world.users["vr"]).post(_url(world), chosen).status_code == 302
    assert (_rating(world, "CCC", 2).rating, _rating(world, "DDD", 3).rating) == ("very_high", "very_high")


def test_the_api_409_of_a_rating_names_the_change_and_its_author(world, make_user, api_client):
    vera = _second_vr(world, make_user)
    rating = _rating(world, "AAA", 2)
    stale_version = rating.version
    api_client.force_authenticate(vera)
    assert api_client.patch(f"/api/v1/ratings/{rating.pk}/", {"rating": "good_high", "version": stale_version, "reason": "B"}, format="json").status_code == 200
    api_client.force_authenticate(world.users["vr"])
    response = api_client.patch(f"/api/v1/ratings/{rating.pk}/", {"rating": "inadequate", "version": stale_version, "reason": "A"}, format="json")
    assert response.status_code == 409
    assert response.json()["changed"]["rating"]["new"] == "good_high"
    assert response.json()["changed"]["rating"]["by"] == "Vera Två"
    assert _rating(world, "AAA", 2).rating == "good_high"
