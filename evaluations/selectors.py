"""Reads of evaluations.

Two kinds:
- for the allocation gatherer (no user; FINALIZED rounds only — a draft never drives money):
  `round_for_year`, `ratings_by_region`, `plans_ok_by_region`, `highly_cited_by_region`;
- for pages and the API, already scoped to the acting user: every signed-in user reads
  finalized (published) results; VR staff and administrators also drafts; a region's
  reporter also its own region's draft ratings and findings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from alfadmin.models import AgreementPeriod, Region
from alfrules.inputs import DEFAULT_PANEL_WEIGHTS

from . import permissions
from .models import PANEL_NUMBERS, Bibliometrics, CoPublication, EvaluationRound, Panel, PanelRating, RegionFindings, RoundReopening

FINALIZED = EvaluationRound.Status.FINALIZED
WORLD_CITATION_IMPACT = Decimal("10")  # the world average share of top-10 % publications, by definition


# For the allocation gatherer ----------------------------------------------------------------


def round_for_year(*, year: int) -> EvaluationRound | None:
    """The latest finalized round whose application period covers `year` (rules §7)."""
    return (
        EvaluationRound.objects.filter(status=FINALIZED, applies_from__lte=year, applies_to__gte=year)
        .order_by("-evaluation_year_to", "-applies_from", "-pk")
        .first()
    )


def latest_round_before(*, year: int) -> EvaluationRound | None:
    """The latest finalized round that applied before `year`: its ratings are carried forward in
    projections for years no round covers yet."""
    return EvaluationRound.objects.filter(status=FINALIZED, applies_to__lt=year).order_by("-applies_to", "-evaluation_year_to", "-pk").first()


def latest_finalized_rounds(*, before_year: int, count: int) -> list[EvaluationRound]:
    """The `count` latest finalized rounds that apply from before `before_year` (newest first)."""
    return list(
        EvaluationRound.objects.filter(status=FINALIZED, applies_from__lt=before_year).order_by("-applies_from", "-evaluation_year_to", "-pk")[:count]
    )


def ratings_by_region(*, evaluation_round: EvaluationRound) -> dict[str, dict[str, str]]:
    """Region code → {"1": rating, "2": rating, "3": rating} of a finalized round."""
    result: dict[str, dict[str, str]] = defaultdict(dict)
    rows = PanelRating.objects.filter(evaluation_round=evaluation_round, evaluation_round__status=FINALIZED).values_list(
        "region__code", "panel", "rating"
    )
    for code, panel, rating in rows:
        result[code][str(panel)] = rating
    return dict(result)


def plans_ok_by_region(*, evaluation_round: EvaluationRound) -> dict[str, bool]:
    """Region code → True iff all three findings are yes (unanswered counts as no)."""
    if not EvaluationRound.objects.filter(pk=evaluation_round.pk, status=FINALIZED).exists():
        return {}
    findings = {
        f.region.code: f.plans_ok for f in RegionFindings.objects.filter(evaluation_round=evaluation_round).select_related("region")
    }
    return {code: findings.get(code, False) for code in Region.objects.filter(is_active=True).values_list("code", flat=True)}


def highly_cited_by_region(*, evaluation_round: EvaluationRound) -> dict[str, Decimal]:
    """Region code → the round's count of highly cited publications (0 without data)."""
    counts = dict(
        Bibliometrics.objects.filter(evaluation_round=evaluation_round, evaluation_round__status=FINALIZED).values_list(
            "region__code", "highly_cited"
        )
    )
    return {code: counts.get(code, Decimal("0")) for code in Region.objects.filter(is_active=True).values_list("code", flat=True)}


# Scoped to the acting user ------------------------------------------------------------------


def _result_scope(user, *, round_field: str = "evaluation_round", region_field: str = "region") -> Q | None:
    """None: nothing visible; Q(): everything; else the visible part of results."""
    if not permissions.can_view_evaluations(user):
        return None
    if permissions.can_edit_evaluations(user):
        return Q()
    scope = Q(**{f"{round_field}__status": FINALIZED})
    own = permissions.own_region(user)
    if own is not None:
        scope |= Q(**{f"{region_field}_id": own})
    return scope


def result_scope(user) -> Q | None:
    """Which ratings and findings `user` may read, as a ``Q`` (also on their historical rows)."""
    return _result_scope(user)


def round_list(*, user) -> QuerySet[EvaluationRound]:
    """Rounds themselves (names, years, status) are visible to every signed-in user."""
    if not permissions.can_view_evaluations(user):
        return EvaluationRound.objects.none()
    return EvaluationRound.objects.select_related("finalized_by").prefetch_related(
        Prefetch("panels", queryset=Panel.objects.order_by("number"))
    )


