"""Pages of the bibliometrics: the trends, editing a figure, co-publications and the import.

Views parse, authorise (evaluations.permissions), call one service or selector, render.
"""

from __future__ import annotations

import io
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alfadmin.http import AuthenticatedHttpRequest
from alfadmin.kernel.errors import LockedError
from alfadmin.kernel.spreadsheets import append_row, csv_writer, new_workbook
from alfadmin.kernel.views import edit_flow, require, section
from alfadmin.models import Source

from .. import imports, permissions, selectors, services
from ..forms import BibliometricsForm, CoPublicationForm, ImportForm
from ..models import EvaluationRound
from .rounds import round_or_404

IMPORT_SESSION_KEY = "evaluations.import"
IMPORT_PREVIEWS_KEPT = 5  # previews open in other tabs stay confirmable; older ones expire


@section("evaluations")
@require(permissions.can_view_evaluations)
def bibliometrics_list(request: HttpRequest) -> HttpResponse:
    trends = selectors.bibliometric_trends(user=request.user)
    table = [{"region": region, "cells": [trends.cells.get((region.code, p)) for p in trends.periods]} for region in trends.regions]
    co_publications = list(selectors.co_publication_list(user=request.user))
    return render(
        request,
        "evaluations/bibliometrics_list.html",
        {
            "trends": trends,
            "table": table,
            "totals": trends.totals(),
            "co_publications": co_publications,
            "publications_chart": trends.publications_chart(),
            "impact_chart": trends.impact_chart(world_label=_("World average (10 %)")),
            "illustrative": trends.illustrative or any(c.source in (Source.ILLUSTRATIVE, Source.PROJECTION) for c in co_publications),
            "can_edit": permissions.can_edit_evaluations(request.user),
        },
    )


@section("evaluations")
@require(permissions.can_edit_evaluations)
def bibliometrics_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    row = get_object_or_404(selectors.bibliometrics_list(user=request.user), pk=pk) if pk is not None else None
    form = BibliometricsForm(request.POST or None, instance=row)

    def save(f):
        if row is None:
            return services.bibliometrics_create(actor=request.user, data=f.changed_values())
        return services.bibliometrics_update(
            actor=request.user,
            bibliometrics=row,
            expected_version=f.cleaned_data.get("version"),
            data=f.changed_values(),
            reason=f.change_reason(),
        )

    title = (
        _("Bibliometrics %(code)s %(period)s") % {"code": row.region.code, "period": row.period_label}
        if row
        else _("New bibliometric figures")
    )
    return edit_flow(
        request,
        form=form,
        save=save,
        template="evaluations/record_form.html",
        context={"title": title, "history_of": row, "history": row.history.select_related("history_user")[:20] if row else None},
        success_url="evaluations:bibliometrics",
    )


@section("evaluations")
@require(permissions.can_edit_evaluations)
def co_publication_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CoPublicationForm(request.POST or None)

    def save(f):
        return services.co_publication_set(actor=request.user, **f.cleaned_data)

    return edit_flow(
        request,
        form=form,
        save=save,
        template="evaluations/record_form.html",
        context={"title": _("Co-publications between two regions"), "history": None},
        success_url="evaluations:bibliometrics",
    )


def _import_context(request: HttpRequest, **extra) -> dict:
    return {"columns": imports.COLUMNS, "labels": imports.COLUMN_LABELS, **extra}


