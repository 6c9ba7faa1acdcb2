"""Vetenskapsrådet's evaluations of clinical research: rounds, panel ratings, findings and
bibliometrics (allocation-rules §5–§7, memo §4.3.3 and §4.4.2).

A round that is not finalized never drives money; a finalized round is locked until an
administrator reopens it with a reason. Every model keeps its full history (who, when,
before/after) with django-simple-history; writes go through `evaluations.services` only.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alfadmin.kernel.models import Freezable, Versioned, shown, who
from alfadmin.kernel.triggers import frozen
from alfadmin.models import AgreementPeriod, Region, Source
from alfadmin.validation import YEAR_VALIDATORS
from alfrules.predicates import findings_all_yes

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
COUNT_VALIDATORS = [MinValueValidator(Decimal("0"))]

PANEL_NUMBERS = (1, 2, 3)


ROUND_FINALIZED_SQL = "EXISTS (SELECT 1 FROM evaluations_evaluationround r WHERE r.id = OLD.evaluation_round_id AND r.status = 'finalized')"
FROZEN_MESSAGE = "the evaluation round is finalized; an administrator must reopen it first"
# The one change a finalized round takes: reopening it (back to draft, the finalization cleared).
REOPEN_FIELDS = frozenset({"status", "finalized_at", "finalized_by"})


def _round_frozen_reason(evaluation_round: "EvaluationRound | None") -> str | None:
    if evaluation_round is None or not evaluation_round.is_finalized:
        return None
    return str(
        _("The round %(name)s is finalized and locked; an administrator must reopen it, with a reason, before it can be changed.")
        % {"name": evaluation_round.name}
    )


def basis_frozen_reason(evaluation_round: "EvaluationRound | None") -> str | None:
    """Why bibliometrics linked to `evaluation_round` are locked (its basis once finalized), or None."""
    if evaluation_round is None or not evaluation_round.is_finalized:
        return None
    return str(
        _("These figures are the basis of the finalized round %(name)s and are locked; an administrator must reopen the round first.")
        % {"name": evaluation_round.name}
    )


def _history() -> HistoricalRecords:
    # A text field for the change reason: a reopening's reason is free text, longer than the
    # default 100 characters that PostgreSQL would enforce.
    return HistoricalRecords(history_change_reason_field=models.TextField(null=True))


class Rating(models.TextChoices):
    """A panel's rating of a region, stored as the allocation engine's codes (rules §5.3)."""

    INADEQUATE = "inadequate", _("inadequate")
    GOOD_HIGH = "good_high", _("good–high")
    VERY_HIGH = "very_high", _("very high")


class Finding(models.TextChoices):
    """The three yes/no findings of a round that the Ds 2024 quality condition needs (rules §6.4)."""

    DEVELOPMENT_AREAS = "development_areas", _("Development areas and shortcomings identified")
    REALISTIC_PLANS = "realistic_plans", _("Realistic and feasible plans presented")
    PREVIOUS_ACTED_ON = "previous_acted_on", _("Previous round's findings acted on")


class EvaluationRound(Freezable):
    """One evaluation by VR: when it was carried out and the budget years its results apply to.

    `model` says which allocation model the round serves: under ALF 2015 each panel must have
    between the agreement period's `min_very_high` and `max_very_high` very-high regions; the
    Ds 2024 model has no such limit but uses the three findings.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        FINALIZED = "finalized", _("finalized")

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("For example 2022/23."))
    evaluation_year_from = models.PositiveSmallIntegerField(_("evaluated from year"), validators=YEAR_VALIDATORS)
    evaluation_year_to = models.PositiveSmallIntegerField(_("evaluated until year"), validators=YEAR_VALIDATORS)
    applies_from = models.PositiveSmallIntegerField(
        _("results apply from year"), validators=YEAR_VALIDATORS, help_text=_("The first budget year the results drive money.")
    )
    applies_to = models.PositiveSmallIntegerField(
        _("results apply until year"), validators=YEAR_VALIDATORS, help_text=_("The last budget year the results drive money.")
    )
    model = models.CharField(
        _("allocation model"), max_length=16, choices=AgreementPeriod.Model.choices, default=AgreementPeriod.Model.ALF2015
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True, editable=False)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("finalized by"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ENTERED)
    history = _history()
    # After a grid save based on an older version: the values others saved meanwhile that stand
    # because the user left them as loaded (labels, for the page to say so).
    kept_theirs: tuple[str, ...] = ()

    class Meta:
        ordering = ["-applies_from", "-evaluation_year_to", "-pk"]
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        constraints = [
            models.CheckConstraint(condition=Q(evaluation_year_to__gte=F("evaluation_year_from")), name="round_evaluation_years_ordered"),
            models.CheckConstraint(condition=Q(applies_to__gte=F("applies_from")), name="round_application_years_ordered"),
            models.CheckConstraint(condition=Q(applies_from__gte=F("evaluation_year_to")), name="round_applies_after_evaluation"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(finalized_at__isnull=False),
                name="round_finalized_has_time",
            ),
        ]
        triggers = [
            frozen(
                name="round_frozen_when_finalized",
                when="OLD.status = 'finalized'",
                message=FROZEN_MESSAGE,
                unless="NEW.status = 'draft'",
                may_change=["status", "finalized_at", "finalized_by_id"],
            )
        ]

    def __str__(self) -> str:
        return str(self.name)

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if self.evaluation_year_from and self.evaluation_year_to and self.evaluation_year_to < self.evaluation_year_from:
            errors["evaluation_year_to"] = _("The evaluation cannot end before it starts.")
        if self.applies_from and self.applies_to and self.applies_to < self.applies_from:
            errors["applies_to"] = _("The last year the results apply to cannot come before the first.")
        if self.applies_from and self.evaluation_year_to and self.applies_from < self.evaluation_year_to:
            errors["applies_from"] = _("The results cannot apply before the evaluation is done.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_finalized(self) -> bool:
        return self.status == self.Status.FINALIZED

    def frozen_reason(self) -> str | None:
        return _round_frozen_reason(self)

    def frozen_allows(self, changed: frozenset[str]) -> bool:
        return bool(changed) and changed <= REOPEN_FIELDS and self.status == self.Status.DRAFT

    def changes_since(self, version: int) -> dict[str, dict[str, str]]:
        """The round's own fields, and every rating and finding changed since the round had `version`.

        Each child write bumps the round's version, so the round's history says when `version`
        was current; a child changed after that is named by its grid field
        (``rating-<CODE>-<panel>``, ``justification-<CODE>-<panel>``, ``<finding>-<CODE>``).
        """
        changed = super().changes_since(version)
        # A child's write bumps the round first, in the same transaction: the children written
        # since `version` are those written from the first bump past it on.
        bump = self.history.filter(version__gt=version).order_by("history_date", "history_id").first()
        if bump is None:
            return changed
        since = bump.history_date
        ratings = PanelRating.history.filter(evaluation_round_id=self.pk).select_related("history_user", "region")
        findings = RegionFindings.history.filter(evaluation_round_id=self.pk).select_related("history_user", "region")
        for records, key_of, fields in (
            (ratings, lambda r: (r.region.code, r.panel), (("rating", "rating-{code}-{panel}"), ("justification", "justification-{code}-{panel}"))),
            (findings, lambda r: (r.region.code, None), tuple((f, f"{f}-{{code}}") for f in FINDING_FIELD_NAMES)),
        ):
            by_key: dict = {}
            for record in records.order_by("history_date", "history_id"):
                by_key.setdefault(key_of(record), []).append(record)
            for (code, panel), history in by_key.items():
                before = [r for r in history if r.history_date < since]
                after = [r for r in history if r.history_date >= since]
                if not after:
                    continue
                old = before[-1] if before and before[-1].history_type != "-" else None
                new = after[-1] if after[-1].history_type != "-" else None
                for attname, pattern in fields:
                    old_value = getattr(old, attname) if old is not None else None
                    new_value = getattr(new, attname) if new is not None else None
                    if old_value == new_value:
                        continue
                    label_model = PanelRating if panel is not None else RegionFindings
                    label = str(getattr(label_model._meta.get_field(attname), "verbose_name", attname))
                    changed[pattern.format(code=code, panel=panel)] = {
                        "label": f"{code} {panel}: {label}" if panel is not None else f"{code}: {label}",
                        "old": shown(display_value(attname, old_value)),
                        "new": shown(display_value(attname, new_value)),
                        "by": who(after[-1].history_user),
                        "at": after[-1].history_date.isoformat(),
                    }
        return changed

    @property
    def years(self) -> range:
        return range(self.applies_from, self.applies_to + 1)

    @property
    def evaluation_years_label(self) -> str:
        if self.evaluation_year_from == self.evaluation_year_to:
            return str(self.evaluation_year_from)
        return f"{self.evaluation_year_from}–{self.evaluation_year_to}"

    @property
    def applies_label(self) -> str:
        return f"{self.applies_from}–{self.applies_to}"


class Panel(Versioned):
    """One of a round's three international panels and its name.

    A panel carries no weight of its own: the agreement period fixes the panel weights
    (`AgreementPeriod.panel_weights`, allocation-rules §5.2)."""

    evaluation_round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="panels", verbose_name=_("evaluation round")
    )
    number = models.PositiveSmallIntegerField(_("panel"), choices=[(n, str(n)) for n in PANEL_NUMBERS])
    name = models.CharField(_("name"), max_length=200)
    history = _history()

    class Meta:
        ordering = ["evaluation_round", "number"]
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        constraints = [
            models.UniqueConstraint(fields=["evaluation_round", "number"], name="panel_round_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1) & Q(number__lte=3), name="panel_number_1_to_3"),
        ]
        triggers = [frozen(name="panel_frozen_with_round", when=ROUND_FINALIZED_SQL, message=FROZEN_MESSAGE)]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


def display_value(attname: str, value: object) -> object:
    """A stored value as people read it: a rating's label, yes/no for a finding."""
    if attname == "rating" and isinstance(value, str) and value:
        return Rating(value).label
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


class PanelRating(Freezable):
    """A panel's rating of one region in one round, with the panel's justification."""

    evaluation_round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("evaluation round")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="panel_ratings", verbose_name=_("region"))
    panel = models.PositiveSmallIntegerField(_("panel"), choices=[(n, str(n)) for n in PANEL_NUMBERS])
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)
    justification = models.TextField(_("justification"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ENTERED)
    history = _history()

    class Meta:
        ordering = ["evaluation_round", "region__code", "panel"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["evaluation_round", "region", "panel"], name="rating_round_region_panel_unique"),
            models.CheckConstraint(condition=Q(panel__gte=1) & Q(panel__lte=3), name="rating_panel_1_to_3"),
            models.CheckConstraint(condition=Q(rating__in=[r.value for r in Rating]), name="rating_value_valid"),
        ]
        triggers = [frozen(name="rating_frozen_with_round", when=ROUND_FINALIZED_SQL, message=FROZEN_MESSAGE)]

    def __str__(self) -> str:
        return f"{self.evaluation_round} {self.region.code} {self.panel}: {self.get_rating_display()}"

    def frozen_reason(self) -> str | None:
        return _round_frozen_reason(self.evaluation_round)


