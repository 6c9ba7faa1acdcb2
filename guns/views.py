"""GUNS pages: dashboard, decisions, meetings, minutes, the pot and (administrators) members."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alfadmin.http import AuthenticatedHttpRequest
from alfadmin.kernel.errors import ConcurrentEditError, LockedError
from alfadmin.kernel.views import conflict_rows, edit_flow, form_version, require, section
from alfadmin.selectors import region_list
from evaluations import selectors as evaluations_selectors

from . import exports, permissions, selectors, services
from .forms import (
    AgendaItemForm,
    AnnualReportForm,
    DecisionForm,
    FollowUpEntryForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    OutcomeForm,
    PaymentForm,
    ScheduleForm,
    SettingsForm,
    TransitionForm,
)
from .models import Decision, FollowUpEntry, GunsSettings, Minutes, year_error, year_in_agreement
from .quorum import meeting_quorum


def _context(request: HttpRequest, **extra):
    user = request.user
    return {
        "can_manage_members": permissions.can_manage_members(user),
        "can_draft": permissions.can_draft(user),
        "can_edit_meetings": permissions.can_edit_meetings(user),
        **extra,
    }


@section("guns")
@require(permissions.can_view_guns)
def index(request):
    user = request.user
    year = timezone.localdate().year
    seats = selectors.seats(user=user)
    return render(
        request,
        "guns/index.html",
        _context(
            request,
            seats=seats,
            empty_seats=[s for s in seats if s.empty],
            next_meeting=selectors.next_meeting(user=user),
            drafts=selectors.drafts_waiting(user=user)[:10],
            pot=selectors.pot_year(user=user, year=year),
            year=year,
        ),
    )


# --- decisions ---------------------------------------------------------------------------


class DecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Text"))
    year = django_filters.NumberFilter(field_name="meeting__date", lookup_expr="year", label=_("Year"))

    class Meta:
        model = Decision
        fields = ["kind", "state", "meeting", "year", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value) | Q(rationale__icontains=value))


@section("guns")
@require(permissions.can_view_guns)
def decision_list(request):
    filtered = DecisionFilter(request.GET, queryset=selectors.decision_list(user=request.user))
    return render(request, "guns/decision_list.html", _context(request, filter=filtered, decisions=filtered.qs[:200]))


def _decision_or_404(request, pk: int) -> Decision:
    return get_object_or_404(selectors.decision_list(user=request.user), pk=pk)


def _decision_context(request: HttpRequest, decision: Decision, **extra: Any) -> dict[str, Any]:
    user = request.user
    frozen = decision.frozen_reason()
    # A decision frozen by approved minutes offers no step and no edit (the service would refuse).
    actions = [] if frozen else services.available_transitions(user=user, decision=decision)
    payable = decision.state == Decision.State.ADOPTED and decision.is_funding and not decision.is_revoked
    return _context(
        request,
        decision=decision,
        actions=actions,
        schedule_form=ScheduleForm(initial={"version": decision.version}) if "schedule" in actions else None,
        outcome_form=OutcomeForm(initial={"version": decision.version}) if "adopt" in actions else None,
        transition_version=decision.version,
        can_edit=not frozen and permissions.can_edit_decision(user, decision),
        frozen_reason=frozen if decision.state not in Decision.FINAL_STATES else None,
        payments=decision.payments.all(),
        payment_form=PaymentForm(initial={"paid_on": timezone.localdate()}) if payable and permissions.can_record_payment(user) else None,
        history=selectors.decision_history(decision=decision),
        **extra,
    )


@section("guns")
@require(permissions.can_view_guns)
def decision_detail(request, pk: int):
    decision = _decision_or_404(request, pk)
    return render(request, "guns/decision_detail.html", _decision_context(request, decision))


@section("guns")
@require(permissions.can_draft)
def decision_create(request):
    initial = {key: request.GET[key] for key in ("kind", "evaluation_round") if request.GET.get(key)}
    form = DecisionForm(request.POST or None, initial=initial, rounds=evaluations_selectors.round_list(user=request.user))

    def save(form):
        data = form.changed_values()
        decision = services.decision_create(actor=request.user, **data)
        form.instance = decision

    response = edit_flow(
        request,
        form=form,
        save=save,
        template="guns/decision_form.html",
        context={"title": _("New decision")},
        success_url=reverse("guns:decisions"),
    )
    if response.status_code == 302 and form.instance.pk:
        return redirect("guns:decision", pk=form.instance.pk)
    return response


@section("guns")
@require(permissions.can_draft)
def decision_edit(request, pk: int):
    decision = _decision_or_404(request, pk)
    if decision.is_final:
        messages.error(request, _("An adopted or rejected decision cannot be changed; draft a later decision that amends it."))
        return render(request, "guns/decision_form.html", {"title": str(decision), "form": None, "decision": decision}, status=409)
    if not permissions.can_edit_decision(request.user, decision):
        raise PermissionDenied
    form = DecisionForm(request.POST or None, instance=decision, rounds=evaluations_selectors.round_list(user=request.user))
    return edit_flow(
        request,
        form=form,
        save=lambda f: services.decision_update(
            actor=request.user, decision=decision, changes=f.changed_values(), expected_version=form_version(f)
        ),
        template="guns/decision_form.html",
        context={"title": _("Edit %(decision)s") % {"decision": decision}, "decision": decision},
        success_url=reverse("guns:decision", args=[decision.pk]),
    )


@require(permissions.can_view_guns)
def decision_transition(request, pk: int, action: str):
    """POST only: one edge of the state graph; refusals come back as messages naming the reason."""
    decision = _decision_or_404(request, pk)
    if request.method != "POST":
        return redirect("guns:decision", pk=pk)
    kwargs: dict[str, Any] = {}
    form: forms.Form = TransitionForm(request.POST)
    if action == "schedule":
        form = ScheduleForm(request.POST)
        if form.is_valid():
            kwargs["meeting"] = form.cleaned_data["meeting"]
    elif action in ("adopt", "reject"):
        form = OutcomeForm(request.POST)
        if form.is_valid():
            kwargs.update(consensus=bool(form.cleaned_data.get("consensus")), votes=form.votes())
    if not form.is_valid():
        for field_errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in field_errors))
        return redirect("guns:decision", pk=pk)
    try:
        services.decision_transition(
            actor=request.user, decision=decision, action=action, expected_version=form.cleaned_data.get("version"), **kwargs
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            if field != "available":
                messages.error(request, " ".join(errors))
        return redirect("guns:decision", pk=pk)
    except ConcurrentEditError as error:
        # The shared conflict table: what changed since the page was opened, by whom, when.
        messages.error(request, _("Someone else saved this decision after you opened it. Nothing of yours was saved."))
        current = _decision_or_404(request, pk)
        context = _decision_context(request, current, conflict=conflict_rows(form, error))
        return render(request, "guns/decision_detail.html", context, status=409)
    except LockedError as error:
        messages.error(request, str(error))
        return render(request, "guns/decision_detail.html", _decision_context(request, _decision_or_404(request, pk)), status=409)
    messages.success(request, _("Saved."))
    return redirect("guns:decision", pk=pk)


@require(permissions.can_record_payment)
def payment_create(request, pk: int):
    decision = _decision_or_404(request, pk)
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_record(actor=request.user, decision=decision, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(sum(error.message_dict.values(), [])))
        else:
            messages.success(request, _("Payment recorded."))
    elif request.method == "POST":
        for field_errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in field_errors))
    return redirect("guns:decision", pk=pk)


# --- meetings and minutes ------------------------------------------------------------------


@section("guns")
@require(permissions.can_view_guns)
def meeting_list(request):
    meetings = [(m, meeting_quorum(m)) for m in selectors.meeting_list(user=request.user)]
    return render(request, "guns/meeting_list.html", _context(request, meetings=meetings))


@section("guns")
@require(permissions.can_view_guns)
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(selectors.meeting_list(user=request.user), pk=pk)
    return render(
        request,
        "guns/meeting_detail.html",
        _context(
            request,
            meeting=meeting,
            quorum=meeting_quorum(meeting),
            minutes=selectors.minutes_for(user=request.user, meeting=meeting),
            agenda_form=AgendaItemForm() if permissions.can_edit_meetings(request.user) else None,
        ),
    )


@section("guns")
@require(permissions.can_edit_meetings)
def meeting_edit(request, pk: int | None = None):
    meeting = get_object_or_404(selectors.meeting_list(user=request.user), pk=pk) if pk else None
    form = MeetingForm(request.POST or None, instance=meeting)
    saved = {}

    def save(form):
        data = form.changed_values()
        attendees = list(data.pop("attendees", []))
        if meeting is None:
            saved["meeting"] = services.meeting_create(actor=request.user, attendees=attendees, **data)
        else:
            saved["meeting"] = services.meeting_update(
                actor=request.user, meeting=meeting, changes=data, attendees=attendees, expected_version=form_version(form)
            )

    response = edit_flow(
        request,
        form=form,
        save=save,
        template="guns/meeting_form.html",
        context={"title": _("Edit meeting") if meeting else _("New meeting"), "meeting": meeting},
        success_url=reverse("guns:meetings"),
    )
    if response.status_code == 302 and "meeting" in saved:
        return redirect("guns:meeting", pk=saved["meeting"].pk)
    return response


@require(permissions.can_edit_meetings)
def agenda_add(request, pk: int):
    meeting = get_object_or_404(selectors.meeting_list(user=request.user), pk=pk)
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_add(actor=request.user, meeting=meeting, title=form.cleaned_data["title"])
        except LockedError as error:
            messages.error(request, str(error))
    return redirect("guns:meeting", pk=pk)


@section("guns")
@require(permissions.can_view_guns)
def minutes_detail(request, pk: int):
    meeting = get_object_or_404(selectors.meeting_list(user=request.user), pk=pk)
    minutes = selectors.minutes_for(user=request.user, meeting=meeting)
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "generate" and permissions.can_edit_minutes(user):
                services.minutes_generate(actor=user, meeting=meeting)
            elif action == "approve" and minutes is not None:
                services.minutes_approve(actor=user, minutes=minutes)
            else:
                raise PermissionDenied
        except (ValidationError, LockedError) as error:
            messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
        return redirect("guns:minutes", pk=pk)
    form = None
    if minutes is not None and minutes.state == Minutes.State.DRAFT and permissions.can_edit_minutes(user):
        form = MinutesForm(instance=minutes)
    return render(
        request,
        "guns/meeting_minutes.html",
        _context(
            request,
            meeting=meeting,
            minutes=minutes,
            form=form,
            can_approve=minutes is not None and minutes.state == Minutes.State.DRAFT and permissions.can_approve_minutes(user, minutes),
            can_generate=permissions.can_edit_minutes(user) and (minutes is None or minutes.state == Minutes.State.DRAFT),
        ),
    )


@require(permissions.can_edit_minutes)
def minutes_edit(request, pk: int):
    meeting = get_object_or_404(selectors.meeting_list(user=request.user), pk=pk)
    minutes = get_object_or_404(Minutes, meeting=meeting)
    if minutes.state == Minutes.State.APPROVED:
        messages.error(request, _("Approved minutes cannot change."))
        return redirect("guns:minutes", pk=pk)
    form = MinutesForm(request.POST or None, instance=minutes)
    return edit_flow(
        request,
        form=form,
        save=lambda f: services.minutes_update(
            actor=request.user, minutes=minutes, changes=f.changed_values(), expected_version=form_version(f)
        ),
        template="guns/meeting_minutes.html",
        context=_context(request, meeting=meeting, minutes=minutes),
        success_url=reverse("guns:minutes", args=[pk]),
    )


# --- the pot ------------------------------------------------------------------------------


@section("guns")
@require(permissions.can_view_guns)
def pot(request):
    year = _agreement_year_or_404(request.GET.get("year") or timezone.localdate().year)
    ledger = selectors.pot_ledger(user=request.user)
    chart = {
        "type": "bar",
        "labels": [str(y.year) for y in ledger.years],
        "datasets": [
            {"label": _("Income"), "data": [y.income for y in ledger.years]},
            {"label": _("Committed"), "data": [y.committed for y in ledger.years]},
            {"label": _("Paid"), "data": [y.paid for y in ledger.years]},
        ],
    }
    return render(
        request,
        "guns/pot_detail.html",
        _context(
            request,
            ledger=ledger,
            year=year,
            figures=ledger.for_year(year),
            spending=selectors.decisions_drawing_on(user=request.user, year=year),
            chart=chart,
            deficits=[y for y in ledger.years if y.deficit],
        ),
    )


# --- members (administrators) ---------------------------------------------------------------


@section("guns")
@require(permissions.can_manage_members)
def member_edit(request, pk: int | None = None) -> HttpResponse:
    member = get_object_or_404(selectors.member_list(user=request.user, include_former=True), pk=pk) if pk else None
    form = MemberForm(request.POST or None, instance=member)

    def save(form):
        data = form.changed_values()
        if member is None:
            services.member_create(actor=request.user, **data)
        else:
            services.member_update(actor=request.user, member=member, changes=data, expected_version=form_version(form))

    return edit_flow(
        request,
        form=form,
        save=save,
        template="guns/member_form.html",
        context={
            "title": _("Edit member") if member else _("New member"),
            "member": member,
            "history": list(member.history.select_related("history_user")[:20]) if member else [],
        },
        success_url=reverse("guns:index"),
    )


@section("guns")
@require(permissions.can_edit_settings)
def settings_edit(request):
    current = GunsSettings.load()
    form = SettingsForm(request.POST or None, instance=current)
    return edit_flow(
        request,
        form=form,
        save=lambda f: services.settings_update(actor=request.user, changes=f.changed_values(), expected_version=form_version(f)),
        template="guns/settings_form.html",
        context={"title": _("GUNS settings")},
        success_url=reverse("guns:index"),
    )


# --- follow-up of the evaluations -----------------------------------------------------------


@section("guns")
@require(permissions.can_view_guns)
def follow_up_index(request: HttpRequest) -> HttpResponse:
    return render(request, "guns/follow_up_index.html", _context(request, rounds=selectors.follow_up_rounds(user=request.user)))


@section("guns")
@require(permissions.can_view_guns)
def follow_up_round(request: HttpRequest, pk: int) -> HttpResponse:
    """Per region: the round's findings (evaluations, scoped to the user), GUNS's notes and actions,
    and the round's decisions (follow-ups of the evaluations, statements as VR's reference group)."""
    evaluation_round = get_object_or_404(selectors.follow_up_rounds(user=request.user), pk=pk)
    matrix = evaluations_selectors.round_matrix(user=request.user, evaluation_round=evaluation_round)
    entries: dict[int, list[FollowUpEntry]] = {}
    for entry in selectors.follow_up_entries(user=request.user).filter(evaluation_round=evaluation_round):
        entries.setdefault(entry.region_id, []).append(entry)
    can_write = permissions.can_write_follow_up(request.user)
    regions = [
        {
            "region": row.region,
            "hidden": row.hidden,
            "findings": row.findings,
            "entries": entries.get(row.region.pk, []),
            "form": FollowUpEntryForm(prefix=f"r{row.region.pk}") if can_write else None,
        }
        for row in matrix.rows
    ]
    return render(
        request,
        "guns/follow_up_round.html",
        _context(
            request,
            evaluation_round=evaluation_round,
            regions=regions,
            decisions=selectors.round_decisions(user=request.user, evaluation_round=evaluation_round),
            can_write=can_write,
            statement_kind=Decision.Kind.REFERENCE_GROUP_STATEMENT,
            follow_up_kind=Decision.Kind.FOLLOW_UP_EVALUATION,
        ),
    )


@require(permissions.can_write_follow_up)
def follow_up_entry_create(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    evaluation_round = get_object_or_404(selectors.follow_up_rounds(user=request.user), pk=pk)
    region = get_object_or_404(region_list(user=request.user), code=code)
    if request.method != "POST":
        return redirect("guns:follow_up_round", pk=pk)
    form = FollowUpEntryForm(request.POST, prefix=f"r{region.pk}")
    if form.is_valid():
        data = form.changed_values()
        try:
            services.follow_up_entry_create(actor=request.user, evaluation_round=evaluation_round, region=region, **data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, " ".join(str(message) for errors in form.errors.values() for message in errors))
    return redirect(f"{reverse('guns:follow_up_round', args=[pk])}#fu-{region.code}")


@section("guns")
@require(permissions.can_write_follow_up)
def follow_up_entry_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(selectors.follow_up_entries(user=request.user), pk=pk)
    if not permissions.can_edit_follow_up_entry(request.user, entry):
        raise PermissionDenied
    form = FollowUpEntryForm(request.POST or None, instance=entry)
    return edit_flow(
        request,
        form=form,
        save=lambda f: services.follow_up_entry_update(
            actor=request.user, entry=entry, changes=f.changed_values(), expected_version=form_version(f)
        ),
        template="guns/follow_up_entry_form.html",
        context={
            "title": _("Follow-up: %(region)s, round %(round)s") % {"region": entry.region.name, "round": entry.evaluation_round.name},
            "entry": entry,
            "history": list(entry.history.select_related("history_user")[:20]),
        },
        success_url=reverse("guns:follow_up_round", args=[entry.evaluation_round_id]),
    )


# --- the annual report to the parties ---------------------------------------------------------


def _agreement_year_or_404(value: object) -> int:
    """A year of the agreement (the registry's agreement periods) from a URL, else 404."""
    try:
        year = int(str(value))
    except ValueError as error:
        raise Http404(_("No such year.")) from error
    if not year_in_agreement(year):
        raise Http404(year_error(year))
    return year


def _report_year(request: HttpRequest) -> int:
    """?year=YYYY, else last year (the report is written after the year it covers)."""
    try:
        return int(request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        return timezone.localdate().year - 1


@section("guns")
@require(permissions.can_view_guns)
def annual_report(request: HttpRequest, year: int | None = None) -> HttpResponse:
    year = _agreement_year_or_404(year or _report_year(request))
    data = selectors.annual_report_data(user=request.user, year=year)
    return render(
        request,
        "guns/annual_report_detail.html",
        _context(
            request,
            data=data,
            year=year,
            can_edit_report=permissions.can_edit_annual_report(request.user),
            history=list(data.report.history.select_related("history_user")[:20]) if data.report.pk else [],
        ),
    )


@require(permissions.can_view_guns)
def annual_report_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    year = _agreement_year_or_404(year)
    data = selectors.annual_report_data(user=request.user, year=year)
    response = HttpResponse(
        exports.annual_report_workbook(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="guns-annual-report-{year}.xlsx"'
    return response


@section("guns")
@require(permissions.can_edit_annual_report)
def annual_report_introduction(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    year = _agreement_year_or_404(year)
    report = selectors.annual_report_for(user=request.user, year=year)
    form = AnnualReportForm(request.POST or None, instance=report)
    return edit_flow(
        request,
        form=form,
        save=lambda f: services.annual_report_update(
            actor=request.user, year=year, introduction=f.cleaned_data["introduction"], expected_version=form_version(f)
        ),
        template="guns/annual_report_form.html",
        context={
            "title": _("Introduction to the annual report %(year)s") % {"year": year},
            "year": year,
            "history": list(report.history.select_related("history_user")[:20]) if report.pk else [],
        },
        success_url=f"{reverse('guns:annual_report_year', args=[year])}",
    )
