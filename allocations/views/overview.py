"""Allocation pages: the year overview (live while recomputing), a region across years, the
"why" page of a run, the runs of a year, exports, and publishing for administrators."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from alfadmin import selectors as registry_selectors
from alfadmin.http import AuthenticatedHttpRequest
from alfadmin.kernel.views import require, section
from alfrules.errors import ScenarioError
from alfrules.explain import render_step

from .. import exports, permissions, selectors, services
from ..forms import ReopenForm, YearModelForm
from ..labels import MODEL_LABELS, unavailable_text
from ..models import AllocationModel, AllocationRun
from ..services.recompute import compute, input_hash
from .analysis import overview_links

MODELS = [m.value for m in AllocationModel]


def _language() -> str:
    return "sv" if (get_language() or "sv").startswith("sv") else "en"


def _pick(request: HttpRequest, years: list[int]) -> tuple[int | None, str]:
    """The year and model asked for, or sensible defaults: this year (else the latest) and the
    model that pays it."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year not in years:
        this_year = timezone.localdate().year
        year = this_year if this_year in years else (years[-1] if years else None)
    model = request.GET.get("model")
    if model not in MODELS:
        model = selectors.paying_model(year=year) if year is not None else AllocationModel.ALF2015.value
    return year, model


def _query(year: int, model: str) -> str:
    params: dict[str, int | str] = {"year": year, "model": model}
    return urlencode(params)


def _chart(allocation: selectors.YearAllocation) -> dict[str, Any]:
    return {
        "labels": [row.code for row in allocation.rows],
        "stacked": True,
        "datasets": [
            {"label": _("Education"), "data": [row.education or 0 for row in allocation.rows]},
            {"label": _("Research"), "data": [row.research_total or 0 for row in allocation.rows]},
        ],
    }


def _live_context(request: HttpRequest, allocation: selectors.YearAllocation) -> dict[str, Any]:
    # A fresh canvas id per response: htmx copies the style attribute of an element with the
    # same id onto its replacement when it settles, which the CSP (no inline style) refuses.
    chart_id = f"allocation-chart-{uuid.uuid4().hex[:10]}"
    return {
        "allocation": allocation,
        "chart_id": chart_id,
        "chart_data_id": f"{chart_id}-data",
        "chart": _chart(allocation),
        "query": _query(allocation.year, allocation.model),
        "research_unavailable": unavailable_text((allocation.run.input_meta or {}).get("research")) if allocation.run else "",
        "education_unavailable": unavailable_text((allocation.run.input_meta or {}).get("education")) if allocation.run else "",
        "notes": allocation.notes_in(_language()),
    }


@section("allocations")
@require(permissions.can_view_allocations)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """A year's allocation under one model: every region's lines, the change from last year, a chart."""
    years = selectors.budget_years(user=request.user)
    year, model = _pick(request, years)
    if year is None:
        return render(request, "allocations/overview.html", {"years": [], "allocation": None})
    allocation = selectors.year_allocation(user=request.user, year=year, model=model)
    if allocation is None:
        raise Http404
    publication = allocation.publication
    context = {
        "years": years,
        "year": year,
        "model": model,
        "models": [(m, MODEL_LABELS[m]) for m in MODELS],
        "form": YearModelForm(initial={"year": year, "model": model}, years=years),
        "previous_year": year - 1 if year - 1 in years else None,
        "next_year": year + 1 if year + 1 in years else None,
        "can_publish": permissions.can_publish(request.user) and not (publication and publication.is_published),
        "can_confirm": permissions.can_confirm(request.user, publication),
        "can_reopen": permissions.can_reopen(request.user, publication),
        "is_admin": permissions.can_publish(request.user),
        "publication_history": selectors.publication_history(user=request.user, year=year) if publication else [],
        "reopen_form": ReopenForm(),
        "analysis_links": overview_links(user=request.user, year=year, model=model),
        **_live_context(request, allocation),
    }
    return render(request, "allocations/overview.html", context)


