"""Analysis pages: projections, the two models side by side, the explanation diff of
two runs, the as-of rerun of a run and the rating risk of a year.

Every page reads through the selectors and the read-only analyses (`allocations.analysis`);
nothing here stores anything. The figures are the same as the API's.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alfadmin.kernel.views import require, section
from alfadmin.models import ShareTable
from alfadmin.templatetags.alf_format import kr, percent
from alfrules.errors import ScenarioError
from alfrules.inputs import Rating
from alfrules.risk import RatingChange, UndrawableRatings
from alfrules.shapley import GROUPS

from .. import exports, permissions, selectors
from ..analysis.differences import Difference, runs_difference, scenarios_difference
from ..analysis.projections import Assumption, ProjectedYear, project
from ..analysis.reruns import run_rerun
from ..analysis.risk import DEFAULT_SAMPLES, MAX_SAMPLES, RiskUnavailable, year_risk
from ..forms import RATING_CODES, ProjectionForm, RiskForm
from ..labels import CAUSE_LABELS, MODEL_LABELS, RATING_LABELS, unavailable_text
from ..models import AllocationModel, AllocationRun
from ..switches import projection_request

DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR = 2024, 2031


def _chart_ids(prefix: str) -> tuple[str, str]:
    chart_id = f"{prefix}-{uuid.uuid4().hex[:8]}"
    return chart_id, f"{chart_id}-data"


# Projections -----------------------------------------------------------------------------------


def assumption_text(assumption: Assumption) -> str:
    """An assumption behind a projected year as a sentence in the user's language."""
    params = assumption.params
    if assumption.code == "projected_year":
        return _("The year lies ahead: its figures are a projection.")
    if assumption.code == "plo_assumed":
        return _("The price and wage adjustment (PLO) is assumed to be %(plo)s.") % {"plo": percent(params["plo"], 2)}
    if assumption.code == "education_proposals":
        return _("The memo's education proposals apply: %(proposals)s.") % {"proposals": ", ".join(str(p) for p in params["proposals"])}
    if assumption.code == "ratings_carried_forward":
        return _("No evaluation round covers the year: the ratings of round %(round)s are carried forward.") % {"round": params["round"]}
    if assumption.code == "share_table":
        return _("Research shares: %(table)s.") % {"table": ShareTable.Kind(params["table"]).label}
    if assumption.code == "research_increase":
        return _("The research appropriation is raised by %(amount)s.") % {"amount": kr(params["amount"])}
    return assumption.code


def _projection_form(request: HttpRequest) -> ProjectionForm:
    data = request.GET.copy()
    data.setdefault("from", str(DEFAULT_FIRST_YEAR))
    data.setdefault("to", str(DEFAULT_LAST_YEAR))
    return ProjectionForm(data)


def _project(form: ProjectionForm) -> list[ProjectedYear] | None:
    """The projected years, or None with the form's errors set."""
    if not form.is_valid():
        return None
    try:
        return project(request=projection_request(form.cleaned_data))
    except ValueError as error:
        form.add_error(None, str(error))
        return None


def _projection_rows(years: list[ProjectedYear]) -> list[dict[str, Any]]:
    regions = sorted({code for year in years for code in year.regions})
    rows = []
    for code in regions:
        cells = [
            {"year": y.year, "projection": y.is_projection, "education": y.education.get(code), "research": y.research.get(code), "total": y.total(code)}
            for y in years
            if code in y.regions
        ]
        rows.append({"region": code, "years": cells})
    return rows


def _projection_chart(years: list[ProjectedYear]) -> dict[str, Any]:
    regions = sorted({code for year in years for code in year.regions})
    return {
        "type": "line",
        "labels": [f"{y.year}*" if y.is_projection else str(y.year) for y in years],
        "datasets": [{"label": code, "data": [y.total(code) if code in y.regions else None for y in years]} for code in regions],
    }


@section("allocations")
@require(permissions.can_analyse_allocations)
@require_GET
def projections(request: HttpRequest) -> HttpResponse:
    """Per region and year the education and research money under the chosen model and switches."""
    form = _projection_form(request)
    years = _project(form)
    context: dict[str, Any] = {"form": form, "years": years}
    if years is not None:
        chart_id, data_id = _chart_ids("projection-chart")
        context.update(
            {
                "rows": _projection_rows(years),
                "chart": _projection_chart(years),
                "chart_id": chart_id,
                "chart_data_id": data_id,
                "assumptions": [
                    {
                        "year": y,
                        "texts": [assumption_text(a) for a in y.assumptions],
                        "unavailable": [unavailable_text({"unavailable": reason}) for reason in y.unavailable.values()],
                    }
                    for y in years
                ],
                "export_query": _projection_query(form),
                "change_years": [later.year for earlier, later in zip(years, years[1:], strict=False) if later.year == earlier.year + 1],
            }
        )
    return render(request, "allocations/projection_list.html", context, status=200 if years is not None else 400)


