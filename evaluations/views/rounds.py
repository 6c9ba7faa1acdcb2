"""Pages of the evaluation rounds: rounds and their results, the grid VR staff enter a round in,
finalizing and reopening, and a region's results across rounds.

Views parse, authorise (evaluations.permissions), call one service or selector, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alfadmin import selectors as alfadmin_selectors
from alfadmin.http import AuthenticatedHttpRequest
from alfadmin.kernel.errors import ConcurrentEditError, LockedError
from alfadmin.kernel.views import MINE, THEIRS, add_service_errors, conflict_rows, edit_flow, require, section
from alfadmin.models import AgreementPeriod, Source

from .. import permissions, rules, selectors, services
from ..forms import NO, YES, EvaluationRoundForm, GridForm, ReopenForm, VersionForm
from ..models import PANEL_NUMBERS, EvaluationRound


def round_or_404(request: HttpRequest, pk: int) -> EvaluationRound:
    """The round from the user's scoped list: one they may not see is a 404, like a missing one."""
    return get_object_or_404(selectors.round_list(user=request.user), pk=pk)


def _model_note(evaluation_round: EvaluationRound) -> str:
    bounds = rules.bounds_for(model=evaluation_round.model, applies_from=evaluation_round.applies_from)
    if bounds.limited:
        return _(
            "This round serves the ALF 2015 model: each panel needs %(min)s–%(max)s regions rated very high before the round can be finalized."
        ) % {"min": bounds.min_very_high, "max": bounds.max_very_high}
    return _(
        "This round serves the Ds 2024 model: there is no limit on how many regions are rated very high; a region keeps its quality amount "
        "if all three findings are yes and it is rated at least good–high in every panel."
    )


@section("evaluations")
@require(permissions.can_view_evaluations)
def index(request: HttpRequest) -> HttpResponse:
    rounds = list(selectors.round_list(user=request.user))
    return render(
        request,
        "evaluations/index.html",
        {
            "rounds": rounds,
            "regions": selectors.active_regions(user=request.user),
            "can_edit": permissions.can_edit_evaluations(request.user),
        },
    )


def _round_form_page(request: AuthenticatedHttpRequest, evaluation_round: EvaluationRound | None) -> HttpResponse:
    if evaluation_round is None:
        names = services.default_panel_names()
        panels = {n: {"name": names[n]} for n in PANEL_NUMBERS}
    else:
        panels = {p.number: {"name": p.name} for p in evaluation_round.panels.all()}
    form = EvaluationRoundForm(request.POST or None, instance=evaluation_round, panels=panels)

    def save(f):
        try:
            if evaluation_round is None:
                return services.evaluation_round_create(actor=request.user, data=f.round_values(), panels=f.panels())
            return services.evaluation_round_update(
                actor=request.user,
                evaluation_round=evaluation_round,
                expected_version=f.cleaned_data.get("version"),
                data=f.round_values(),
                panels=f.panels(),
                reason=f.change_reason(),
            )
        except ValidationError as error:
            raise _for_form(error, f) from None

    saved: list[EvaluationRound] = []

    def save_and_remember(f):
        saved.append(save(f))

    response = edit_flow(
        request,
        form=form,
        save=save_and_remember,
        template="evaluations/round_form.html",
        context={"evaluation_round": evaluation_round, "title": evaluation_round.name if evaluation_round else _("New evaluation round")},
        success_url="evaluations:index",
    )
    if saved and response.status_code == 302:
        return redirect("evaluations:round", pk=saved[0].pk)
    return response


def _for_form(error: ValidationError, form) -> ValidationError:
    """The service's field names (`panels.2.name`) as the form's (`panel_2_name`); others go on top."""
    if not hasattr(error, "error_dict"):
        return error
    mapped: dict[str | None, list] = {}
    for key, messages_ in error.message_dict.items():
        name = key.replace("panels.", "panel_").replace(".", "_")
        mapped.setdefault(name if name in form.fields else None, []).extend(messages_)
    return ValidationError({k or "__all__": v for k, v in mapped.items()})


