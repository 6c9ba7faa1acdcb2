"""Pages of the registry (Data section), the overview, health check and login."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import permissions, selectors, services
from .celery import app as celery_app
from .forms import AgreementPeriodForm, BudgetYearForm, ChangeLogFilterForm, ShareTableForm, StudentCountForm, UniversityForm
from .http import AuthenticatedHttpRequest
from .kernel import changelog
from .kernel.dashboard import cards_for
from .kernel.record_cards import record_cards_for
from .kernel.views import edit_flow, form_version, require, section
from .models import Source


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness with the state of the database and the broker; no authentication."""
    database = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means the database is down
        database = "unavailable"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        broker = "eager"
    else:
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            broker = "ok"
        except Exception:  # noqa: BLE001
            broker = "unavailable"
    healthy = database == "ok" and broker in ("ok", "eager")
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )


def _illustrative(records) -> bool:
    return any(getattr(r, "source", None) in (Source.ILLUSTRATIVE, Source.PROJECTION) for r in records)


@section("data")
@require(permissions.can_view_registry)
def data_index(request: HttpRequest) -> HttpResponse:
    return render(request, "alfadmin/data_index.html", {"can_edit": permissions.can_edit_registry(request.user)})


@section("data")
@require(permissions.can_view_registry)
def region_list(request: HttpRequest) -> HttpResponse:
    regions = list(selectors.region_list(user=request.user))
    return render(request, "alfadmin/region_list.html", {"regions": regions, "illustrative": _illustrative(regions)})


@section("data")
@require(permissions.can_view_registry)
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(selectors.region_list(user=request.user), code=code)
    series = selectors.student_series(user=request.user, region=region)
    rows = [series.cells.get((region.code, year)) for year in series.years]
    return render(
        request,
        "alfadmin/region_detail.html",
        {
            "region": region,
            "rows": [r for r in rows if r is not None],
            "chart": {"years": series.years, "ratios": series.ratio_series()},
            "illustrative": _illustrative(rows),
        },
    )


@section("data")
@require(permissions.can_view_registry)
def university_list(request: HttpRequest) -> HttpResponse:
    universities = list(selectors.university_list(user=request.user))
    return render(
        request,
        "alfadmin/university_list.html",
        {
            "universities": universities,
            "illustrative": _illustrative(universities),
            "can_edit": permissions.can_edit_registry(request.user),
        },
    )


@section("data")
@require(permissions.can_view_registry)
def university_detail(request: HttpRequest, code: str) -> HttpResponse:
    university = get_object_or_404(selectors.university_list(user=request.user), code=code)
    return render(
        request,
        "alfadmin/university_detail.html",
        {
            "university": university,
            "region": getattr(university, "region", None),
            # What the apps keep about the university (GUNS: its seat), registered in their ready().
            "cards": record_cards_for(request, university),
            "can_edit": permissions.can_edit_registry(request.user),
            "history": university.history.select_related("history_user")[:20],
        },
    )


@section("data")
@require(permissions.can_edit_registry)
def university_edit(request: AuthenticatedHttpRequest, code: str | None = None) -> HttpResponse:
    university = get_object_or_404(selectors.university_list(user=request.user), code=code) if code is not None else None
    form = UniversityForm(request.POST or None, instance=university)

    def save(f):
        data = f.changed_values()
        if university is None:
            return services.university_create(actor=request.user, data=data)
        return services.university_update(actor=request.user, university=university, expected_version=form_version(f), data=data)

    return edit_flow(
        request,
        form=form,
        save=save,
        template="alfadmin/record_form.html",
        context={
            "title": university.name if university else _("New university"),
            "back_url": "universities",
            "history": university.history.select_related("history_user")[:20] if university else None,
        },
        success_url="universities",
    )


@section("data")
@require(permissions.can_view_registry)
def budget_year_list(request: HttpRequest) -> HttpResponse:
    years = list(selectors.budget_year_list(user=request.user))
    totals = selectors.planned_hst_totals(user=request.user)
    rows = [{"year": y, "planned_hst": totals.get(y.year)} for y in years]
    return render(
        request,
        "alfadmin/budget_year_list.html",
        {"rows": rows, "illustrative": _illustrative(years), "can_edit": permissions.can_edit_registry(request.user)},
    )


@section("data")
@require(permissions.can_view_registry)
def student_list(request: HttpRequest) -> HttpResponse:
    series = selectors.student_series(user=request.user)
    table = [{"region": region, "cells": [series.cells.get((region.code, year)) for year in series.years]} for region in series.regions]
    return render(
        request,
        "alfadmin/student_list.html",
        {
            "years": series.years,
            "table": table,
            "chart": {"years": series.years, "ratios": series.ratio_series()},
            "illustrative": _illustrative(series.cells.values()),
            "can_edit": permissions.can_edit_registry(request.user),
        },
    )


@section("data")
@require(permissions.can_view_registry)
def share_table_list(request: HttpRequest) -> HttpResponse:
    tables = list(selectors.share_table_list(user=request.user))
    return render(
        request,
        "alfadmin/share_table_list.html",
        {"tables": tables, "illustrative": _illustrative(tables), "can_edit": permissions.can_edit_registry(request.user)},
    )


@section("data")
@require(permissions.can_view_registry)
def agreement_period_list(request: HttpRequest) -> HttpResponse:
    periods = list(selectors.agreement_period_list(user=request.user))
    return render(
        request,
        "alfadmin/agreement_period_list.html",
        {"periods": periods, "can_edit": permissions.can_edit_registry(request.user)},
    )