def _projection_query(form: ProjectionForm) -> str:
    return urlencode({k: v for k, v in form.data.items() if v not in ("", None) and k != "year"})


@section("allocations")
@require(permissions.can_analyse_allocations)
@require_GET
def projection_why(request: HttpRequest) -> HttpResponse:
    """Why a projected year differs from the year before under the same assumptions: each
    region's difference split by cause, as on the runs' explanation diff."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        raise Http404 from None
    budget_years = selectors.budget_years(user=request.user)
    if year not in budget_years or year - 1 not in budget_years:
        raise Http404
    data = request.GET.copy()
    data["from"], data["to"] = str(year - 1), str(year)
    form = ProjectionForm(data)
    years = _project(form)
    context: dict[str, Any] = {"year": year, "form": form, "back_query": _projection_query(form), "causes": [(g, CAUSE_LABELS[g]) for g in GROUPS]}
    if years is None:
        return render(request, "allocations/projection_why.html", context, status=400)
    earlier, later = years
    context.update({"earlier": earlier, "later": later, "research_increase": form.cleaned_data.get("research_increase") or 0})
    try:
        difference = scenarios_difference(before=earlier.scenario, after=later.scenario)
    except ScenarioError as error:
        # E.g. one of the years has no research part: the page says which and why.
        context["error"] = str(error)
        context["unavailable"] = [f"{y.year}: {unavailable_text({'unavailable': reason})}" for y in years for reason in y.unavailable.values()]
        return render(request, "allocations/projection_why.html", context)
    context.update(difference_context(difference, before_label=str(year - 1), after_label=str(year)))
    return render(request, "allocations/projection_why.html", context)


@require(permissions.can_analyse_allocations)
@require_GET
def projections_xlsx(request: HttpRequest) -> HttpResponse:
    form = _projection_form(request)
    years = _project(form)
    if years is None:
        return render(request, "allocations/projection_list.html", {"form": form, "years": None}, status=400)
    with translation.override("sv"):  # the file's text is Swedish, like the allocation export's headers
        assumptions = {y.year: [assumption_text(a) for a in y.assumptions] for y in years}
    content = exports.projections_to_xlsx(years, assumptions=assumptions)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    first, last = form.cleaned_data["from"], form.cleaned_data["to"]
    response["Content-Disposition"] = f'attachment; filename="alf-projektion-{first}-{last}.xlsx"'
    return response


# Model comparison ------------------------------------------------------------------------------


def _alf2015_reasons(run: AllocationRun) -> dict[str, list[str]]:
    """Per region: the panels where a guarantee or a cap decided the amount (from the trace)."""
    reasons: dict[str, list[str]] = {}
    for step in run.trace or []:
        region, panel = step.get("region"), step.get("panel")
        if step.get("step") == "guarantee" and region:
            reasons.setdefault(region, []).append(_("Panel %(panel)s: guarantee (good–high rating)") % {"panel": panel})
        elif step.get("step") == "cap" and region:
            reasons.setdefault(region, []).append(_("Panel %(panel)s: capped at the ceiling") % {"panel": panel})
    return reasons


def _ds2024_reasons(run: AllocationRun) -> dict[str, list[str]]:
    reasons: dict[str, list[str]] = {}
    for code, lines in ((run.result or {}).get("research") or {}).get("regions", {}).items():
        if lines.get("quality_forfeited"):
            reasons.setdefault(code, []).append(_("Quality amount forfeited: %(amount)s") % {"amount": kr(lines["quality_forfeited"])})
        elif lines.get("quality"):
            reasons.setdefault(code, []).append(_("Quality amount kept: %(amount)s") % {"amount": kr(lines["quality"])})
    return reasons


def _totals(run: AllocationRun | None) -> dict[str, int]:
    result = (run.result if run is not None else None) or {}
    education = (result.get("education") or {}).get("regions") or {}
    research = (result.get("research") or {}).get("regions") or {}
    return {code: (education.get(code) or 0) + ((research.get(code) or {}).get("total") or 0) for code in sorted(set(education) | set(research))}


@section("allocations")
@require(permissions.can_analyse_allocations)
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """A year's ALF 2015 and Ds 2024 allocations side by side, with the reasons and which one pays."""
    years = selectors.budget_years(user=request.user)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = years[-1] if years else 0
    if year not in years:
        raise Http404
    runs = selectors.year_runs(user=request.user, year=year)
    alf, ds = runs.get(AllocationModel.ALF2015.value), runs.get(AllocationModel.DS2024.value)
    alf_totals, ds_totals = _totals(alf), _totals(ds)
    alf_reasons = _alf2015_reasons(alf) if alf else {}
    ds_reasons = _ds2024_reasons(ds) if ds else {}
    rows = []
    for code in sorted(set(alf_totals) | set(ds_totals)):
        a, d = alf_totals.get(code), ds_totals.get(code)
        difference = d - a if a is not None and d is not None else None
        rows.append(
            {
                "region": code,
                "alf2015": a,
                "ds2024": d,
                "difference": difference,
                "ratio": difference / a if difference is not None and a else None,
                "alf2015_reasons": alf_reasons.get(code, []),
                "ds2024_reasons": ds_reasons.get(code, []),
            }
        )
    guns = (((ds.result or {}).get("research") or {}).get("guns")) if ds else None
    paying = selectors.paying_model(year=year)
    return render(
        request,
        "allocations/model_compare.html",
        {
            "year": year,
            "years": years,
            "rows": rows,
            "alf": alf,
            "ds": ds,
            "alf_total": sum(alf_totals.values()) if alf else None,
            "ds_total": sum(ds_totals.values()) if ds else None,
            "total_difference": sum(ds_totals.values()) - sum(alf_totals.values()) if alf and ds else None,
            "guns": guns,
            "paying": paying,
            "alf_notes": alf.notes_in("sv" if _swedish() else "en") if alf else [],
            "ds_notes": ds.notes_in("sv" if _swedish() else "en") if ds else [],
            "unavailable": [
                (MODEL_LABELS[model], unavailable_text((run.input_meta or {}).get("research")))
                for model, run in sorted(runs.items())
                if unavailable_text((run.input_meta or {}).get("research"))
            ],
            "diff_query": urlencode({"from": alf.pk, "to": ds.pk}) if alf and ds else "",
            "model_labels": MODEL_LABELS,
        },
    )