@require(permissions.can_view_allocations)
@require_GET
def live(request: HttpRequest) -> HttpResponse:
    """The overview's live part (htmx): polled every 2 s while the year is being recomputed."""
    years = selectors.budget_years(user=request.user)
    year, model = _pick(request, years)
    if year is None:
        raise Http404
    allocation = selectors.year_allocation(user=request.user, year=year, model=model)
    if allocation is None:
        raise Http404
    return render(request, "allocations/partials/overview_live.html", _live_context(request, allocation))


@section("allocations")
@require(permissions.can_view_allocations)
@require_GET
def region(request: HttpRequest, code: str) -> HttpResponse:
    """One region's allocation across the years."""
    region_obj = get_object_or_404(registry_selectors.region_list(user=request.user), code=code)
    model = request.GET.get("model")
    if model not in MODELS:
        model = AllocationModel.ALF2015.value
    rows = selectors.region_years(user=request.user, region=region_obj, model=model)
    previous: selectors.RegionYear | None = None
    table: list[dict[str, Any]] = []
    for row in rows:
        change: int | None = None if previous is None or previous.total is None or row.total is None else row.total - previous.total
        table.append({"row": row, "change": change})
        previous = row
    lines = [line for line in selectors.RESEARCH_LINES[model] if line != "total"]
    chart = {
        "type": "line",
        "labels": [row.year for row in rows],
        "datasets": [
            {"label": _("Education"), "data": [row.education for row in rows]},
            {"label": _("Research"), "data": [row.research.get("total") if row.research else None for row in rows]},
            {"label": _("In all"), "data": [row.total for row in rows]},
        ],
    }
    return render(
        request,
        "allocations/region_detail.html",
        {
            "region": region_obj,
            "model": model,
            "models": [(m, MODEL_LABELS[m]) for m in MODELS],
            "table": table,
            "lines": lines,
            "chart": chart,
        },
    )


def _input_rows(run: AllocationRun) -> list[dict[str, Any]]:
    """The snapshot per region: students, share, ratings, findings, highly cited."""
    scenario = run.inputs or {}
    education = scenario.get("education") or {}
    research = scenario.get("research") or {}
    codes = sorted(set(education.get("hst") or {}) | set(research.get("shares") or {}))
    rows = []
    for code in codes:
        ratings = (research.get("ratings") or {}).get(code) or {}
        rows.append(
            {
                "code": code,
                "hst": (education.get("hst") or research.get("hst") or {}).get(code),
                "share": (research.get("shares") or {}).get(code),
                "ratings": [ratings.get(p) for p in ("1", "2", "3")] if ratings else [],
                "plans_ok": (research.get("plans_ok") or {}).get(code),
                "highly_cited": (research.get("highly_cited") or {}).get(code),
            }
        )
    return rows


