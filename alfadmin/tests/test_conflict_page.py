"""The budget-year page in two sessions: the stale save gets the shared conflict page naming
the field, its value then, the user's and the stored value, who stored it and when; the form
keeps the user's input and the version it was based on, so a blind second save is refused
again; choosing per field saves exactly the chosen values."""

from decimal import Decimal

from django.test import Client

from alfadmin.models import BudgetYear


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _form(year: BudgetYear, **changes):
    checkbox = {"is_projection": "on"} if year.is_projection else {}
    return {
        **checkbox,
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
        **changes,
    }


def test_a_stale_budget_year_save_names_field_values_and_author(role_users, make_user):
    from alfadmin.models import Role

    other = make_user("admin-b", Role.ADMIN, first_name="Bodil", last_name="Budget")
    loaded = BudgetYear.objects.get(year=2030)
    tab_a, tab_b = _client(role_users["admin"]), _client(other)
    assert tab_b.post("/data/years/2030/edit/", _form(loaded, research_appropriation=2_222_000_000, reason="B's budget bill")).status_code == 302

    mine = _form(loaded, plo_rate="0.02", reason="A's rate")
    response = tab_a.post("/data/years/2030/edit/", mine)
    assert response.status_code == 409
    rows = {row["name"]: row for row in response.context["conflict"]["rows"]}
    assert list(rows) == ["research_appropriation"]
    row = rows["research_appropriation"]
    assert (row["then"], row["yours"], row["theirs"], row["by"]) == (
        str(loaded.research_appropriation),
        str(loaded.research_appropriation),
        "2222000000",
        "Bodil Budget",
    )
    assert row["at"] is not None and row["choice"] == "theirs"  # A left it as loaded
    html = response.content.decode()
    assert "Bodil Budget" in html and "2222000000" in html and 'name="resolve_research_appropriation"' in html
    form = response.context["form"]
    assert (form["plo_rate"].value(), form["version"].value()) == ("0.02", str(loaded.version))
    stored = BudgetYear.objects.get(year=2030)
    assert (stored.research_appropriation, stored.plo_rate) == (2_222_000_000, loaded.plo_rate)

    # A blind second save (same form, old version) is refused again.
    assert tab_a.post("/data/years/2030/edit/", mine).status_code == 409
    assert BudgetYear.objects.get(year=2030).research_appropriation == 2_222_000_000

    # Take theirs for the field B changed: B's appropriation stays, A's rate is saved.
    chosen = {
        **mine,
        "conflict_version": response.context["conflict"]["version"],
        "conflict_fields": ["research_appropriation"],
        "resolve_research_appropriation": "theirs",
    }
    assert tab_a.post("/data/years/2030/edit/", chosen).status_code == 302
    stored = BudgetYear.objects.get(year=2030)
    assert (stored.research_appropriation, stored.plo_rate) == (2_222_000_000, Decimal("0.02"))
