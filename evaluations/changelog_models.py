"""The evaluations' models in the change log (``alfadmin.kernel.changelog``), registered from ``AppConfig.ready()``.

Who may read a row's history follows the evaluations' own read rules (``selectors``): rounds,
panels, bibliometrics and co-publications are open to every signed-in user; ratings and
findings of a draft round only to those who edit evaluations (and a reporter to its own region).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from alfadmin import permissions
from alfadmin.kernel.changelog import track
from alfadmin.models import Region

from . import selectors
from .models import Bibliometrics, CoPublication, EvaluationRound, Panel, PanelRating, RegionFindings, RoundReopening


def _signed_in(user: Any) -> Q | None:
    return Q() if permissions.is_signed_in(user) else None


def _round_url(record: Any) -> str:
    return reverse("evaluations:round", args=[record.evaluation_round_id])


def register() -> None:
    track(EvaluationRound, label=lambda r: r.name, scope=_signed_in, url=lambda r: reverse("evaluations:round", args=[r.id]))
    track(
        Panel,
        label=lambda r: f"{r.evaluation_round.name}: {r.number}. {r.name}",
        related=("evaluation_round",),
        scope=_signed_in,
        url=_round_url,
        parents={EvaluationRound: "evaluation_round"},
    )
    track(
        PanelRating,
        label=lambda r: f"{r.evaluation_round.name}: {r.region.code}, {r.panel}",
        related=("evaluation_round", "region"),
        scope=selectors.result_scope,
        region_field="region",
        url=_round_url,
        parents={EvaluationRound: "evaluation_round", Region: "region"},
    )
    track(
        RegionFindings,
        label=lambda r: f"{r.evaluation_round.name}: {r.region.code}",
        related=("evaluation_round", "region"),
        scope=selectors.result_scope,
        region_field="region",
        url=_round_url,
        parents={EvaluationRound: "evaluation_round", Region: "region"},
    )
    track(
        Bibliometrics,
        label=lambda r: f"{r.region.code} {r.period_start}–{r.period_end}",
        related=("region",),
        scope=_signed_in,
        region_field="region",
        url=lambda r: reverse("evaluations:bibliometrics-edit", args=[r.id]),
        parents={Region: "region"},
    )
    track(
        CoPublication,
        label=lambda r: f"{r.region_a.code}–{r.region_b.code} {r.period_start}",
        related=("region_a", "region_b"),
        scope=_signed_in,
    )
    track(
        RoundReopening,
        label=lambda r: r.evaluation_round.name,
        related=("evaluation_round",),
        scope=_signed_in,
        url=_round_url,
        parents={EvaluationRound: "evaluation_round"},
    )
