"""The scenario explorer pages: start from a stored year, change any input and see every region
beside the baseline as you type (htmx), save, share by link, download JSON and XLSX.

Nothing here writes an allocation: computing runs the engine on the form's scenario, saving
goes through allocations.services.scenarios (SavedScenario rows only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alfadmin import selectors as region_selectors
from alfadmin.http import AuthenticatedHttpRequest
from alfadmin.kernel.errors import ConcurrentEditError
from alfadmin.kernel.views import require, section
from alfrules.errors import ScenarioError

from .. import explorer, exports, permissions, selectors, services
from ..analysis.differences import scenarios_difference
from ..forms import SavedScenarioForm
from ..gather import Unavailable
from ..labels import MODEL_LABELS, unavailable_text
from ..models import SavedScenario
from .analysis import difference_context


def _language() -> str:
    return "sv" if (get_language() or "sv").startswith("sv") else "en"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Baseline:
    """What the scenario is compared with: its inputs, the engine's output for them and a label."""

    inputs: dict[str, Any]
    output: dict[str, Any] | None
    label: str


def _baseline(request: HttpRequest, *, base_year: int | None, model: str | None, start: explorer.Start) -> Baseline | None:
    """The stored year's current run under the model, or (ratings carried forward, or nothing
    computed yet) the stored year's scenario computed."""
    if base_year is None or model not in explorer.MODELS:
        return None
    if not start.carry_ratings_forward:
        allocation = selectors.year_allocation(user=request.user, year=base_year, model=model)
        if allocation is not None and allocation.run is not None:
            label = _("the current allocation of %(year)s (run %(run)s)") % {"year": base_year, "run": allocation.run.pk}
            return Baseline(allocation.run.inputs, allocation.result, label)
    started = explorer.start_scenario(year=base_year, model=model, start=start)
    if started is None:
        return None
    output, _errors = explorer.compute(started[0], lang="en")
    return Baseline(started[0], output, _("the stored data of %(year)s computed with the last round's ratings") % {"year": base_year})


