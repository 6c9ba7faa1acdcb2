"""The demo evaluations match the memo's counts and figures (alf-figures.md) and load idempotently."""

from decimal import Decimal

from django.core.management import call_command
from django.db.models import Sum

from evaluations import selectors
from evaluations.models import Bibliometrics, CoPublication, EvaluationRound, PanelRating, RegionFindings


def _counts():
    return (
        EvaluationRound.objects.count(),
        PanelRating.objects.count(),
        RegionFindings.objects.count(),
        Bibliometrics.objects.count(),
        CoPublication.objects.count(),
    )


def test_demo_is_idempotent(demo):
    before = _counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before == (2, 42, 14, 14, 8)


def _regions_with(name, rating):
    return set(PanelRating.objects.filter(evaluation_round__name=name, rating=rating).values_list("region__code", flat=True))


def test_rounds_apply_to_the_memo_years_and_are_finalized(demo):
    rounds = {r.name: (r.applies_from, r.applies_to, r.status, r.source) for r in EvaluationRound.objects.all()}
    assert rounds == {"2017/18": (2019, 2023, "finalized", "memo"), "2022/23": (2024, 2027, "finalized", "memo")}
    assert selectors.round_for_year(year=2019).name == "2017/18"
    assert selectors.round_for_year(year=2027).name == "2022/23"


def test_2018_four_very_high_one_inadequate_once(demo):
    assert len(_regions_with("2017/18", "very_high")) == 4
    inadequate = PanelRating.objects.filter(evaluation_round__name="2017/18", rating="inadequate")
    assert inadequate.count() == 1


def test_2023_four_very_high_none_inadequate(demo):
    assert len(_regions_with("2022/23", "very_high")) == 4
    assert not _regions_with("2022/23", "inadequate")


def test_every_panel_has_one_to_three_very_high(demo):
    for name in ("2017/18", "2022/23"):
        for panel in (1, 2, 3):
            count = PanelRating.objects.filter(evaluation_round__name=name, panel=panel, rating="very_high").count()
            assert 1 <= count <= 3, (name, panel, count)


def test_one_region_forfeits_under_ds2024_in_2023(demo):
    plans = selectors.plans_ok_by_region(evaluation_round=EvaluationRound.objects.get(name="2022/23"))
    assert [code for code, ok in plans.items() if not ok] == ["OST"]


def test_bibliometrics_match_the_memo(demo):
    rows = Bibliometrics.objects.filter(period_start=2018, period_end=2021)
    total = rows.aggregate(p=Sum("publications"), h=Sum("highly_cited"))
    sth = rows.get(region__code="STH")
    assert round(sth.publications / total["p"] * 100) == 34
    assert Decimal("13.5") <= sth.citation_impact <= Decimal("14")
    assert round(total["h"] / total["p"] * 100) == 11  # Sweden's (the ALF regions') 11 %
    uncited = sum(r.uncited_share * r.publications for r in rows) / total["p"]
    assert round(uncited) == 15 and sth.uncited_share == 12
    assert all(r.evaluation_round.name == "2022/23" and r.source == "illustrative" for r in rows)
    assert all(r.evaluation_round.name == "2017/18" for r in Bibliometrics.objects.filter(period_start=2014))


def test_demo_ratings_are_marked_illustrative_and_pages_say_so(demo, client, role_users):
    assert set(PanelRating.objects.values_list("source", flat=True)) == {"illustrative"}
    client.force_login(role_users["viewer"])
    round_ = EvaluationRound.objects.get(name="2022/23")
    for url in (
        f"/evaluations/rounds/{round_.pk}/",
        "/evaluations/bibliometrics/",
        "/evaluations/regions/STH/",
        f"/evaluations/rounds/{round_.pk}/follow-up/",
    ):
        assert 'class="note note-illustrative"' in client.get(url).content.decode(), url