def _swedish() -> bool:
    return (get_language() or "sv").startswith("sv")


# Explanation diff ------------------------------------------------------------------------------


def _run_id(request: HttpRequest, name: str) -> int:
    value = request.GET.get(name, "")
    if not value.isdigit() or not 0 < int(value) < 2**63:
        raise Http404
    return int(value)


@section("allocations")
@require(permissions.can_analyse_allocations)
@require_GET
def diff(request: HttpRequest) -> HttpResponse:
    """Each region's difference between two runs split by cause, as a table and a waterfall."""
    scoped = selectors.run_detail_queryset(user=request.user)
    from_run = get_object_or_404(scoped, pk=_run_id(request, "from"))
    to_run = get_object_or_404(scoped, pk=_run_id(request, "to"))
    context: dict[str, Any] = {"from_run": from_run, "to_run": to_run, "causes": [(g, CAUSE_LABELS[g]) for g in GROUPS]}
    try:
        difference = runs_difference(from_run=from_run, to_run=to_run)
    except ScenarioError as error:
        # Not a bad request: the pages link to pairs of runs that may turn out incomparable
        # (e.g. a year without research against one with); the page says why.
        context["error"] = str(error)
        return render(request, "allocations/run_diff.html", context)
    context.update(difference_context(difference, before_label=_("Before"), after_label=_("After")))
    return render(request, "allocations/run_diff.html", context)


def difference_context(difference: Difference, *, before_label: str, after_label: str) -> dict[str, Any]:
    """The table and waterfall charts of a difference split by cause (the causes that moved money)."""
    shown = [g for g in GROUPS if any(r.causes[g] for r in difference.regions)]
    regions = []
    for r in difference.regions:
        chart_id, data_id = _chart_ids(f"waterfall-{r.region}")
        steps = [{"label": str(CAUSE_LABELS[g]), "amount": r.causes[g]} for g in GROUPS if r.causes[g]]
        regions.append(
            {
                "region": r,
                "causes": [r.causes[g] for g in shown],
                "chart_id": chart_id,
                "chart_data_id": data_id,
                "chart": {"from_label": before_label, "to_label": after_label, "before": r.before, "after": r.after, "steps": steps},
            }
        )
    return {
        "difference": difference,
        "shown": [(g, CAUSE_LABELS[g]) for g in shown],
        "regions": regions,
        "before_label": before_label,
        "after_label": after_label,
        "totals": {
            "before": sum(r.before for r in difference.regions),
            "after": sum(r.after for r in difference.regions),
            "difference": sum(r.difference for r in difference.regions),
            "causes": [sum(r.causes[g] for r in difference.regions) for g in shown],
        },
    }