def _causes(baseline: Baseline | None, scenario: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """Each region's difference from the baseline split by cause (the explanation diff), or why
    it cannot be split (e.g. the baseline has no research part and the scenario has one)."""
    if baseline is None or baseline.output is None:
        return None, ""
    try:
        difference = scenarios_difference(before=baseline.inputs, after=scenario)
    except ScenarioError as error:
        return None, str(error)
    return difference_context(difference, before_label=_("Baseline"), after_label=_("Scenario")), ""


def _context(
    request: HttpRequest,
    *,
    scenario: dict[str, Any],
    base_year: int | None,
    start: explorer.Start,
    errors: dict[str, list[str]] | None = None,
    saved: SavedScenario | None = None,
    form: SavedScenarioForm | None = None,
    meta: dict[str, Any] | None = None,
    increase: str = "",
) -> dict[str, Any]:
    lang = _language()
    output, compute_errors = (None, {}) if errors else explorer.compute(scenario, lang=lang)
    errors = errors or compute_errors
    sections = explorer.form_sections(scenario, errors, increase=increase)
    model = (scenario.get("research") or {}).get("model") or (saved.scenario.get("research", {}).get("model") if saved else None)
    baseline = _baseline(request, base_year=base_year, model=model or explorer.MODELS[0], start=start)
    causes, causes_error = _causes(baseline, scenario) if output else (None, "")
    names = region_selectors.region_names(user=request.user)
    research_meta = (meta or {}).get("research") or {}
    return {
        "sections": sections,
        "scenario": scenario,
        "output": output,
        "rows": explorer.compare(output, baseline.output if baseline else None, names) if output else [],
        "baseline_label": baseline.label if baseline else "",
        "causes": causes,
        "causes_error": causes_error,
        "lines": explorer.research_lines(output) if output else [],
        "base_year": base_year,
        "start": start,
        "increase": increase,
        "models": [(m, MODEL_LABELS[m]) for m in explorer.MODELS],
        "saved": saved,
        "can_edit": saved is not None and permissions.can_edit_saved_scenario(request.user, saved),
        "can_delete": saved is not None and permissions.can_delete_saved_scenario(request.user, saved),
        "save_form": form or SavedScenarioForm(instance=saved),
        "research_unavailable": unavailable_text(research_meta) if research_meta.get("unavailable") else "",
        "carried_forward": bool(research_meta.get("ratings_carried_forward")) or start.carry_ratings_forward,
        "years": selectors.budget_years(user=request.user),
    }


@section("allocations")
@require(permissions.can_compute_scenarios)
@require_GET
def scenario_list(request: HttpRequest) -> HttpResponse:
    """Saved scenarios (mine, then everyone else's) and where to start a new one."""
    scenarios = list(selectors.saved_scenario_list(user=request.user).defer("scenario", "result"))
    years = selectors.budget_years(user=request.user)
    return render(
        request,
        "allocations/scenario_list.html",
        {
            "mine": [s for s in scenarios if s.owner_id == request.user.pk],
            "others": [s for s in scenarios if s.owner_id != request.user.pk],
            "years": years,
            "models": [(m, MODEL_LABELS[m]) for m in explorer.MODELS],
            "default_year": years[-1] if years else None,
        },
    )


@section("allocations")
@require(permissions.can_compute_scenarios)
@require_GET
def scenario_new(request: HttpRequest) -> HttpResponse:
    """Start from a stored year (its paying model unless another is chosen)."""
    year = _int(request.GET.get("year"))
    start = explorer.Start.read(request.GET)
    if year is None or year not in selectors.budget_years(user=request.user):
        raise Http404
    started = explorer.start_scenario(year=year, model=request.GET.get("model"), start=start)
    if started is None:
        raise Http404
    scenario, meta, _model = started
    if not start.carry_ratings_forward and (meta.get("research") or {}).get("unavailable") == Unavailable.NO_ROUND:
        # No round applies to the year yet: exploring it needs the last round's ratings, so start
        # there; the address says so and the page names the assumption.
        query = request.GET.copy()
        query["carry"] = "1"
        return redirect(f"{reverse('allocations:scenario-new')}?{query.urlencode()}")
    context = _context(request, scenario=scenario, base_year=year, start=start, meta=meta)
    return render(request, "allocations/scenario_explorer.html", context)


@section("allocations")
@require(permissions.can_compute_scenarios)
@require_GET
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A saved scenario in the explorer: its URL is the link to share."""
    saved = get_object_or_404(selectors.saved_scenario_list(user=request.user), pk=pk)
    context = _context(request, scenario=saved.scenario, base_year=saved.base_year, start=explorer.Start(), saved=saved)
    return render(request, "allocations/scenario_explorer.html", context)


def _posted(request: HttpRequest) -> tuple[dict[str, Any], int | None, explorer.Start, SavedScenario | None]:
    scenario = explorer.scenario_from_post(request.POST)
    base_year = _int(request.POST.get("base_year"))
    start = explorer.Start.read(request.POST)
    saved = None
    if request.POST.get("saved"):
        saved = get_object_or_404(selectors.saved_scenario_list(user=request.user), pk=_int(request.POST.get("saved")) or 0)
    return scenario, base_year, start, saved


@require(permissions.can_compute_scenarios)
@require_POST
def scenario_compute(request: HttpRequest) -> HttpResponse:
    """The form's scenario computed: the results partial (htmx, with every field's error text
    swapped in out of band) or, without JavaScript, the whole page."""
    scenario, base_year, start, saved = _posted(request)
    errors = explorer.form_errors(request.POST)
    increase = request.POST.get(explorer.INCREASE, "") if errors else ""
    context = _context(request, scenario=scenario, base_year=base_year, start=start, saved=saved, errors=errors or None, increase=increase)
    if request.headers.get("HX-Request"):
        return render(request, "allocations/partials/scenario_result.html", {**context, "oob": True})
    return render(request, "allocations/scenario_explorer.html", context)


@require(permissions.can_compute_scenarios)
@require_POST
def scenario_switch(request: HttpRequest) -> HttpResponse:
    """Another model: the research part is rebuilt from the stored year's data for it; the
    education part stays as the user left it."""
    scenario, base_year, start, saved = _posted(request)
    model = request.POST.get("switch_model")
    if base_year is None or model not in explorer.MODELS:
        raise Http404
    started = explorer.start_scenario(year=base_year, model=model, start=start)
    if started is None:
        raise Http404
    fresh, meta, _model = started
    scenario.pop("research", None)
    if "research" in fresh:
        scenario["research"] = fresh["research"]
    context = _context(request, scenario=scenario, base_year=base_year, start=start, saved=saved, meta=meta)
    return render(request, "allocations/partials/scenario_explorer.html", context)


@require(permissions.can_save_scenarios)
@require_POST
def scenario_save(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save the form's scenario: a change of one's own saved scenario, or a new one."""
    scenario, base_year, start, saved = _posted(request)
    editing = saved if saved is not None and permissions.can_edit_saved_scenario(request.user, saved) and not request.POST.get("as_new") else None
    form = SavedScenarioForm(request.POST, instance=editing)
    status = 400
    helper_errors = explorer.form_errors(request.POST)
    if helper_errors:
        form.is_valid()
        increase = request.POST.get(explorer.INCREASE, "")
        context = _context(request, scenario=scenario, base_year=base_year, start=start, saved=saved, form=form, errors=helper_errors, increase=increase)
        return render(request, "allocations/scenario_explorer.html", context, status=400)
    if form.is_valid():
        try:
            if editing is not None:
                result = services.saved_scenario_update(
                    actor=request.user,
                    saved_scenario=editing,
                    expected_version=form.cleaned_data.get("version"),
                    data={"name": form.cleaned_data["name"], "description": form.cleaned_data["description"], "scenario": scenario},
                )
            else:
                result = services.saved_scenario_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    base_year=base_year or _int(scenario.get("year")) or 0,
                    scenario=scenario,
                )
        except ValidationError as error:
            scenario_errors = {}
            for name, texts in error.message_dict.items():
                if name.startswith("scenario"):
                    scenario_errors[name.removeprefix("scenario").lstrip(".") or "$"] = texts
                else:
                    form.add_error(name if name in form.fields else None, texts)
            context = _context(request, scenario=scenario, base_year=base_year, start=start, saved=saved, form=form, errors=scenario_errors or None)
            return render(request, "allocations/scenario_explorer.html", context, status=400)
        except ConcurrentEditError as error:
            messages.error(request, str(error))
            status = 409
        else:
            messages.success(request, _("The scenario is saved. Its address is the link to share."))
            return redirect("allocations:scenario", pk=result.pk)
    context = _context(request, scenario=scenario, base_year=base_year, start=start, saved=saved, form=form)
    return render(request, "allocations/scenario_explorer.html", context, status=status)


