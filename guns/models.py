"""GUNS: Grupp för Uppföljning och Nationell Samverkan (memo §7.7, §7.9–7.10; spec docs/guns.md).

Fourteen seats: for every ALF region one on the region side and one on the university side.
A seat is the pair (region, side); it is not a row of its own, so an eighth ALF region brings
two more seats without new code.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alfadmin.kernel.models import Freezable, TracksLoadedValues, Versioned, who
from alfadmin.kernel.triggers import frozen
from alfadmin.models import AgreementPeriod, Region
from evaluations.models import EvaluationRound

from .quorum import Side, quorum_errors


def agreement_years() -> tuple[int, int] | None:
    """The first and last year of the agreement periods in the registry (None before any)."""
    found = AgreementPeriod.objects.aggregate(first=models.Min("start_year"), last=models.Max("end_year"))
    if found["first"] is None or found["last"] is None:
        return None
    return found["first"], found["last"]


def year_in_agreement(year: int | None) -> bool:
    years = agreement_years()
    return year is not None and years is not None and years[0] <= year <= years[1]


def year_error(year: int | None) -> str:
    """Why `year` is refused: outside the agreement's years (named), or no agreement yet."""
    years = agreement_years()
    if years is None:
        return str(_("No agreement period is registered yet."))
    return str(_("The year must be within the agreement's years, %(first)s–%(last)s.") % {"first": years[0], "last": years[1]})


class GunsSettings(Versioned):
    """The parameters of docs/guns.md an administrator may change (one row, pk 1)."""

    quorum_seats = models.PositiveSmallIntegerField(_("seats present for quorum"), default=8)
    quorum_per_side = models.PositiveSmallIntegerField(_("seats present from each side for quorum"), default=3)
    carry_over = models.BooleanField(_("carry over what is left of the pot to the next year"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("GUNS settings")
        verbose_name_plural = _("GUNS settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="guns_settings_singleton"),
            models.CheckConstraint(
                condition=Q(quorum_seats__gte=1, quorum_per_side__gte=1),
                name="guns_settings_quorum_positive",
                violation_error_message=_("Quorum needs at least one seat, and at least one from each side."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("GUNS settings"))

    def clean(self) -> None:
        errors = quorum_errors(quorum_seats=self.quorum_seats, quorum_per_side=self.quorum_per_side)
        if errors:
            raise ValidationError(errors)

    @classmethod
    def load(cls) -> GunsSettings:
        found = cls.objects.filter(pk=1).first()
        return found if found is not None else cls(pk=1)


class GunsMember(Versioned):
    """Someone holding a seat (ordinary member or substitute) for a term; one of them is the chair.

    `is_active` marks the current holder: an ended term is kept (is_active False, term_end set)
    so the history of who sat where stays readable.
    """

    Side = Side

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        SUBSTITUTE = "substitute", _("Substitute")

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="guns_members", verbose_name=_("ALF region"))
    side = models.CharField(_("represents"), max_length=16, choices=Side.choices)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="guns_memberships", verbose_name=_("user")
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    term_start = models.DateField(_("term start"), default=timezone.localdate)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__code", "side", "role"]
        verbose_name = _("GUNS member")
        verbose_name_plural = _("GUNS members")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "side", "role"], condition=Q(is_active=True), name="guns_one_active_holder_per_seat_and_role"
            ),
            models.UniqueConstraint(fields=["is_chair"], condition=Q(is_chair=True, is_active=True), name="guns_one_chair"),
            models.CheckConstraint(condition=Q(is_chair=False) | Q(role="member"), name="guns_chair_is_ordinary_member"),
            models.CheckConstraint(condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")), name="guns_term_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.region.code}, {self.get_side_display()})"

    def clean(self) -> None:
        if self.is_chair and self.role != self.Role.MEMBER:
            raise ValidationError({"is_chair": _("Only an ordinary member can chair GUNS.")})
        if self.term_end and self.term_start and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("The term cannot end before it starts.")})

    @property
    def seat(self) -> tuple[int, str]:
        return (self.region_id, self.side)

    @property
    def api_role(self) -> str:
        return "chair" if self.is_chair else self.role

    @property
    def organisation(self) -> str:
        return self.region.university.name if self.side == Side.UNIVERSITY else self.region.name


def settings_quorum_seats() -> int:
    """A new meeting's quorum rule is the one in force when it is created (guns/quorum.py)."""
    return GunsSettings.load().quorum_seats


def settings_quorum_per_side() -> int:
    return GunsSettings.load().quorum_per_side


