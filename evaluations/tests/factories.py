"""Factories for evaluations tests. Rounds are made through the services, so their panels,
versions and history are as in real use. Registry rows (regions, periods, users) come from
alfadmin/tests/factories.py."""

from decimal import Decimal

from alfadmin.kernel.writes import SYSTEM
from evaluations import services
from evaluations.models import Bibliometrics


def make_round(*, name="2026/27", applies_from=2028, applies_to=2031, model="alf2015", actor=SYSTEM, **extra):
    return services.evaluation_round_create(
        actor=actor,
        data={
            "name": name,
            "evaluation_year_from": applies_from - 2,
            "evaluation_year_to": applies_from - 1,
            "applies_from": applies_from,
            "applies_to": applies_to,
            "model": model,
            **extra,
        },
    )


def rate(evaluation_round, ratings: dict[tuple[str, int], str], *, actor=SYSTEM, findings=None, reason="rated in a test"):
    """Save the grid with the given cells (others untouched); returns the fresh round."""
    cells = {key: services.CellInput(rating=value, justification=f"because {key}") for key, value in ratings.items()}
    return services.round_grid_save(
        actor=actor, evaluation_round=evaluation_round, expected_version=None, cells=cells, findings=findings, reason=reason
    )


def rate_all(evaluation_round, codes, *, very_high: dict[int, list[str]] | None = None, inadequate=None, actor=SYSTEM, findings=None):
    very_high = very_high or {1: codes[:1], 2: codes[:1], 3: codes[:1]}
    inadequate = inadequate or {}
    ratings = {}
    for panel in (1, 2, 3):
        for code in codes:
            value = "good_high"
            if code in very_high.get(panel, []):
                value = "very_high"
            if code in inadequate.get(panel, []):
                value = "inadequate"
            ratings[(code, panel)] = value
    return rate(evaluation_round, ratings, actor=actor, findings=findings)


def all_yes(codes, **overrides):
    return {
        code: {"development_areas": True, "realistic_plans": True, "previous_acted_on": True, **overrides.get(code, {})} for code in codes
    }


def bibliometrics(
    region, *, period=(2022, 2025), evaluation_round=None, publications="1000", highly_cited="100", impact="10", uncited="15"
):
    return Bibliometrics.objects.create(
        region=region,
        period_start=period[0],
        period_end=period[1],
        evaluation_round=evaluation_round,
        publications=Decimal(publications),
        highly_cited=Decimal(highly_cited),
        citation_impact=Decimal(impact),
        uncited_share=Decimal(uncited),
    )


def basis(evaluation_round, *, period=(2022, 2025)):
    """A bibliometric basis of `evaluation_round` for every active region (a Ds 2024 round needs one to be finalized)."""
    from alfadmin.models import Region

    return [bibliometrics(region, period=period, evaluation_round=evaluation_round) for region in Region.objects.filter(is_active=True)]
