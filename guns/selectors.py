"""Reads of GUNS, scoped to the acting user (every signed-in user reads GUNS; anonymous nothing).

The pot is computed for every year at once from three queries (income lines of the current
Ds 2024 runs, commitments and payments), whatever the number of years and decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from alfadmin.models import Region
from allocations.models import AllocationLine, AllocationModel
from allocations.selectors import current_pointers
from evaluations.models import EvaluationRound
from evaluations.selectors import round_list

from .models import AgendaItem, AnnualReport, Decision, FollowUpEntry, GunsMember, GunsSettings, Meeting, Minutes, Payment, Side
from .permissions import can_view_guns

# --- members and seats -------------------------------------------------------------------


def member_list(*, user, include_former: bool = False) -> QuerySet[GunsMember]:
    if not can_view_guns(user):
        return GunsMember.objects.none()
    members = GunsMember.objects.select_related("region", "region__university", "user")
    return members if include_former else members.filter(is_active=True)


@dataclass
class Seat:
    region: Region
    side: str
    member: GunsMember | None = None
    substitute: GunsMember | None = None

    @property
    def label(self) -> str:
        return self.region.university.name if self.side == Side.UNIVERSITY else self.region.name

    @property
    def empty(self) -> bool:
        return self.member is None


def seats(*, user) -> list[Seat]:
    """The 2 × (active regions) seats with their current holders (two queries)."""
    if not can_view_guns(user):
        return []
    by_seat: dict[tuple[int, str], Seat] = {}
    for region in Region.objects.filter(is_active=True).select_related("university").order_by("code"):
        for side in Side.values:
            by_seat[(region.pk, side)] = Seat(region=region, side=side)
    for member in member_list(user=user):
        seat = by_seat.get(member.seat)
        if seat is None:
            continue
        if member.role == GunsMember.Role.SUBSTITUTE:
            seat.substitute = member
        else:
            seat.member = member
    return sorted(by_seat.values(), key=lambda s: (s.side != Side.REGION, s.region.code))


def seat_of(*, user, region: Region, side: str) -> Seat:
    """One seat with its current member and substitute (one query)."""
    seat = Seat(region=region, side=side)
    for member in member_list(user=user).filter(region=region, side=side):
        if member.role == GunsMember.Role.SUBSTITUTE:
            seat.substitute = member
        else:
            seat.member = member
    return seat


# --- meetings (their quorum: guns/quorum.py) ---------------------------------------------


def meeting_list(*, user) -> QuerySet[Meeting]:
    if not can_view_guns(user):
        return Meeting.objects.none()
    return (
        Meeting.objects.prefetch_related(
            Prefetch("attendees", queryset=GunsMember.objects.select_related("region")),
            Prefetch("agenda", queryset=AgendaItem.objects.select_related("decision")),
        )
        .annotate(decision_count=Count("decisions", distinct=True))
        .order_by("-date", "-pk")
    )


def next_meeting(*, user) -> Meeting | None:
    return meeting_list(user=user).filter(date__gte=timezone.localdate()).order_by("date", "pk").first()


def minutes_for(*, user, meeting: Meeting) -> Minutes | None:
    if not can_view_guns(user):
        return None
    return (
        Minutes.objects.select_related("adjuster", "adjuster__user", "chair_approved_by", "adjuster_approved_by")
        .filter(meeting=meeting)
        .first()
    )


# --- decisions ---------------------------------------------------------------------------


def decision_list(*, user) -> QuerySet[Decision]:
    if not can_view_guns(user):
        return Decision.objects.none()
    return Decision.objects.select_related("meeting", "amends", "drafted_by", "evaluation_round").prefetch_related(
        Prefetch("amended_by", queryset=Decision.objects.filter(state=Decision.State.ADOPTED))
    )


def decision_history(*, decision: Decision) -> list[Any]:
    return list(decision.history.select_related("history_user").order_by("-history_date", "-history_id"))


# --- the pot -----------------------------------------------------------------------------


@dataclass
class PotYearFigures:
    year: int
    set_aside: int = 0
    forfeited: int = 0
    carried_over: int = 0
    committed: int = 0
    paid: int = 0
    has_run: bool = False

    @property
    def income(self) -> int:
        return self.set_aside + self.forfeited + self.carried_over

    @property
    def available(self) -> int:
        return self.income - self.committed

    @property
    def deficit(self) -> int:
        return max(0, -self.available)

    def as_api(self) -> dict[str, int]:
        return {
            "year": self.year,
            "set_aside": self.set_aside,
            "forfeited": self.forfeited,
            "carried_over": self.carried_over,
            "income": self.income,
            "committed": self.committed,
            "paid": self.paid,
            "available": self.available,
        }


@dataclass
class Ledger:
    years: list[PotYearFigures] = field(default_factory=list)

    def for_year(self, year: int) -> PotYearFigures:
        for figures in self.years:
            if figures.year == year:
                return figures
        return PotYearFigures(year=year)


def pot_ledger(*, user, settings: GunsSettings | None = None) -> Ledger:
    """Every year's pot: income (the `guns` lines of the current Ds 2024 run plus what was left of
    the year before when carry-over is allowed), committed, paid, available. Five queries.

    A revoked funding decision keeps committed only what was paid before it was revoked; the
    rest goes back to its pot year."""
    if not can_view_guns(user):
        return Ledger()
    settings = settings or GunsSettings.load()
    runs = {p.run_id: p.year for p in current_pointers(user=user, model=AllocationModel.DS2024) if p.run_id}
    figures: dict[int, PotYearFigures] = {}
    lines = AllocationLine.objects.filter(run_id__in=list(runs), part=AllocationLine.Part.GUNS).exclude(line="total")
    for run_id, line, amount in lines.values_list("run_id", "line", "amount"):
        year = figures.setdefault(runs[run_id], PotYearFigures(year=runs[run_id]))
        year.has_run = True
        if line == "set_aside":
            year.set_aside += amount
        else:
            year.forfeited += amount
    # A national initiative always has a pot year (DB constraint guns_funding_has_amount_and_year),
    # so the year is never None here; the filter says so to the type checker and the reader.
    revoked = revoked_decisions()
    committed = (
        Decision.objects.filter(state=Decision.State.ADOPTED, kind=Decision.Kind.NATIONAL_INITIATIVE, pot_year__isnull=False)
        .exclude(pk__in=revoked)
        .values_list("pot_year")
        .annotate(total=Sum("amount"))
    )
    for committed_year, committed_total in committed:
        if committed_year is not None:
            figures.setdefault(committed_year, PotYearFigures(year=committed_year)).committed += committed_total or 0
    paid_before_revoked = (
        Payment.objects.filter(decision__in=revoked, decision__pot_year__isnull=False)
        .values_list("decision__pot_year")
        .annotate(total=Sum("amount"))
    )
    for revoked_year, revoked_paid in paid_before_revoked:
        if revoked_year is not None:
            figures.setdefault(revoked_year, PotYearFigures(year=revoked_year)).committed += revoked_paid or 0
    paid = Payment.objects.filter(decision__pot_year__isnull=False).values_list("decision__pot_year").annotate(total=Sum("amount"))
    for paid_year, paid_total in paid:
        if paid_year is not None:
            figures.setdefault(paid_year, PotYearFigures(year=paid_year)).paid = paid_total or 0
    ordered = [figures[y] for y in sorted(figures)]
    previous: PotYearFigures | None = None
    for year in ordered:
        if settings.carry_over and previous is not None and previous.year == year.year - 1:
            year.carried_over = max(0, previous.available)
        previous = year
    return Ledger(years=ordered)


def revoked_decisions() -> QuerySet[Decision]:
    """Decisions an adopted later decision revokes (a subquery)."""
    return Decision.objects.filter(
        pk__in=Decision.objects.filter(state=Decision.State.ADOPTED, effect=Decision.Effect.REVOKES, amends__isnull=False).values(
            "amends_id"
        )
    )


def pot_year(*, user, year: int) -> PotYearFigures:
    return pot_ledger(user=user).for_year(year)


def decisions_drawing_on(*, user, year: int) -> QuerySet[Decision]:
    return (
        decision_list(user=user)
        .filter(kind=Decision.Kind.NATIONAL_INITIATIVE, pot_year=year, state=Decision.State.ADOPTED)
        .annotate(paid=Sum("payments__amount"))
        .order_by("number_seq")
    )


def drafts_waiting(*, user) -> QuerySet[Decision]:
    return decision_list(user=user).filter(Q(state=Decision.State.DRAFT) | Q(state=Decision.State.ON_AGENDA)).order_by("created_at")


# --- follow-up of the evaluations ---------------------------------------------------------


def follow_up_rounds(*, user) -> QuerySet[EvaluationRound]:
    """The evaluation rounds the user sees, with how many GUNS entries and decisions each has."""
    if not can_view_guns(user):
        return EvaluationRound.objects.none()
    return round_list(user=user).annotate(
        entry_count=Count("guns_follow_ups", distinct=True),
        open_actions=Count("guns_follow_ups", filter=Q(guns_follow_ups__kind="action", guns_follow_ups__done=False), distinct=True),
        decision_count=Count("guns_decisions", distinct=True),
    )


def follow_up_entries(*, user) -> QuerySet[FollowUpEntry]:
    """GUNS's notes and actions, open to every signed-in user (the parties follow GUNS's work)."""
    if not can_view_guns(user):
        return FollowUpEntry.objects.none()
    return FollowUpEntry.objects.select_related("evaluation_round", "region", "created_by")


def round_decisions(*, user, evaluation_round: EvaluationRound) -> QuerySet[Decision]:
    """Follow-ups of the evaluations and statements as VR's reference group concerning the round."""
    return decision_list(user=user).filter(evaluation_round=evaluation_round).exclude(state=Decision.State.WITHDRAWN).order_by("created_at")