@section("evaluations")
@require(permissions.can_edit_evaluations)
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _round_form_page(request, None)


@section("evaluations")
@require(permissions.can_edit_evaluations)
def round_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evaluation_round = round_or_404(request, pk)
    if evaluation_round.is_finalized:
        messages.error(request, _("The round %(name)s is finalized and locked.") % {"name": evaluation_round.name})
        return redirect("evaluations:round", pk=pk)
    return _round_form_page(request, evaluation_round)


def _round_page(
    request: HttpRequest, evaluation_round: EvaluationRound, *, status: int = 200, problems=None, reopen_form=None
) -> HttpResponse:
    user = request.user
    matrix = selectors.round_matrix(user=user, evaluation_round=evaluation_round)
    can_edit = permissions.can_edit_evaluations(user)
    return render(
        request,
        "evaluations/round_detail.html",
        {
            "evaluation_round": evaluation_round,
            "matrix": matrix,
            "model_note": _model_note(evaluation_round),
            "check": services.round_rule_check(evaluation_round=evaluation_round)
            if can_edit and not evaluation_round.is_finalized
            else None,
            "problems": problems or [],
            "history": selectors.rating_history(user=user, evaluation_round=evaluation_round),
            "reopenings": selectors.reopen_log(user=user, evaluation_round=evaluation_round),
            "can_edit": can_edit and not evaluation_round.is_finalized,
            "can_reopen": permissions.can_reopen_evaluation(user) and evaluation_round.is_finalized,
            "finalize_form": VersionForm(initial={"version": evaluation_round.version}),
            "reopen_form": reopen_form or ReopenForm(initial={"version": evaluation_round.version}),
            "illustrative": matrix.illustrative,
        },
        status=status,
    )


@section("evaluations")
@require(permissions.can_view_evaluations)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, round_or_404(request, pk))


def _grid_form(request: HttpRequest, evaluation_round: EvaluationRound, data=None) -> GridForm:
    ratings = {(r.region.code, r.panel): r for r in evaluation_round.ratings.select_related("region")}
    findings = {f.region.code: f for f in evaluation_round.findings.select_related("region")}
    return GridForm(
        data,
        evaluation_round=evaluation_round,
        regions=selectors.active_regions(user=request.user),
        ratings=ratings,
        findings=findings,
    )


def _check_for(evaluation_round: EvaluationRound, form: GridForm) -> rules.RuleCheck:
    return rules.check(
        model=evaluation_round.model,
        bounds=rules.bounds_for(model=evaluation_round.model, applies_from=evaluation_round.applies_from),
        panel_names={n: p.name for n, p in form.panels.items()},
        region_codes=[r.code for r in form.regions],
        ratings=form.ratings(),
    )


def _shown_grid_input(form: GridForm, name: str) -> str:
    """What the user entered in a grid field, as the conflict shows stored values."""
    value = form.cleaned_data.get(name) or ""
    field = name.split("-", 1)[0]
    if field in services.FINDING_FIELDS:
        value = {YES: True, NO: False}.get(value)
    return services.cell_shown(field, value)


def _apply_grid_choices(request: HttpRequest, form: GridForm, evaluation_round: EvaluationRound) -> None:
    """After a conflict: "take theirs" puts the stored value into the grid, "keep mine" keeps the user's.

    Only when every value of the conflict has a choice does the grid move to the version the
    conflict showed; otherwise it keeps its old version and is refused again.
    """
    version = request.POST.get("conflict_version", "")
    names = request.POST.getlist("conflict_fields")
    if not version.isdigit() or not names:
        return
    choices = {name: request.POST.get(f"resolve_{name}", "") for name in names}
    if any(choice not in (MINE, THEIRS) for choice in choices.values()):
        return
    stored = _grid_form(request, selectors.round_as_stored(user=request.user, round_id=evaluation_round.pk))
    for name, choice in choices.items():
        if choice == THEIRS and name in form.fields:
            form.cleaned_data[name] = stored.fields[name].initial or ""
    form.cleaned_data["version"] = int(version)