def rating_list(*, user) -> QuerySet[PanelRating]:
    scope = _result_scope(user)
    if scope is None:
        return PanelRating.objects.none()
    return (
        PanelRating.objects.filter(scope)
        .select_related("evaluation_round", "region")
        .order_by("-evaluation_round__applies_from", "region__code", "panel")
    )


def findings_list(*, user) -> QuerySet[RegionFindings]:
    scope = _result_scope(user)
    if scope is None:
        return RegionFindings.objects.none()
    return (
        RegionFindings.objects.filter(scope)
        .select_related("evaluation_round", "region")
        .order_by("-evaluation_round__applies_from", "region__code")
    )


def bibliometrics_list(*, user) -> QuerySet[Bibliometrics]:
    """Bibliometric indicators are open to every signed-in user (VR publishes them)."""
    if not permissions.can_view_evaluations(user):
        return Bibliometrics.objects.none()
    return Bibliometrics.objects.select_related("region", "evaluation_round").order_by("period_start", "period_end", "region__code")


def co_publication_list(*, user) -> QuerySet[CoPublication]:
    if not permissions.can_view_evaluations(user):
        return CoPublication.objects.none()
    return CoPublication.objects.select_related("region_a", "region_b").order_by("period_start", "region_a__code", "region_b__code")


def active_regions(*, user) -> list[Region]:
    if not permissions.can_view_evaluations(user):
        return []
    return list(Region.objects.filter(is_active=True).order_by("code"))


@dataclass
class MatrixRow:
    region: Region
    cells: list[PanelRating | None]
    findings: RegionFindings | None
    hidden: bool = False


@dataclass
class RoundMatrix:
    """A round's results, regions × panels, with what the user may see."""

    evaluation_round: EvaluationRound
    panels: list[Panel]
    rows: list[MatrixRow]
    illustrative: bool
    counts: dict[int, dict[str, int]] = field(default_factory=dict)
    weights: dict[int, Decimal] = field(default_factory=dict)

    @property
    def panel_columns(self) -> list[tuple[Panel, Decimal | None]]:
        """Each panel with its weight, which is the agreement period's (rules §5.2)."""
        return [(panel, self.weights.get(panel.number)) for panel in self.panels]


def panel_weights_for(*, evaluation_round: EvaluationRound) -> dict[int, Decimal]:
    """Panel number → weight for a round: the agreement fixes the weights, so they are those of
    the period covering the round's first year (rules §5.2), the defaults when none does."""
    period = AgreementPeriod.covering(evaluation_round.applies_from)
    return period.panel_weights if period is not None else dict(DEFAULT_PANEL_WEIGHTS)


def round_matrix(*, user, evaluation_round: EvaluationRound) -> RoundMatrix:
    ratings = {(r.region_id, r.panel): r for r in rating_list(user=user).filter(evaluation_round=evaluation_round)}
    findings = {f.region_id: f for f in findings_list(user=user).filter(evaluation_round=evaluation_round)}
    panels = list(evaluation_round.panels.all())
    visible_all = evaluation_round.is_finalized or permissions.can_edit_evaluations(user)
    own = permissions.own_region(user)
    rows = []
    counts: dict[int, dict[str, int]] = {n: defaultdict(int) for n in PANEL_NUMBERS}
    for region in active_regions(user=user):
        cells = [ratings.get((region.pk, n)) for n in PANEL_NUMBERS]
        for n, cell in zip(PANEL_NUMBERS, cells, strict=True):
            if cell is not None:
                counts[n][cell.rating] += 1
        rows.append(MatrixRow(region=region, cells=cells, findings=findings.get(region.pk), hidden=not visible_all and region.pk != own))
    sources = {r.source for r in ratings.values()} | {f.source for f in findings.values()}
    return RoundMatrix(
        evaluation_round=evaluation_round,
        panels=panels,
        rows=rows,
        illustrative=bool(sources & {"illustrative", "projection"}),
        counts={n: dict(c) for n, c in counts.items()},
        weights=panel_weights_for(evaluation_round=evaluation_round),
    )


@dataclass
class RatingChange:
    when: Any
    who: Any
    region: str
    panel: int
    before: str
    after: str
    justification_changed: bool
    kind: str