# --- the annual report ----------------------------------------------------------------------


def annual_report_for(*, user, year: int) -> AnnualReport:
    """The year's introduction (an unsaved blank one until somebody writes it)."""
    if not can_view_guns(user):
        return AnnualReport(year=year)
    found = AnnualReport.objects.filter(year=year).first()
    return found if found is not None else AnnualReport(year=year)


@dataclass
class KindSummary:
    kind: str
    label: str
    by_state: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())


@dataclass
class AnnualReportData:
    """Everything the annual report to the parties for a year shows (docs/guns.md), gathered in a
    fixed number of queries whatever the number of decisions and follow-ups."""

    year: int
    report: AnnualReport
    decisions: list[Decision]
    summary: list[KindSummary]
    states: list[tuple[str, str]]
    pot: PotYearFigures
    carried_to_next: int
    follow_ups: list[FollowUpEntry]

    @property
    def state_totals(self) -> dict[str, int]:
        return {state: sum(k.by_state.get(state, 0) for k in self.summary) for state, _label in self.states}


def decisions_of_year(*, user, year: int) -> QuerySet[Decision]:
    """A year's decisions: those on a meeting of the year, and those on no meeting drafted that year."""
    return (
        decision_list(user=user)
        .filter(Q(meeting__date__year=year) | Q(meeting__isnull=True, created_at__year=year))
        .annotate(paid=Sum("payments__amount"))
        .order_by("number_seq", "created_at", "pk")
    )


def annual_report_data(*, user, year: int) -> AnnualReportData:
    settings = GunsSettings.load()
    decisions = list(decisions_of_year(user=user, year=year))
    counts: dict[str, dict[str, int]] = {kind: {} for kind in Decision.Kind.values}
    for decision in decisions:
        counts[decision.kind][decision.state] = counts[decision.kind].get(decision.state, 0) + 1
    summary = [KindSummary(kind=kind, label=str(label), by_state=counts[kind]) for kind, label in Decision.Kind.choices]
    figures = pot_ledger(user=user, settings=settings).for_year(year)
    return AnnualReportData(
        year=year,
        report=annual_report_for(user=user, year=year),
        decisions=decisions,
        summary=summary,
        states=[(state, str(label)) for state, label in Decision.State.choices],
        pot=figures,
        carried_to_next=max(0, figures.available) if settings.carry_over else 0,
        follow_ups=list(
            follow_up_entries(user=user).filter(created_at__year=year).order_by("evaluation_round__applies_from", "region__code", "pk")
        ),
    )