def _save_grid(request: AuthenticatedHttpRequest, form: GridForm, evaluation_round: EvaluationRound) -> tuple[int, dict | None]:
    """Save the posted grid; the status to answer with (302 once saved, else the refusal's) and,
    on a concurrent edit, the conflict table. The messages say what happened."""
    try:
        saved = services.round_grid_save(
            actor=request.user,
            evaluation_round=evaluation_round,
            expected_version=form.cleaned_data.get("version"),
            cells=form.cells(),
            findings=form.findings(),
            reason=(form.cleaned_data.get("reason") or "").strip(),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return 400, None
    except ConcurrentEditError as error:
        conflict = conflict_rows(form, error, shown_input=_shown_grid_input)
        conflicting = [row["label"] for row in conflict["rows"] if row["conflicting"]]
        messages.error(
            request,
            _(
                "Someone else saved ratings of this round after you opened it, and you changed some of the same values "
                "(%(values)s). Nothing of yours was saved; your whole grid is kept below: choose per value, then save again."
            )
            % {"values": "; ".join(conflicting)},
        )
        return 409, conflict
    except LockedError as error:
        messages.error(request, str(error))
        return 409, None
    messages.success(request, _("The ratings of round %(name)s are saved.") % {"name": evaluation_round.name})
    if saved.kept_theirs:
        messages.info(
            request,
            _("Saved meanwhile by someone else, and kept because you did not change them: %(values)s.")
            % {"values": "; ".join(saved.kept_theirs)},
        )
    return 302, None


@section("evaluations")
@require(permissions.can_edit_evaluations)
def round_grid(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evaluation_round = round_or_404(request, pk)
    if evaluation_round.is_finalized:
        messages.error(
            request,
            _("The round %(name)s is finalized and locked; an administrator must reopen it before it can be changed.")
            % {"name": evaluation_round.name},
        )
        return redirect("evaluations:round", pk=pk)
    form = _grid_form(request, evaluation_round, request.POST or None)
    status = 200
    conflict = None
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            _apply_grid_choices(request, form, evaluation_round)
            status, conflict = _save_grid(request, form, evaluation_round)
            if status == 302:
                return redirect("evaluations:round-grid", pk=pk)
    return render(
        request,
        "evaluations/round_grid.html",
        {
            "evaluation_round": evaluation_round,
            "form": form,
            "conflict": conflict,
            "rows": form.rows(),
            "panels": [form.panels[n] for n in PANEL_NUMBERS if n in form.panels],
            "check": _check_for(evaluation_round, form) if form.is_bound else services.round_rule_check(evaluation_round=evaluation_round),
            "model_note": _model_note(evaluation_round),
        },
        status=status,
    )


@require_POST
@require(permissions.can_edit_evaluations)
def round_grid_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The live rule check of unsaved grid values (htmx partial, `hx-trigger="change"`)."""
    evaluation_round = round_or_404(request, pk)
    form = _grid_form(request, evaluation_round, request.POST)
    form.is_valid()  # only to fill cleaned_data; an invalid choice counts as not rated
    return render(request, "evaluations/partials/rule_check.html", {"check": _check_for(evaluation_round, form), "live": True})


@section("evaluations")
@require(permissions.can_edit_evaluations)
def round_finalize(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: what finalizing does (the years recomputed, who forfeits, what is missing), and the
    confirming form; POST with `confirmed`: finalize. A POST without it shows the page again."""
    evaluation_round = round_or_404(request, pk)
    if evaluation_round.is_finalized:
        messages.error(request, _("The round %(name)s is finalized and locked.") % {"name": evaluation_round.name})
        return redirect("evaluations:round", pk=pk)
    form = VersionForm(request.POST or None, initial={"version": evaluation_round.version})
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        version = form.cleaned_data.get("version") if form.is_valid() else None
        try:
            finalized = services.evaluation_round_finalize(actor=request.user, evaluation_round=evaluation_round, expected_version=version)
        except ValidationError as error:
            problems = [m for messages_ in error.message_dict.values() for m in messages_]
            messages.error(request, _("The round cannot be finalized:") + " " + " ".join(problems))
            return _round_page(request, evaluation_round, status=400, problems=problems)
        except (ConcurrentEditError, LockedError) as error:
            messages.error(request, str(error))
            return _round_page(request, round_or_404(request, pk), status=409)
        messages.success(
            request,
            _(
                "Round %(name)s is finalized and locked. The allocations of %(first)s–%(last)s are being recomputed with its ratings "
                "(reason recorded: “round %(name)s finalized”)."
            )
            % {"name": finalized.name, "first": finalized.applies_from, "last": finalized.applies_to},
        )
        return redirect("evaluations:round", pk=pk)
    check = services.round_rule_check(evaluation_round=evaluation_round)
    missing = services.regions_without_bibliometrics(evaluation_round=evaluation_round)
    return render(
        request,
        "evaluations/round_finalize.html",
        {
            "evaluation_round": evaluation_round,
            "form": form if request.method == "POST" else VersionForm(initial={"version": evaluation_round.version}),
            "check": check,
            "missing_bibliometrics": missing,
            "missing_message": services.missing_bibliometrics_message(missing) if missing else "",
            "forfeits": services.round_forfeits(evaluation_round=evaluation_round),
            "ds2024": evaluation_round.model == AgreementPeriod.Model.DS2024,
            "can_finalize": check.ok and not missing,
        },
    )


@require_POST
@require(permissions.can_reopen_evaluation)
def round_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evaluation_round = round_or_404(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for reopening the round."))
        return _round_page(request, evaluation_round, status=400, reopen_form=form)
    try:
        reopened = services.evaluation_round_reopen(
            actor=request.user,
            evaluation_round=evaluation_round,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data.get("version"),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _round_page(request, evaluation_round, status=400, reopen_form=form)
    except (ConcurrentEditError, LockedError) as error:
        messages.error(request, str(error))
        return _round_page(request, round_or_404(request, pk), status=409)
    messages.success(
        request,
        _("Round %(name)s is reopened as a draft; it no longer drives money, and %(first)s–%(last)s are being recomputed.")
        % {"name": reopened.name, "first": reopened.applies_from, "last": reopened.applies_to},
    )
    return redirect("evaluations:round", pk=pk)


@section("evaluations")
@require(permissions.can_view_evaluations)
def round_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """GUNS' follow-up of a round: what each region must develop, what it planned, and whether
    it meets the Ds 2024 quality condition."""
    evaluation_round = round_or_404(request, pk)
    matrix = selectors.round_matrix(user=request.user, evaluation_round=evaluation_round)
    rows = []
    for row in matrix.rows:
        condition = None
        if not row.hidden:
            plans_ok = row.findings.plans_ok if row.findings else None
            if not evaluation_round.is_finalized and row.findings and not row.findings.complete:
                plans_ok = None  # a draft still being entered; once finalized, unanswered counts as no
            condition = rules.meets_quality_condition(ratings=[c.rating if c else None for c in row.cells], plans_ok=plans_ok)
        rows.append({"row": row, "condition": condition})
    return render(
        request,
        "evaluations/round_follow_up.html",
        {"evaluation_round": evaluation_round, "rows": rows, "illustrative": matrix.illustrative},
    )


@section("evaluations")
@require(permissions.can_view_evaluations)
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(alfadmin_selectors.region_list(user=request.user), code=code, is_active=True)
    trends = selectors.bibliometric_trends(user=request.user, region=region)
    results = selectors.region_results(user=request.user, region=region)
    illustrative = trends.illustrative or any(
        (c is not None and c.source in (Source.ILLUSTRATIVE, Source.PROJECTION)) for r in results for c in r.cells
    )
    return render(
        request,
        "evaluations/region_detail.html",
        {
            "region": region,
            "results": results,
            "trends": trends,
            "rows": [trends.cells[(region.code, p)] for p in trends.periods],
            "publications_chart": trends.publications_chart(),
            "impact_chart": trends.impact_chart(world_label=_("World average (10 %)")),
            "illustrative": illustrative,
        },
    )