@section("allocations")
@require(permissions.can_view_allocations)
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Why: a run's trace as sentences in the user's language, its notes and its inputs."""
    run = get_object_or_404(selectors.run_detail_queryset(user=request.user), pk=pk)
    lang = _language()
    region_filter = request.GET.get("region") or ""
    steps = []
    for number, step in enumerate(run.trace or [], start=1):
        if region_filter and step.get("region") not in (None, region_filter):
            continue
        steps.append({"number": number, "step": step, "text": render_step(step, lang)})
    current_run_id = selectors.current_run_id(user=request.user, year=run.year, model=run.model)
    verification = None
    if request.GET.get("verify") and run.succeeded:
        try:
            result, trace = compute(run.inputs)
            verification = result == run.result and trace == run.trace and input_hash(run) == run.input_hash
        except ScenarioError:
            verification = False
    scenario = run.inputs or {}
    return render(
        request,
        "allocations/run_detail.html",
        {
            "run": run,
            "steps": steps,
            "regions": sorted({s.get("region") for s in run.trace or [] if s.get("region")}),
            "region_filter": region_filter,
            "notes": run.notes_in(lang),
            "is_current": current_run_id == run.pk,
            "paying_model": selectors.paying_model(year=run.year),
            "current_run_id": current_run_id,
            "education_in": scenario.get("education"),
            "research_in": scenario.get("research"),
            "input_rows": _input_rows(run),
            "research_unavailable": unavailable_text((run.input_meta or {}).get("research")),
            "education_unavailable": unavailable_text((run.input_meta or {}).get("education")),
            "verification": verification,
            "query": _query(run.year, run.model),
            "previous_run_id": selectors.previous_run_id(user=request.user, run=run),
        },
    )


@section("allocations")
@require(permissions.can_view_allocations)
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    """Every stored run, newest first, filterable by year, model and status."""
    runs = selectors.run_list(user=request.user)
    filters: dict[str, int | str] = {}
    year = request.GET.get("year", "")
    if year.isdigit():
        runs = runs.filter(year=int(year))
        filters["year"] = int(year)
    model = request.GET.get("model")
    if model in MODELS:
        runs = runs.filter(model=model)
        filters["model"] = model
    status = request.GET.get("status")
    if status in AllocationRun.Status.values:
        runs = runs.filter(status=status)
        filters["status"] = status
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    current = selectors.current_among(user=request.user, run_ids=[r.pk for r in page.object_list])
    return render(
        request,
        "allocations/run_list.html",
        {
            "page": page,
            "current": current,
            "filters": filters,
            "filter_query": urlencode(filters),
            "models": [(m, MODEL_LABELS[m]) for m in MODELS],
        },
    )


def _export_allocation(request: HttpRequest, year: int) -> selectors.YearAllocation:
    model = request.GET.get("model")
    if model not in MODELS:
        model = AllocationModel.ALF2015.value
    allocation = selectors.year_allocation(user=request.user, year=year, model=model)
    if allocation is None or allocation.run is None:
        raise Http404
    return allocation


@require(permissions.can_view_allocations)
@require_GET
def export_csv(request: HttpRequest, year: int) -> HttpResponse:
    allocation = _export_allocation(request, year)
    response = HttpResponse(exports.to_csv(allocation), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(allocation, "csv")}"'
    return response


@require(permissions.can_view_allocations)
@require_GET
def export_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    allocation = _export_allocation(request, year)
    details = selectors.run_details(user=request.user, run_id=allocation.run.pk)  # type: ignore[union-attr]  # _export_allocation 404s without a run
    content = exports.to_xlsx(allocation, trace=details.trace, notes_sv=details.notes_in("sv"))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(allocation, "xlsx")}"'
    return response


def _back(year: int, request: HttpRequest) -> HttpResponse:
    model = request.POST.get("model", "")
    if model not in MODELS:
        model = AllocationModel.ALF2015.value
    return redirect(f"{reverse('allocations:overview')}?{_query(year, model)}")


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require(permissions.can_publish)
@require_POST
def publish(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    try:
        publication = services.year_publish(actor=request.user, year=year)
    except ValidationError as error:
        _errors(request, error)
    else:
        if publication.is_published:
            messages.success(request, _("The allocation of %(year)s is published. Its inputs are now locked.") % {"year": year})
        else:
            messages.warning(
                request,
                _("You made the last change to the inputs of %(year)s, so a second administrator must confirm the publication.")
                % {"year": year},
            )
    return _back(year, request)


@require(permissions.can_publish)
@require_POST
def confirm(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    try:
        services.year_confirm(actor=request.user, year=year)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The allocation of %(year)s is published. Its inputs are now locked.") % {"year": year})
    return _back(year, request)


@section("allocations")
@require(permissions.can_publish)
def reopen(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    publication = get_object_or_404(selectors.reopenable_publications(user=request.user), year=year)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.year_reopen(actor=request.user, year=year, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(year)s is reopened; its inputs may change again.") % {"year": year})
            return _back(year, request)
    status = 400 if request.method == "POST" else 200
    return render(request, "allocations/year_reopen.html", {"form": form, "year": year, "publication": publication}, status=status)