class RegionFindings(Freezable):
    """The round's three findings about one region (rules §6.4), each yes/no with a comment.

    Unanswered (`None`) counts as not satisfied.
    """

    evaluation_round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="findings", verbose_name=_("evaluation round")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="evaluation_findings", verbose_name=_("region"))
    development_areas = models.BooleanField(_("development areas and shortcomings identified"), null=True, blank=True)
    development_areas_comment = models.TextField(_("what the region must develop"), blank=True)
    realistic_plans = models.BooleanField(_("realistic and feasible plans presented"), null=True, blank=True)
    realistic_plans_comment = models.TextField(_("what the region plans"), blank=True)
    previous_acted_on = models.BooleanField(_("previous round's findings acted on"), null=True, blank=True)
    previous_acted_on_comment = models.TextField(_("how the previous findings were acted on"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ENTERED)
    history = _history()

    class Meta:
        ordering = ["evaluation_round", "region__code"]
        verbose_name = _("findings")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(fields=["evaluation_round", "region"], name="findings_round_region_unique"),
        ]
        triggers = [frozen(name="findings_frozen_with_round", when=ROUND_FINALIZED_SQL, message=FROZEN_MESSAGE)]

    def __str__(self) -> str:
        return f"{self.evaluation_round} {self.region.code}"

    def frozen_reason(self) -> str | None:
        return _round_frozen_reason(self.evaluation_round)

    @property
    def answers(self) -> tuple[bool | None, bool | None, bool | None]:
        return (self.development_areas, self.realistic_plans, self.previous_acted_on)

    @property
    def complete(self) -> bool:
        return all(a is not None for a in self.answers)

    @property
    def plans_ok(self) -> bool:
        """True iff all three findings are yes (rules §6.4): the engine's `findings_all_yes`."""
        return findings_all_yes(self.answers)