@section("evaluations")
@require(permissions.can_edit_evaluations)
def bibliometrics_import(request: HttpRequest) -> HttpResponse:
    """Upload → a preview listing every row's problems; nothing is saved until confirmed."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, "evaluations/bibliometrics_import.html", _import_context(request, form=form))
    if not form.is_valid():
        return render(request, "evaluations/bibliometrics_import.html", _import_context(request, form=form), status=400)
    try:
        raw = imports.read_upload(form.cleaned_data["file"])
    except imports.ImportFileError as error:
        form.add_error("file", str(error))
        return render(request, "evaluations/bibliometrics_import.html", _import_context(request, form=form), status=400)
    evaluation_round = form.cleaned_data.get("evaluation_round")
    checks = imports.check_rows(raw, evaluation_round=evaluation_round)
    token = uuid.uuid4().hex
    # The parsed rows stay on the server (the session) between preview and confirm, one entry
    # per preview, so each tab confirms exactly the preview it shows; the confirm step checks
    # them again against the database as it is then.
    previews = dict(list(request.session.get(IMPORT_SESSION_KEY, {}).items())[-(IMPORT_PREVIEWS_KEPT - 1) :])
    previews[token] = {
        "round": evaluation_round.pk if evaluation_round else None,
        "name": form.cleaned_data["file"].name,
        "rows": [{"number": r.number, "values": r.values} for r in raw],
    }
    request.session[IMPORT_SESSION_KEY] = previews
    problems = sum(len(c.problems) for c in checks)
    return render(
        request,
        "evaluations/import_preview.html",
        _import_context(
            request,
            checks=checks,
            token=token,
            problems=problems,
            file_name=form.cleaned_data["file"].name,
            evaluation_round=evaluation_round,
            missing_warning=_missing_regions_warning(services.import_missing_regions(rows=raw, evaluation_round=evaluation_round), evaluation_round),
        ),
        status=200 if problems == 0 else 400,
    )


@require_POST
@require(permissions.can_edit_evaluations)
def bibliometrics_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    previews = request.session.get(IMPORT_SESSION_KEY, {})
    staged = previews.get(token) if isinstance(previews, dict) else None
    if not staged or "rows" not in staged:
        messages.error(request, _("The preview has expired; upload the file again. Nothing has been saved."))
        return redirect("evaluations:bibliometrics-import")
    # The round from the scoped list: one the user may no longer see is a 404, as if missing.
    evaluation_round = round_or_404(request, staged["round"]) if staged["round"] else None
    raw = [imports.RawRow(number=r["number"], values=r["values"]) for r in staged["rows"]]
    try:
        result = services.bibliometrics_import(actor=request.user, rows=raw, evaluation_round=evaluation_round)
    except (ValidationError, LockedError) as error:
        checks = imports.check_rows(raw, evaluation_round=evaluation_round)
        messages.error(
            request, _("The rows have changed problems since the preview; nothing has been saved.") + " " + "; ".join(_messages(error))
        )
        return render(
            request,
            "evaluations/import_preview.html",
            _import_context(
                request,
                checks=checks,
                token=token,
                problems=sum(len(c.problems) for c in checks) or 1,
                file_name=staged["name"],
                evaluation_round=evaluation_round,
            ),
            status=409 if isinstance(error, LockedError) else 400,
        )
    previews.pop(token, None)
    request.session[IMPORT_SESSION_KEY] = previews
    messages.success(
        request,
        _("Imported %(created)s new and %(replaced)s replaced rows from %(name)s.")
        % {"created": result.created, "replaced": result.replaced, "name": staged["name"]},
    )
    warning = _missing_regions_warning(list(result.missing_regions), evaluation_round)
    if warning:
        messages.warning(request, warning)
    return redirect("evaluations:bibliometrics")


def _missing_regions_warning(codes: list[str], evaluation_round: EvaluationRound | None) -> str:
    """The warning of an import that leaves regions out (empty when it covers every region)."""
    if not codes:
        return ""
    if evaluation_round is not None:
        return _(
            "No bibliometrics for %(regions)s in round %(name)s: the round cannot be finalized until every region has its figures."
        ) % {"regions": ", ".join(codes), "name": evaluation_round.name}
    return _("The file has no rows for %(regions)s.") % {"regions": ", ".join(codes)}


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [f"{k}: {m}" for k, ms in error.message_dict.items() for m in ms][:10]
    return [str(error)]


@require(permissions.can_edit_evaluations)
def bibliometrics_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The import template, as CSV or XLSX, with the columns and two example rows."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv_writer(buffer, delimiter=";")
        writer.writerow(imports.COLUMNS)
        writer.writerows([[v.replace(".", ",") for v in row] for row in imports.TEMPLATE_ROWS])
        response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="bibliometrics-template.csv"'
        return response
    if fmt == "xlsx":
        workbook = new_workbook()
        sheet = workbook.worksheets[0]
        sheet.title = "bibliometrics"
        append_row(sheet, imports.COLUMNS)
        for row in imports.TEMPLATE_ROWS:
            append_row(sheet, [row[0], int(row[1]), int(row[2]), *(float(v) for v in row[3:])])
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(output.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="bibliometrics-template.xlsx"'
        return response
    raise Http404
