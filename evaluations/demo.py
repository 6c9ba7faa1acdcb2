"""Demo evaluation rounds, ratings, findings and bibliometrics (alf-figures.md, memo §4.3.3, §4.4.2).

The memo gives the rounds' years and the counts of each outcome (2018: four regions very high
in at least one area, one inadequate in one area; 2023: four very high, none inadequate) and
the bibliometric totals (Sweden 11 % citation impact against a world average of 10 %,
Stockholm ≈ 14 % and 34 % of the publications 2018–2021, uncited ≈ 15 %, Stockholm 12 %).
Which region got which rating, and the per-region figures, are illustrative and marked so.

Idempotent: a round that exists is left as it is (it may have been edited or reopened since);
rows are written through the services, so history and the 1–3 rule check apply as for users.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from alfadmin.kernel.writes import SYSTEM
from alfadmin.models import Region, Source

from . import services
from .models import Bibliometrics, CoPublication, EvaluationRound

VH, GH, IN = "very_high", "good_high", "inadequate"
CODES = ["STH", "UPP", "OST", "SKA", "VGR", "ORE", "VBN"]
PANEL_NAMES = {1: "Vetenskaplig kvalitet", 2: "Klinisk betydelse och samhällsnytta", 3: "Förutsättningar"}

JUSTIFICATIONS = {
    (1, VH): "Several research groups at the international forefront; consistently strong output in leading journals.",
    (1, GH): "Research of good to high international quality with recognised strengths in some fields.",
    (1, IN): "Scientific output falls clearly short of what the region's share of ALF funding warrants.",
    (2, VH): "Outstanding case studies of clinical impact and close collaboration with patients and industry.",
    (2, GH): "Relevant clinical research with credible examples of benefit to patients and health care.",
    (2, IN): "Little evidence that the research reaches clinical practice or benefits patients.",
    (3, VH): "Excellent infrastructure, research careers and protected research time, with clear strategies.",
    (3, GH): "Adequate infrastructure and support for clinical research; research time is often squeezed by care.",
    (3, IN): "Weak prerequisites: little protected research time, unclear strategy and limited research support.",
}

ROUNDS = [
    {
        "round": {"name": "2017/18", "evaluation_year_from": 2017, "evaluation_year_to": 2018, "applies_from": 2019, "applies_to": 2023},
        # Four regions very high in at least one panel (STH, UPP, SKA, VGR), one inadequate once (ORE, panel 3).
        "ratings": {
            1: {"STH": VH, "SKA": VH, "VGR": VH},
            2: {"STH": VH, "UPP": VH},
            3: {"VGR": VH, "ORE": IN},
        },
        "findings": {"ORE": {"realistic_plans": False}},
        "bibliometrics": {
            "period": (2014, 2017),
            # code: (publications, citation impact %, uncited %)
            "rows": {
                "STH": (11550, "13.5", "12.5"),
                "UPP": (3630, "10.2", "17.0"),
                "OST": (2310, "9.1", "18.0"),
                "SKA": (5610, "10.4", "16.0"),
                "VGR": (5940, "10.1", "16.5"),
                "ORE": (1650, "8.2", "19.0"),
                "VBN": (2310, "9.3", "17.5"),
            },
        },
    },
    {
        "round": {"name": "2022/23", "evaluation_year_from": 2022, "evaluation_year_to": 2023, "applies_from": 2024, "applies_to": 2027},
        # Four regions very high in at least one panel (STH, UPP, SKA, VBN), none inadequate.
        "ratings": {
            1: {"STH": VH, "SKA": VH, "UPP": VH},
            2: {"VBN": VH},
            3: {"STH": VH, "SKA": VH},
        },
        # Östergötland's plans were not found realistic: under Ds 2024 it forfeits its quality amount.
        "findings": {"OST": {"realistic_plans": False}},
        "bibliometrics": {
            "period": (2018, 2021),
            "rows": {
                "STH": (12920, "13.8", "12.0"),
                "UPP": (4180, "10.0", "16.5"),
                "OST": (2660, "8.9", "17.5"),
                "SKA": (6840, "10.2", "15.5"),
                "VGR": (6840, "10.0", "16.0"),
                "ORE": (1900, "8.6", "18.0"),
                "VBN": (2660, "9.0", "17.0"),
            },
        },
    },
]

CO_PUBLICATIONS = [
    ((2018, 2021), "STH", "UPP", 1480),
    ((2018, 2021), "STH", "SKA", 1210),
    ((2018, 2021), "STH", "VGR", 1350),
    ((2018, 2021), "SKA", "VGR", 960),
    ((2018, 2021), "UPP", "ORE", 310),
    ((2018, 2021), "OST", "STH", 540),
    ((2014, 2017), "STH", "UPP", 1290),
    ((2014, 2017), "SKA", "VGR", 820),
]

DEVELOP = {
    "STH": "Broaden national collaboration beyond the Stockholm–Uppsala axis; research careers for non-physicians.",
    "UPP": "Protected research time for clinical residents; faster completion of clinical doctorates.",
    "OST": "A joint research strategy for region and university; more research in primary care.",
    "SKA": "Coordination between the quality registries; mobility of researchers within Sweden and abroad.",
    "VGR": "Research time for clinicians, which is often sacrificed for care production.",
    "ORE": "Critical mass in fewer prioritised areas; research infrastructure and support functions.",
    "VBN": "Recruitment of senior researchers; using e-health research across the sparsely populated region.",
}
PLANS = {
    "STH": "Joint calls with other ALF regions from 2024; a career programme for nurses and physiotherapists.",
    "UPP": "Research residencies with 20 % protected time from 2025.",
    "OST": "A strategy is being discussed; no dated measures yet.",
    "SKA": "A regional registry centre and a mobility grant for postdoctoral researchers.",
    "VGR": "Combined clinical and research posts in every university health-care unit.",
    "ORE": "Three profile areas and a shared clinical research centre with the university.",
    "VBN": "Recruitment packages for professors and an e-health test bed shared with industry.",
}


def _regions() -> dict[str, Region]:
    return {r.code: r for r in Region.objects.filter(code__in=CODES)}


def _load_round(spec: dict, regions: dict[str, Region]) -> None:
    if EvaluationRound.objects.filter(name=spec["round"]["name"]).exists():
        return
    evaluation_round = services.evaluation_round_create(
        actor=SYSTEM,
        data={**spec["round"], "model": "alf2015", "source": Source.MEMO},
        panels={n: {"name": PANEL_NAMES[n]} for n in PANEL_NAMES},
    )
    cells = {}
    for panel in PANEL_NAMES:
        for code in CODES:
            rating = spec["ratings"][panel].get(code, GH)
            cells[(code, panel)] = services.CellInput(rating=rating, justification=JUSTIFICATIONS[(panel, rating)])
    findings = {}
    for code in CODES:
        answers = {"development_areas": True, "realistic_plans": True, "previous_acted_on": True, **spec["findings"].get(code, {})}
        findings[code] = {
            **answers,
            "development_areas_comment": DEVELOP[code],
            "realistic_plans_comment": PLANS[code],
            "previous_acted_on_comment": (
                "First round under the ALF 2015 agreement: the region's own earlier reviews were followed up."
                if spec["round"]["evaluation_year_to"] == 2018
                else "The recommendations of the 2018 evaluation have been addressed in the regional ALF agreement."
            ),
        }
    evaluation_round = services.round_grid_save(
        actor=SYSTEM, evaluation_round=evaluation_round, expected_version=None, cells=cells, findings=findings, source=Source.ILLUSTRATIVE
    )
    start, end = spec["bibliometrics"]["period"]
    for code, (publications, impact, uncited) in spec["bibliometrics"]["rows"].items():
        if Bibliometrics.objects.filter(region=regions[code], period_start=start, period_end=end).exists():
            continue
        highly = (Decimal(publications) * Decimal(impact) / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        services.bibliometrics_create(
            actor=SYSTEM,
            data={
                "region": regions[code],
                "period_start": start,
                "period_end": end,
                "evaluation_round": evaluation_round,
                "publications": Decimal(publications),
                "highly_cited": highly,
                "citation_impact": Decimal(impact),
                "uncited_share": Decimal(uncited),
                "source": Source.ILLUSTRATIVE,
            },
        )
    services.evaluation_round_finalize(actor=SYSTEM, evaluation_round=evaluation_round, expected_version=None)


@transaction.atomic
def load() -> None:
    regions = _regions()
    if len(regions) < len(CODES):
        return  # the registry demo must run first
    for spec in ROUNDS:
        _load_round(spec, regions)
    for (start, end), a, b, count in CO_PUBLICATIONS:
        first, second = sorted((regions[a], regions[b]), key=lambda r: r.pk)
        if CoPublication.objects.filter(period_start=start, period_end=end, region_a=first, region_b=second).exists():
            continue
        services.co_publication_set(
            actor=SYSTEM,
            period_start=start,
            period_end=end,
            region_a=regions[a],
            region_b=regions[b],
            publications=Decimal(count),
            source=Source.ILLUSTRATIVE,
        )