def rating_history(*, user, evaluation_round: EvaluationRound, limit: int = 100) -> list[RatingChange]:
    """Every change of the round's ratings the user may see: who, when, before → after."""
    scope = _result_scope(user)
    if scope is None:
        return []
    records = list(
        PanelRating.history.filter(evaluation_round_id=evaluation_round.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    visible_regions = None
    if not (evaluation_round.is_finalized or permissions.can_edit_evaluations(user)):
        own = permissions.own_region(user)
        visible_regions = {own} if own is not None else set()
    codes = dict(Region.objects.values_list("pk", "code"))
    labels = dict(PanelRating._meta.get_field("rating").flatchoices)
    changes: list[RatingChange] = []
    previous: dict[int, Any] = {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if visible_regions is not None and record.region_id not in visible_regions:
            continue
        before_label = str(labels.get(before.rating, before.rating)) if before is not None and before.history_type != "-" else ""
        after_label = "" if record.history_type == "-" else str(labels.get(record.rating, record.rating))
        changes.append(
            RatingChange(
                when=record.history_date,
                who=record.history_user,
                region=codes.get(record.region_id, "?"),
                panel=record.panel,
                before=before_label,
                after=after_label,
                justification_changed=before is not None and before.justification != record.justification,
                kind=record.history_type,
            )
        )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]


def reopen_log(*, user, evaluation_round: EvaluationRound) -> list[RoundReopening]:
    if not permissions.can_view_evaluations(user):
        return []
    return list(evaluation_round.reopenings.select_related("reopened_by"))


@dataclass
class RegionRoundResult:
    evaluation_round: EvaluationRound
    cells: list[PanelRating | None]
    findings: RegionFindings | None
    panels: list[Panel]


def region_results(*, user, region: Region) -> list[RegionRoundResult]:
    """A region's ratings and findings across rounds, newest first (what the user may see)."""
    rounds = list(round_list(user=user))
    ratings: defaultdict[int, dict[int, PanelRating]] = defaultdict(dict)
    for r in rating_list(user=user).filter(region=region):
        ratings[r.evaluation_round_id][r.panel] = r
    findings = {f.evaluation_round_id: f for f in findings_list(user=user).filter(region=region)}
    results = []
    for evaluation_round in rounds:
        cells = [ratings[evaluation_round.pk].get(n) for n in PANEL_NUMBERS]
        if not any(cells) and evaluation_round.pk not in findings:
            continue
        results.append(
            RegionRoundResult(
                evaluation_round=evaluation_round,
                cells=cells,
                findings=findings.get(evaluation_round.pk),
                panels=list(evaluation_round.panels.all()),
            )
        )
    return results


@dataclass
class Trends:
    """Bibliometrics per period and region, for tables and charts."""

    periods: list[tuple[int, int]]
    regions: list[Region]
    cells: dict[tuple[str, tuple[int, int]], Bibliometrics]
    illustrative: bool

    @property
    def period_labels(self) -> list[str]:
        return [f"{a}–{b}" for a, b in self.periods]

    def _series(self, attribute: str) -> list[dict[str, Any]]:
        series = []
        for region in self.regions:
            values = []
            for period in self.periods:
                cell = self.cells.get((region.code, period))
                values.append(float(getattr(cell, attribute)) if cell is not None else None)
            series.append({"label": region.code, "data": values})
        return series

    def publications_chart(self) -> dict[str, Any]:
        return {"type": "bar", "labels": self.period_labels, "datasets": self._series("publications")}

    def impact_chart(self, *, world_label: str) -> dict[str, Any]:
        datasets = self._series("citation_impact")
        for d in datasets:
            d["spanGaps"] = True
        datasets.append(
            {
                "label": world_label,
                "data": [float(WORLD_CITATION_IMPACT)] * len(self.periods),
                "borderDash": [6, 4],
                "borderColor": "#1b1f24",
                "backgroundColor": "#1b1f24",
                "pointRadius": 0,
            }
        )
        return {"type": "line", "labels": self.period_labels, "datasets": datasets}

    def totals(self) -> list[dict[str, Any]]:
        """Per period: all regions' publications, highly cited and the pooled citation impact."""
        out = []
        for period in self.periods:
            cells = [c for (code, p), c in self.cells.items() if p == period]
            publications = sum((c.publications for c in cells), Decimal("0"))
            highly = sum((c.highly_cited for c in cells), Decimal("0"))
            out.append(
                {
                    "period": f"{period[0]}–{period[1]}",
                    "publications": publications,
                    "highly_cited": highly,
                    "impact": (highly / publications * 100) if publications else None,
                }
            )
        return out


def bibliometric_trends(*, user, region: Region | None = None) -> Trends:
    rows = bibliometrics_list(user=user)
    if region is not None:
        rows = rows.filter(region=region)
    cells = {(b.region.code, (b.period_start, b.period_end)): b for b in rows}
    periods = sorted({p for _, p in cells})
    regions = [region] if region is not None else active_regions(user=user)
    illustrative = any(b.source in ("illustrative", "projection") for b in cells.values())
    return Trends(periods=periods, regions=regions, cells=cells, illustrative=illustrative)


def round_as_stored(*, user, round_id: int) -> EvaluationRound:
    """A round read afresh (with its panels), as another request may have just changed it."""
    return round_list(user=user).get(pk=round_id)
