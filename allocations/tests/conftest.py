"""Fixtures for the allocations app: a small registry (three regions, 2023–2029), a finalized
evaluation round covering 2024–2027, and users of every role.

The registry is built with the factories (alfadmin/tests/factories.py: rows written directly,
fast, no outbox rows); changes under test go through the services, as in real use.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from alfadmin.models import Role, ShareTable
from alfadmin.tests.factories import AgreementPeriodFactory, BudgetYearFactory, RegionFactory, StudentCountFactory, share_table

CODES = ["AAA", "BBB", "CCC"]
YEARS = list(range(2023, 2030))
PLO = Decimal("0.015")
BASE_RATE = Decimal("70000")
REFERENCE_LEVEL = 1_000_000_000
IN_FORCE = {"AAA": Decimal("50"), "BBB": Decimal("30"), "CCC": Decimal("20")}
ALF2015_SHARES = {"AAA": Decimal("40"), "BBB": Decimal("35"), "CCC": Decimal("25")}
PLANNED = {"AAA": Decimal("1000"), "BBB": Decimal("600"), "CCC": Decimal("400")}


def research_appropriation(year: int) -> int:
    return 1_000_000_000 + (year - 2023) * 20_000_000


@pytest.fixture(autouse=True)
def english():
    """Messages made outside a request (services, tasks) in English, whatever LANGUAGE_CODE says;
    pages and the API still choose their language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def registry(db):
    """Regions AAA, BBB, CCC; one agreement period (price base 2023, reference 2024, Ds 2024 shares
    switch in 2028); budget years 2023–2029 with 1.5 % PLO; 2023–2024 paid by appropriation,
    2025 by a given rate, 2026– by the PLO-derived rate; planned students every year."""
    regions = {code: RegionFactory(code=code) for code in CODES}
    period = AgreementPeriodFactory(
        name="Test agreement",
        start_year=2015,
        end_year=2035,
        price_base_year=2023,
        base_rate_per_hst=BASE_RATE,
        reference_level=REFERENCE_LEVEL,
        reference_year=2024,
        ds2024_agreement_shares_from=2028,
    )
    for year in YEARS:
        BudgetYearFactory(
            year=year,
            period=period,
            research_appropriation=research_appropriation(year),
            by_appropriation=year <= 2024,
            rate_per_hst=Decimal("75000") if year == 2025 else None,
            plo_rate=Decimal("0") if year == 2023 else PLO,
        )
        for code, hst in PLANNED.items():
            StudentCountFactory(region=regions[code], year=year, planned_hst=hst)
    tables = {
        kind: share_table(kind, {regions[code]: percent for code, percent in shares.items()})
        for kind, shares in ((ShareTable.Kind.IN_FORCE, IN_FORCE), (ShareTable.Kind.ALF2015, ALF2015_SHARES))
    }
    return SimpleNamespace(regions=regions, period=period, tables=tables)


@pytest.fixture
def users(registry, make_user):
    made = {
        "admin": make_user("admin1", Role.ADMIN),
        "admin2": make_user("admin2", Role.ADMIN),
        "guns": make_user("guns1", Role.GUNS),
        "vr": make_user("vr1", Role.VR),
        "reporter": make_user("rep-aaa", Role.REPORTER, "AAA"),
        "other_reporter": make_user("rep-bbb", Role.REPORTER, "BBB"),
        "viewer": make_user("viewer1", Role.VIEWER),
    }
    return made


RATINGS_2024 = {
    ("AAA", 1): "very_high",
    ("AAA", 2): "good_high",
    ("AAA", 3): "very_high",
    ("BBB", 1): "good_high",
    ("BBB", 2): "very_high",
    ("BBB", 3): "good_high",
    ("CCC", 1): "good_high",
    ("CCC", 2): "good_high",
    ("CCC", 3): "inadequate",
}
HIGHLY_CITED = {"AAA": Decimal("300"), "BBB": Decimal("150.5"), "CCC": Decimal("49.5")}


@pytest.fixture
def evaluation(registry, users):
    """A finalized round 2022/23 applying 2024–2027: ratings, findings (BBB's plans not
    realistic) and bibliometrics. Its finalization requests recomputes of 2024–2027."""
    from evaluations import services
    from evaluations.models import Bibliometrics

    vr = users["vr"]
    evaluation_round = services.evaluation_round_create(
        actor=vr,
        data={"name": "2022/23", "evaluation_year_from": 2022, "evaluation_year_to": 2023, "applies_from": 2024, "applies_to": 2027, "model": "alf2015"},
    )
    findings = {code: {"development_areas": True, "realistic_plans": code != "BBB", "previous_acted_on": True} for code in CODES}
    cells = {key: services.CellInput(rating=value, justification="because") for key, value in RATINGS_2024.items()}
    evaluation_round = services.round_grid_save(actor=vr, evaluation_round=evaluation_round, expected_version=None, cells=cells, findings=findings)
    for code, count in HIGHLY_CITED.items():
        Bibliometrics.objects.create(
            region=registry.regions[code],
            period_start=2018,
            period_end=2021,
            evaluation_round=evaluation_round,
            publications=Decimal("1000"),
            highly_cited=count,
            citation_impact=Decimal("10"),
            uncited_share=Decimal("15"),
        )
    return services.evaluation_round_finalize(actor=vr, evaluation_round=evaluation_round, expected_version=None)


@pytest.fixture
def computed(registry, evaluation):
    """Every year computed once (as the demo loader does), outbox emptied."""
    from allocations.models import AllocationRun
    from allocations.services import recompute_years

    recompute_years(years=YEARS, force=True, trigger=AllocationRun.Trigger.COMMAND)
    return registry