@section("data")
@require(permissions.can_edit_registry)
def budget_year_edit(request: AuthenticatedHttpRequest, year: int | None = None) -> HttpResponse:
    budget_year = get_object_or_404(selectors.budget_year_list(user=request.user), year=year) if year is not None else None
    form = BudgetYearForm(request.POST or None, instance=budget_year)

    def save(f):
        data = {k: v for k, v in f.changed_values().items()}
        if budget_year is None:
            return services.budget_year_create(actor=request.user, data=data)
        return services.budget_year_update(
            actor=request.user, budget_year=budget_year, expected_version=form_version(f), data=data, reason=f.change_reason()
        )

    title = _("Budget year %(year)s") % {"year": year} if year else _("New budget year")
    return edit_flow(
        request,
        form=form,
        save=save,
        template="alfadmin/record_form.html",
        context={
            "title": title,
            "back_url": "budget-years",
            "history": budget_year.history.select_related("history_user")[:20] if budget_year else None,
            "history_of": budget_year,
        },
        success_url="budget-years",
    )


@section("data")
@require(permissions.can_edit_registry)
def student_count_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    count = get_object_or_404(selectors.student_count_list(user=request.user), pk=pk) if pk is not None else None
    form = StudentCountForm(request.POST or None, instance=count)

    def save(f):
        if count is None:
            return services.student_count_create(actor=request.user, data=f.changed_values())
        return services.student_count_update(
            actor=request.user, student_count=count, expected_version=form_version(f), data=f.changed_values(), reason=f.change_reason()
        )

    title = (
        _("Full-year students %(region)s %(year)s") % {"region": count.region.code, "year": count.year}
        if count
        else _("New student figures")
    )
    return edit_flow(
        request,
        form=form,
        save=save,
        template="alfadmin/record_form.html",
        context={
            "title": title,
            "back_url": "students",
            "history": count.history.select_related("history_user")[:20] if count else None,
            "history_of": count,
        },
        success_url="students",
    )


@section("data")
@require(permissions.can_edit_registry)
def agreement_period_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(selectors.agreement_period_list(user=request.user), pk=pk)
    form = AgreementPeriodForm(request.POST or None, instance=period)

    def save(f):
        return services.agreement_period_update(
            actor=request.user, period=period, expected_version=form_version(f), data=f.changed_values(), reason=f.change_reason()
        )

    return edit_flow(
        request,
        form=form,
        save=save,
        template="alfadmin/record_form.html",
        context={
            "title": str(period),
            "back_url": "agreement-periods",
            "history": period.history.select_related("history_user")[:20],
            "history_of": period,
        },
        success_url="agreement-periods",
    )


@section("data")
@require(permissions.can_edit_registry)
def share_table_edit(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    table = get_object_or_404(selectors.share_table_list(user=request.user), kind=kind)
    regions = [r for r in selectors.region_list(user=request.user) if r.is_active]
    form = ShareTableForm(request.POST or None, table=table, regions=regions)

    def save(f):
        return services.share_table_update(
            actor=request.user, table=table, expected_version=form_version(f), percents=f.percents(), reason=f.change_reason()
        )

    return edit_flow(
        request,
        form=form,
        save=save,
        template="alfadmin/record_form.html",
        context={
            "title": table.name,
            "back_url": "share-tables",
            "history": table.history.select_related("history_user")[:20],
            "history_of": table,
        },
        success_url="share-tables",
    )


@section("data")
@require(permissions.is_signed_in)
def change_log(request: HttpRequest) -> HttpResponse:
    """Changes across every tracked model, newest first: who, when, what, the action and the reason.

    Filtered by kind of object (or one object and its parts), region, user and dates; what a
    user may read follows each app's read rules (``alfadmin.kernel.changelog``).
    """
    form = ChangeLogFilterForm(request.GET or None)
    flt = form.change_filter()
    page = changelog.change_page(user=request.user, flt=flt, page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    subject = changelog.tracked(flt.model) if flt.model else None
    return render(
        request,
        "alfadmin/change_log.html",
        {"form": form, "page": page, "rows": page.object_list, "query": query.urlencode(), "subject": subject, "flt": flt},
    )


@section("data")
@require(permissions.is_signed_in)
def change_detail(request: HttpRequest, model: str, history_id: int) -> HttpResponse:
    """One change field by field (before → after), its reason, and the object's previous/next change."""
    detail = changelog.change_detail(user=request.user, key=model, history_id=history_id)
    return render(request, "alfadmin/change_detail.html", {"detail": detail, "change": detail.change})


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


TREND_CARD = "appropriation_trend"


@section("overview")
@require(permissions.is_signed_in)
def overview(request: HttpRequest) -> HttpResponse:
    """The landing page: this year's appropriations, each app's card, and where to go next."""
    years = list(selectors.budget_year_list(user=request.user))
    this_year = timezone.localdate().year
    current = next((y for y in years if y.year == this_year), years[-1] if years else None)
    totals = selectors.planned_hst_totals(user=request.user)
    cards = cards_for(request, year=current.year) if current else []
    return render(
        request,
        "alfadmin/overview.html",
        {
            "current": current,
            "cards": cards,
            # An app may chart what is paid or projected instead (a card of that name);
            # the registry's appropriations stay the fallback.
            "trend_from_card": any(card.name == TREND_CARD for card in cards),
            "planned_hst": totals.get(current.year) if current else None,
            "region_count": selectors.region_list(user=request.user).filter(is_active=True).count(),
            "chart": {
                "years": [y.year for y in years],
                "education": [y.education_appropriation or 0 for y in years],
                "research": [y.research_appropriation for y in years],
            },
            "illustrative": _illustrative(years),
        },
    )