class Bibliometrics(Freezable):
    """A region's bibliometric indicators for a period of publication years (memo §4.3.3).

    `highly_cited` counts publications among the world's 10 % most cited in their field;
    `citation_impact` is that count's share of all publications (world average 10 %).
    Counts may be fractional (VR counts co-authored papers fractionally). A row linked to a
    round is that round's basis: it drives the Ds 2024 increment once the round is finalized,
    and is locked with it.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="bibliometrics", verbose_name=_("region"))
    period_start = models.PositiveSmallIntegerField(_("first publication year"), validators=YEAR_VALIDATORS)
    period_end = models.PositiveSmallIntegerField(_("last publication year"), validators=YEAR_VALIDATORS)
    evaluation_round = models.ForeignKey(
        EvaluationRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bibliometrics",
        verbose_name=_("basis of evaluation round"),
    )
    publications = models.DecimalField(_("publications"), max_digits=12, decimal_places=2, validators=COUNT_VALIDATORS)
    highly_cited = models.DecimalField(
        _("highly cited publications (top 10 %)"), max_digits=12, decimal_places=2, validators=COUNT_VALIDATORS
    )
    citation_impact = models.DecimalField(
        _("citation impact (%)"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT_VALIDATORS,
        help_text=_("Share of the publications among the world's 10 % most cited; the world average is 10 %."),
    )
    uncited_share = models.DecimalField(_("uncited publications (%)"), max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ENTERED)
    history = _history()

    class Meta:
        ordering = ["period_start", "region__code"]
        verbose_name = _("bibliometrics")
        verbose_name_plural = _("bibliometrics")
        constraints = [
            models.UniqueConstraint(fields=["region", "period_start", "period_end"], name="bibliometrics_region_period_unique"),
            models.UniqueConstraint(
                fields=["evaluation_round", "region"],
                condition=Q(evaluation_round__isnull=False),
                name="bibliometrics_one_basis_per_round_region",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="bibliometrics_period_ordered"),
            models.CheckConstraint(condition=Q(publications__gte=0) & Q(highly_cited__gte=0), name="bibliometrics_counts_non_negative"),
            models.CheckConstraint(condition=Q(highly_cited__lte=F("publications")), name="bibliometrics_highly_cited_within_total"),
            models.CheckConstraint(
                condition=Q(citation_impact__gte=0) & Q(citation_impact__lte=100) & Q(uncited_share__gte=0) & Q(uncited_share__lte=100),
                name="bibliometrics_shares_0_to_100",
            ),
        ]
        triggers = [
            frozen(
                name="bibliometrics_frozen_with_round",
                when=f"OLD.evaluation_round_id IS NOT NULL AND {ROUND_FINALIZED_SQL}",
                message=FROZEN_MESSAGE,
            )
        ]

    def __str__(self) -> str:
        return f"{self.region.code} {self.period_label}"

    def frozen_reason(self) -> str | None:
        return basis_frozen_reason(self.evaluation_round)

    @property
    def period_label(self) -> str:
        return f"{self.period_start}–{self.period_end}"

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        if self.publications is not None and self.highly_cited is not None and self.highly_cited > self.publications:
            errors["highly_cited"] = _("There cannot be more highly cited publications than publications.")
        if errors:
            raise ValidationError(errors)


# The findings and their comments, as the grid names them (``<field>-<CODE>``).
FINDING_FIELD_NAMES = tuple(
    name for finding in ("development_areas", "realistic_plans", "previous_acted_on") for name in (finding, f"{finding}_comment")
)


class CoPublication(Versioned):
    """Publications co-authored by two ALF regions in a period (memo §4.4.2: collaboration).

    The pair is stored once, with the lower region id first (the service orders it).
    """

    period_start = models.PositiveSmallIntegerField(_("first publication year"), validators=YEAR_VALIDATORS)
    period_end = models.PositiveSmallIntegerField(_("last publication year"), validators=YEAR_VALIDATORS)
    region_a = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    region_b = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("other region"))
    publications = models.DecimalField(_("co-publications"), max_digits=12, decimal_places=2, validators=COUNT_VALIDATORS)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ENTERED)
    history = _history()

    class Meta:
        ordering = ["period_start", "region_a__code", "region_b__code"]
        verbose_name = _("co-publications")
        verbose_name_plural = _("co-publications")
        constraints = [
            models.UniqueConstraint(fields=["period_start", "period_end", "region_a", "region_b"], name="copublication_pair_period_unique"),
            models.CheckConstraint(condition=Q(region_a__lt=F("region_b")), name="copublication_pair_ordered"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="copublication_period_ordered"),
            models.CheckConstraint(condition=Q(publications__gte=0), name="copublication_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region_a.code}–{self.region_b.code} {self.period_start}–{self.period_end}"

    @property
    def period_label(self) -> str:
        return f"{self.period_start}–{self.period_end}"


class RoundReopening(models.Model):
    """The log of reopened rounds: an administrator, a reason, a time (rules §7: locked results)."""

    evaluation_round = models.ForeignKey(
        EvaluationRound, on_delete=models.CASCADE, related_name="reopenings", verbose_name=_("evaluation round")
    )
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reopened by"))
    reopened_at = models.DateTimeField(_("reopened at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    history = _history()

    class Meta:
        ordering = ["-reopened_at"]
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="reopening_has_reason")]

    def __str__(self) -> str:
        return f"{self.evaluation_round} ({self.reopened_at:%Y-%m-%d})"