# As-of rerun -----------------------------------------------------------------------------------


@section("allocations")
@require(permissions.can_analyse_allocations)
@require_POST
def rerun(request: HttpRequest, pk: int) -> HttpResponse:
    """Recompute a run from its snapshot with today's engine (nothing is stored); htmx swaps the
    result into the run page, a plain POST gets a page of its own."""
    run = get_object_or_404(selectors.run_detail_queryset(user=request.user), pk=pk)
    result = run_rerun(run=run)
    context = {"run": run, "rerun": result, "differences": result.differences[:200]}
    if request.headers.get("HX-Request"):
        return render(request, "allocations/partials/rerun_result.html", context)
    return render(request, "allocations/run_rerun.html", context)


# Rating risk -----------------------------------------------------------------------------------


def _risk_context(form: RiskForm, report: Any) -> dict[str, Any]:
    chart_id, data_id = _chart_ids("risk-chart")
    regions = [
        {"region": o.region, "today": o.today, "p5": o.risk.p5, "median": o.risk.median, "p95": o.risk.p95} for o in report.regions
    ]
    by_region = {o.region: o.today for o in report.regions}
    changes = []
    for change in report.changes.changes:
        after = change.research.get(change.region) if change.research is not None else None
        changes.append(
            {
                "region": change.region,
                "panel": change.panel,
                "direction": "up" if list(Rating).index(change.after) > list(Rating).index(change.before) else "down",
                "before": RATING_LABELS[change.before.value],
                "after_rating": RATING_LABELS[change.after.value],
                "after": after,
                "difference": after - by_region[change.region] if after is not None else None,
                "invalid": _invalid_change_text(change),
            }
        )
    probability_rows = []
    for code, panels in report.probabilities.items():
        for panel, ratings in sorted(panels.items()):
            cells = []
            for rating in RATING_CODES:
                field = form[RiskForm.probability_name(code, panel, rating)]
                given = field.value()
                value = given if given not in (None, "") else f"{ratings.get(Rating(rating), 0.0):.4f}"
                cells.append({"field": field, "value": value, "rating": RATING_LABELS[rating]})
            probability_rows.append({"region": code, "panel": panel, "cells": cells})
    return {
        "report": report,
        "regions": regions,
        "changes": changes,
        "probability_rows": probability_rows,
        "chart_id": chart_id,
        "chart_data_id": data_id,
        "chart": {
            "labels": [r["region"] for r in regions],
            "p5": [r["p5"] for r in regions],
            "p95": [r["p95"] for r in regions],
            "median": [r["median"] for r in regions],
            "today": [r["today"] for r in regions],
            "names": {"range": _("5th–95th percentile"), "median": _("Median"), "today": _("Today")},
        },
    }


def _invalid_change_text(change: RatingChange) -> str:
    """Why the model rejects a single-step change, for the page (the engine says it in English)."""
    if change.invalid is None:
        return ""
    if change.invalid_field == "research.ratings":
        # The only rule on a whole panel's ratings: how many regions may be very high.
        return _("Not possible under this model: panel %(panel)s would have more regions rated very high than the model allows.") % {"panel": change.panel}
    return _("The model does not accept these ratings: %(reason)s") % {"reason": change.invalid}


def _risk_error_text(error: ValueError) -> str:
    if isinstance(error, UndrawableRatings):
        return _(
            "No outcomes could be drawn: with these probabilities a panel almost always has more than %(max)s regions rated very high. Lower some very-high probabilities."
        ) % {"max": error.max_very_high}
    return str(error)