MINUTES_APPROVED_SQL = "EXISTS (SELECT 1 FROM guns_minutes m WHERE m.meeting_id = {meeting} AND m.state = 'approved')"
ADOPTED_AT_SQL = "EXISTS (SELECT 1 FROM guns_decision d WHERE d.meeting_id = {meeting} AND d.state = 'adopted')"


def _stored(row: TracksLoadedValues, attname: str) -> object:
    """A field's value as stored when the row was read (the write path checks frozenness after
    applying the change, and the state before the change is what decides)."""
    try:
        return row.loaded_value(attname)
    except KeyError:
        return getattr(row, attname)


def minutes_approved(meeting_id: int | None) -> bool:
    return meeting_id is not None and Minutes.objects.filter(meeting_id=meeting_id, state=Minutes.State.APPROVED).exists()


class Meeting(Freezable):
    """A GUNS meeting: date, title, ordered agenda and the seats present.

    The quorum rule in force when the meeting was created is stored with it: a later change of
    the settings does not turn a meeting that decided into one that could not. Approved minutes
    freeze the meeting (date, title, attendance, agenda); adopted decisions, numbered for the
    meeting's year, freeze its date.
    """

    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    attendees = models.ManyToManyField(GunsMember, blank=True, related_name="meetings_attended", verbose_name=_("present"))
    quorum_seats = models.PositiveSmallIntegerField(_("seats present for quorum"), default=settings_quorum_seats, editable=False)
    quorum_per_side = models.PositiveSmallIntegerField(
        _("seats present from each side for quorum"), default=settings_quorum_per_side, editable=False
    )
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("GUNS meeting")
        verbose_name_plural = _("GUNS meetings")
        triggers = [
            frozen(
                name="guns_meeting_minutes_approved",
                when=MINUTES_APPROVED_SQL.format(meeting="OLD.id"),
                message="the minutes of this meeting are approved",
            ),
            frozen(
                name="guns_meeting_date_numbered",
                when="TG_OP = 'UPDATE' AND NEW.date IS DISTINCT FROM OLD.date AND " + ADOPTED_AT_SQL.format(meeting="OLD.id"),
                message="decisions adopted at this meeting are numbered for its year",
                delete=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def frozen_reason(self) -> str | None:
        if self.pk is not None and minutes_approved(self.pk):
            return str(_("The minutes of this meeting are approved; the meeting can no longer change."))
        return None


class Decision(Freezable):
    """A motion (beslutsärende) moving draft → on_agenda → adopted / rejected / withdrawn.

    Referral back puts an item on the agenda back to draft. Adopted and rejected decisions are
    frozen (the write path refuses, the database refuses too); so is every decision of a
    meeting whose minutes are approved. A later decision changes one through `amends`; a
    revoked funding decision keeps only what was paid committed.
    """

    class Kind(models.TextChoices):
        NATIONAL_INITIATIVE = "national_initiative", _("National initiative (funding)")
        FOLLOW_UP_AGREEMENT = "follow_up_agreement", _("Follow-up of the agreement")
        FOLLOW_UP_EVALUATION = "follow_up_evaluation", _("Follow-up of the evaluations")
        PROPOSAL_TO_PARTIES = "proposal_to_parties", _("Proposal to the parties")
        REFERENCE_GROUP_STATEMENT = "reference_group_statement", _("Statement as VR's reference group")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ON_AGENDA = "on_agenda", _("On the agenda")
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Effect(models.TextChoices):
        AMENDS = "amends", _("Amends")
        REVOKES = "revokes", _("Revokes")

    FINAL_STATES = (State.ADOPTED, State.REJECTED)
    ROUND_KINDS = (Kind.FOLLOW_UP_EVALUATION, Kind.REFERENCE_GROUP_STATEMENT)

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    rationale = models.TextField(_("rationale"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT, editable=False)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting")
    )
    amount = models.BigIntegerField(_("amount (kr)"), null=True, blank=True)
    pot_year = models.PositiveSmallIntegerField(_("pot year"), null=True, blank=True)
    recipients = models.TextField(_("recipient(s)"), blank=True)
    period = models.CharField(_("period"), max_length=100, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amended_by", verbose_name=_("amends or revokes")
    )
    evaluation_round = models.ForeignKey(
        EvaluationRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="guns_decisions",
        verbose_name=_("evaluation round"),
        help_text=_("For a follow-up of the evaluations or a statement as VR's reference group: the round it concerns."),
    )
    effect = models.CharField(_("effect on the earlier decision"), max_length=16, choices=Effect.choices, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("drafted by")
    )
    number_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    number_seq = models.PositiveIntegerField(null=True, blank=True, editable=False)
    consensus = models.BooleanField(_("consensus"), null=True, blank=True, editable=False)
    votes_yes = models.PositiveSmallIntegerField(_("yes"), null=True, blank=True, editable=False)
    votes_no = models.PositiveSmallIntegerField(_("no"), null=True, blank=True, editable=False)
    votes_abstain = models.PositiveSmallIntegerField(_("abstain"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("GUNS decision")
        verbose_name_plural = _("GUNS decisions")
        constraints = [
            models.UniqueConstraint(fields=["number_year", "number_seq"], name="guns_decision_number_unique"),
            models.CheckConstraint(
                condition=Q(state="adopted", number_seq__isnull=False) | (~Q(state="adopted") & Q(number_seq__isnull=True)),
                name="guns_decision_number_iff_adopted",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="guns_decision_amount_positive",
                violation_error_message=_("The amount must be a positive number of kronor."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="national_initiative") | Q(amount__isnull=False, pot_year__isnull=False),
                name="guns_funding_has_amount_and_year",
            ),
        ]
        triggers = [
            frozen(
                name="guns_decision_final",
                when="OLD.state IN ('adopted', 'rejected') OR " + MINUTES_APPROVED_SQL.format(meeting="OLD.meeting_id"),
                message="an adopted or rejected decision, or one of a meeting whose minutes are approved, never changes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    @property
    def number(self) -> str | None:
        return f"GUNS {self.number_year}:{self.number_seq}" if self.number_seq else None

    @property
    def is_final(self) -> bool:
        return self.state in self.FINAL_STATES

    @property
    def is_funding(self) -> bool:
        return self.kind == self.Kind.NATIONAL_INITIATIVE

    @property
    def is_revoked(self) -> bool:
        return Decision.objects.filter(amends=self, effect=self.Effect.REVOKES, state=self.State.ADOPTED).exists()

    def frozen_reason(self) -> str | None:
        if self.pk is None:
            return None
        if _stored(self, "state") in self.FINAL_STATES:
            return str(_("An adopted or rejected decision cannot be changed; draft a later decision that amends it."))
        if minutes_approved(_stored(self, "meeting_id")):  # type: ignore[arg-type]  # a meeting id or None, as stored
            return str(_("The minutes of this meeting are approved; its decisions can no longer change."))
        return None

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.amount is not None and self.amount <= 0:
            errors["amount"] = _("The amount must be a positive number of kronor.")
        elif self.is_funding:
            if not self.amount:
                errors["amount"] = _("A national initiative needs an amount.")
        elif self.amount:
            errors["amount"] = _("Only a national initiative carries an amount.")
        if self.is_funding:
            if not self.pot_year:
                errors["pot_year"] = _("A national initiative needs the pot year it draws on.")
            elif not year_in_agreement(self.pot_year):
                errors["pot_year"] = year_error(self.pot_year)
        elif self.pot_year is not None and not year_in_agreement(self.pot_year):
            errors["pot_year"] = year_error(self.pot_year)
        if self.evaluation_round_id and self.kind not in self.ROUND_KINDS:
            errors["evaluation_round"] = _("Only a follow-up of the evaluations or a statement as VR's reference group concerns a round.")
        if self.amends_id and self.pk and self.amends_id == self.pk:
            errors["amends"] = _("A decision cannot amend itself.")
        if self.amends_id and not self.effect:
            self.effect = self.Effect.AMENDS
        if errors:
            raise ValidationError(errors)


class AgendaItem(models.Model):
    """An item of a meeting's agenda, in order; an item may be a decision."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting"))
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("decision")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="guns_agenda_position_unique")]
        triggers = [
            frozen(
                name="guns_agenda_minutes_approved",
                when=MINUTES_APPROVED_SQL.format(meeting="OLD.meeting_id"),
                message="the minutes of this meeting are approved",
            ),
            pgtrigger.Trigger(
                name="guns_agenda_insert_minutes_approved",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                func=(
                    f"IF {MINUTES_APPROVED_SQL.format(meeting='NEW.meeting_id')} THEN "
                    "RAISE EXCEPTION 'FROZEN %: the minutes of this meeting are approved', TG_TABLE_NAME "
                    "USING ERRCODE = 'restrict_violation'; END IF; RETURN NEW;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class NumberCounter(models.Model):
    """The last decision number given in a year: locked while a number is given (no gaps, no twins)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("decision number counter")
        verbose_name_plural = _("decision number counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class PotYear(models.Model):
    """A pot year's lock row: adoptions drawing on the year lock it, so two cannot overspend together."""

    year = models.PositiveSmallIntegerField(primary_key=True)

    class Meta:
        verbose_name = _("pot year")
        verbose_name_plural = _("pot years")

    def __str__(self) -> str:
        return str(self.year)


class Payment(models.Model):
    """Money paid out against an adopted national initiative (never more than its amount in all)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="payments", verbose_name=_("decision"))
    amount = models.BigIntegerField(_("amount (kr)"))
    paid_on = models.DateField(_("paid on"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="guns_payment_positive",
                violation_error_message=_("The amount must be a positive number of kronor."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.amount}"

    def clean(self) -> None:
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": _("The amount must be a positive number of kronor.")})


class Minutes(Freezable):
    """The minutes of a meeting: generated, edited, approved by the chair and an adjuster, then frozen
    (and with them what they record: the meeting, its attendance, agenda and decisions)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes", verbose_name=_("meeting"))
    text = models.TextField(_("text"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT, editable=False)
    adjuster = models.ForeignKey(
        GunsMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("adjuster (justerare)")
    )
    chair_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    chair_approved_at = models.DateTimeField(null=True, blank=True)
    adjuster_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    adjuster_approved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        triggers = [frozen(name="guns_minutes_approved", when="OLD.state = 'approved'", message="approved minutes never change")]

    def __str__(self) -> str:
        return str(self.meeting)

    def frozen_reason(self) -> str | None:
        if self.pk is not None and _stored(self, "state") == self.State.APPROVED:
            return str(_("Approved minutes cannot change."))
        return None

    def clean(self) -> None:
        adjuster = self.adjuster if self.adjuster_id else None
        if adjuster is None:
            return
        if adjuster.is_chair:
            raise ValidationError({"adjuster": _("The chair approves the minutes anyway; choose another of those present as adjuster.")})
        if adjuster.user_id is None:
            raise ValidationError({"adjuster": _("The adjuster needs a user account to approve the minutes.")})
        if GunsMember.objects.filter(is_chair=True, is_active=True, user_id=adjuster.user_id).exists():
            raise ValidationError({"adjuster": _("The chair approves the minutes anyway; choose another of those present as adjuster.")})
        if self.meeting_id and not self.meeting.attendees.filter(pk=adjuster.pk).exists():
            raise ValidationError({"adjuster": _("The adjuster is chosen among those present.")})


class FollowUpEntry(Versioned):
    """GUNS's follow-up of one region's findings in an evaluation round (docs/guns.md; memo §7.7):
    a note (what GUNS observed) or an action (what is to be done, by whom, by when, and whether
    it is done). Many per region and round; written by GUNS members and administrators."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        ACTION = "action", _("Action")

    evaluation_round = models.ForeignKey(
        EvaluationRound, on_delete=models.PROTECT, related_name="guns_follow_ups", verbose_name=_("evaluation round")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="guns_follow_ups", verbose_name=_("ALF region"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("text"))
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__code", "created_at", "pk"]
        verbose_name = _("follow-up entry")
        verbose_name_plural = _("follow-up entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="action") | Q(done=False, due__isnull=True, responsible=""), name="guns_follow_up_only_actions_are_tracked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_round} {self.region.code}: {self.get_kind_display()}"

    def clean(self) -> None:
        if self.kind != self.Kind.ACTION and (self.done or self.due or self.responsible):
            raise ValidationError({"kind": _("Only an action has someone responsible, a due date and a done mark.")})


class AnnualReport(Versioned):
    """The editable introduction of GUNS's annual report to the parties for a year (docs/guns.md);
    the rest of the report is generated from decisions, the pot and the follow-ups."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    introduction = models.TextField(_("introduction"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("GUNS annual report")
        verbose_name_plural = _("GUNS annual reports")

    def __str__(self) -> str:
        return str(self.year)

    def changes_since(self, version: int) -> dict[str, dict[str, str]]:
        # Version 0 is the report before anybody wrote it: the first writer set the introduction.
        if version != 0:
            return super().changes_since(version)
        first = self.history.select_related("history_user").order_by("history_date", "history_id").first()
        return {
            "introduction": {
                "label": str(_("introduction")),
                "old": "",
                "new": self.introduction,
                "by": who(first.history_user) if first else "",
                "at": first.history_date.isoformat() if first else "",
            }
        }