@require(permissions.can_save_scenarios)
@require_POST
def scenario_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(selectors.saved_scenario_list(user=request.user), pk=pk)
    if not permissions.can_delete_saved_scenario(request.user, saved):
        raise PermissionDenied
    services.saved_scenario_delete(actor=request.user, saved_scenario=saved)
    messages.success(request, _("The scenario is deleted."))
    return redirect("allocations:scenarios")


def _download_source(request: HttpRequest, pk: int | None) -> tuple[dict[str, Any], int | None, str, explorer.Start]:
    if pk is not None:
        saved = get_object_or_404(selectors.saved_scenario_list(user=request.user), pk=pk)
        return saved.scenario, saved.base_year, saved.name, explorer.Start()
    if request.method != "POST":
        raise Http404
    scenario, base_year, start, _saved = _posted(request)
    return scenario, base_year, "", start


@require(permissions.can_compute_scenarios)
@require_http_methods(["GET", "POST"])
def scenario_json(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The scenario as a file `manage.py allocate --input FILE` reads unchanged."""
    scenario, _base_year, _name, _start = _download_source(request, pk)
    text = json.dumps(scenario, ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scenario-{scenario.get("year", "")}.json"'
    return response


@require(permissions.can_compute_scenarios)
@require_http_methods(["GET", "POST"])
def scenario_xlsx(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Inputs and results of the scenario as XLSX (Swedish headers, like the other exports)."""
    scenario, base_year, name, start = _download_source(request, pk)
    output, errors = explorer.compute(scenario, lang="sv")
    if output is None:
        messages.error(request, _("The scenario has invalid inputs; correct them before downloading."))
        return redirect("allocations:scenarios")
    model = (scenario.get("research") or {}).get("model")
    baseline = _baseline(request, base_year=base_year, model=model or explorer.MODELS[0], start=start)
    names = region_selectors.region_names(user=request.user)
    rows = explorer.compare(output, baseline.output if baseline else None, names)
    content = exports.scenario_to_xlsx(name=name, scenario=scenario, output=output, rows=rows, lines=explorer.research_lines(output))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="scenario-{scenario.get("year", "")}.xlsx"'
    return response


def scenario_url(saved: SavedScenario) -> str:
    return reverse("allocations:scenario", kwargs={"pk": saved.pk})