@section("allocations")
@require(permissions.can_analyse_allocations)
@require_http_methods(["GET", "POST"])
def risk(request: HttpRequest) -> HttpResponse:
    """Each region's research money over rating outcomes of the next round; POST (htmx) with the
    user's own probabilities recomputes the results."""
    source = request.POST if request.method == "POST" else request.GET
    years = selectors.budget_years(user=request.user)
    year, model = _risk_year_and_model(source, years)
    report, regions, increase, error = _risk_report(source, year=year, model=model)
    data = source.copy()
    data["year"] = str(year)
    data.setdefault("samples", str(DEFAULT_SAMPLES))
    form = RiskForm(data, regions=regions)
    status = 200
    if request.method == "POST" and report is not None:
        report, status = _risk_with_probabilities(form, report, year=year, model=model, increase=increase)
    context: dict[str, Any] = {
        "year": year,
        "years": years,
        "form": form,
        "error": error,
        "max_samples": MAX_SAMPLES,
        "model": model or "",
        "research_increase": increase,
        "paying_model": selectors.paying_model(year=year),
        "models": [(code, MODEL_LABELS[code]) for code in AllocationModel.values],
    }
    if report is not None:
        context.update(_risk_context(form, report))
    if request.headers.get("HX-Request"):
        # htmx swaps only 2xx answers: the partial with the errors marked comes as 200.
        return render(request, "allocations/partials/risk_results.html", context)
    return render(request, "allocations/year_risk.html", context, status=status if not error else 400)


def _risk_year_and_model(source: Any, years: list[int]) -> tuple[int, str | None]:
    """The year asked for (else the latest; one not stored is a 404) and the model, if a known one."""
    try:
        year = int(source.get("year", ""))
    except ValueError:
        year = None
    if year is None:
        year = years[-1] if years else None
    if year is None or year not in years:
        raise Http404
    model = source.get("model") or None
    if model is not None and model not in AllocationModel.values:
        model = None
    return year, model


def _risk_report(source: Any, *, year: int, model: str | None) -> tuple[Any, list[str], int, str]:
    """The risk report with the default probabilities, its regions, the research increase and
    the error shown instead when there is none."""
    report = None
    error = ""
    regions: list[str] = []
    increase_field = RiskForm.base_fields["research_increase"]
    try:
        # Read before the form (whose probability fields depend on the report): a bad amount is
        # an error naming the field, not a silent zero.
        increase = increase_field.clean(source.get("research_increase")) or 0
        report = year_risk(year=year, samples=_samples(source), model=model, research_increase=increase)
        regions = [o.region for o in report.regions]
    except ValidationError as bad:
        increase, error = 0, f"{increase_field.label}: {' '.join(bad.messages)}"
    except RiskUnavailable as unavailable:
        error = str(unavailable)
    except ValueError as bad:
        error = _risk_error_text(bad)
    return report, regions, increase, error


def _risk_with_probabilities(form: RiskForm, report: Any, *, year: int, model: str | None, increase: int) -> tuple[Any, int]:
    """The report recomputed with the user's own probabilities, if the form gives valid ones,
    and the status: 400 when the form or the recomputation refuses them."""
    if form.is_valid() and form.cleaned_data["probabilities"]:
        given = {code: {panel: {Rating(r): p for r, p in ratings.items()} for panel, ratings in panels.items()} for code, panels in form.cleaned_data["probabilities"].items()}
        try:
            return year_risk(year=year, samples=form.cleaned_data["samples"] or DEFAULT_SAMPLES, model=model, probabilities=given, research_increase=increase), 200
        except ValueError as bad:
            form.add_error(None, _risk_error_text(bad))
            return report, 400
    if not form.is_valid():
        return report, 400
    return report, 200


def _samples(source: Any) -> int:
    try:
        samples = int(source.get("samples", DEFAULT_SAMPLES))
    except (TypeError, ValueError):
        return DEFAULT_SAMPLES
    return min(max(samples, 1), MAX_SAMPLES)


def overview_links(*, user, year: int, model: str) -> dict[str, str]:
    """The year overview's links to the analyses of the year (diff with last year and between
    the models, the comparison, the risk); one query."""
    ids = selectors.current_run_ids(user=user, years=[year - 1, year])
    links = {
        "compare": f"{reverse('allocations:compare')}?year={year}",
        "risk": f"{reverse('allocations:risk')}?year={year}",
        "projections": reverse("allocations:projections"),
    }
    this, last = ids.get((year, model)), ids.get((year - 1, model))
    if this and last:
        links["last_year"] = f"{reverse('allocations:diff')}?{urlencode({'from': last, 'to': this})}"
    alf, ds = ids.get((year, AllocationModel.ALF2015.value)), ids.get((year, AllocationModel.DS2024.value))
    if alf and ds:
        links["models"] = f"{reverse('allocations:diff')}?{urlencode({'from': alf, 'to': ds})}"
    return links

