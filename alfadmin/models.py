"""The core registry: who takes part in ALF, what the state pays, and for how many students.

Every model that holds an input of the allocation keeps its full history
(django-simple-history: who, when, before/after) and, where the figure comes from outside,
its provenance in `source`.
"""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alfrules.inputs import (
    DEFAULT_BASE_FRACTION,
    DEFAULT_CAP,
    DEFAULT_GUARANTEE,
    DEFAULT_GUNS_FRACTION,
    DEFAULT_INCREMENT_WEIGHTS,
    DEFAULT_PANEL_WEIGHTS,
    DEFAULT_QUALITY_FRACTION,
)
from alfrules.predicates import DEFAULT_MAX_VERY_HIGH, DEFAULT_MIN_VERY_HIGH

from . import validation
from .kernel.models import TracksLoadedValues, Versioned

ZERO = Decimal("0")
ONE = Decimal("1")
FRACTION_VALIDATORS = [MinValueValidator(ZERO), MaxValueValidator(ONE)]


class Source(models.TextChoices):
    """Where a figure comes from; pages built on illustrative figures say so."""

    MEMO = "memo", _("Memorandum (Ds 2024)")
    PUBLIC = "public", _("Public source")
    ILLUSTRATIVE = "illustrative", _("Illustrative")
    PROJECTION = "projection", _("Projection")
    ENTERED = "entered", _("Entered by a user")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator (ministry)")
    GUNS = "guns", _("GUNS member")
    VR = "vr", _("Vetenskapsrådet staff")
    REPORTER = "reporter", _("Region reporter")
    VIEWER = "viewer", _("Viewer")


class University(Versioned):
    """A university with a medical programme, the academic half of an ALF region."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.PUBLIC)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("university")
        verbose_name_plural = _("universities")

    def __str__(self) -> str:
        return self.name


class Region(Versioned):
    """An ALF region: the region (healthcare provider) paired with its university.

    The set of regions is data: an eighth ALF region is a new row, not new code.
    """

    code = models.CharField(
        _("code"),
        max_length=8,
        unique=True,
        help_text=_("Short upper-case code, e.g. STH."),
    )
    name = models.CharField(_("name"), max_length=200)
    university = models.OneToOneField(University, on_delete=models.PROTECT, related_name="region", verbose_name=_("university"))
    is_active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.PUBLIC)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z][A-Z0-9]{1,7}$"), name="region_code_format"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class User(AbstractUser):
    """A person using ALF Admin. The role decides what they may do; a reporter is bound to a region."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reporters",
        verbose_name=_("region"),
        help_text=_("Required for region reporters, empty for every other role."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="reporter", region__isnull=False) | (~Q(role="reporter") & Q(region__isnull=True))),
                name="user_region_iff_reporter",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.REPORTER and self.region_id is None:
            raise ValidationError({"region": _("A region reporter must be bound to a region.")})
        if self.role != Role.REPORTER and self.region_id is not None:
            raise ValidationError({"region": _("Only region reporters are bound to a region.")})


class AgreementPeriod(Versioned):
    """An agreement period and the model parameters that hold in it (allocation-rules §5.5, §6).

    No fraction of the rules is a literal in code: they are these columns.
    """

    class Model(models.TextChoices):
        ALF2015 = "alf2015", _("ALF 2015 (in force)")
        DS2024 = "ds2024", _("Ds 2024 proposal")

    class Status(models.TextChoices):
        AGREED = "agreed", _("Agreed")
        PROPOSED = "proposed", _("Proposed")

    name = models.CharField(_("name"), max_length=100, unique=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    research_model = models.CharField(
        _("research model that pays"),
        max_length=16,
        choices=Model.choices,
        default=Model.ALF2015,
        help_text=_("The model whose allocation is paid and published for the period's years; the other is shown as a comparison."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.AGREED)
    # ALF 2015 model.
    base_fraction = models.DecimalField(
        _("base fraction"),
        max_digits=6,
        decimal_places=4,
        default=DEFAULT_BASE_FRACTION,
        validators=FRACTION_VALIDATORS,
        help_text=_("Share of FO-ALF paid by base shares; a budget year may override it."),
    )
    panel_weight_1 = models.DecimalField(
        _("panel 1 weight"), max_digits=6, decimal_places=4, default=DEFAULT_PANEL_WEIGHTS[1], validators=FRACTION_VALIDATORS
    )
    panel_weight_2 = models.DecimalField(
        _("panel 2 weight"), max_digits=6, decimal_places=4, default=DEFAULT_PANEL_WEIGHTS[2], validators=FRACTION_VALIDATORS
    )
    panel_weight_3 = models.DecimalField(
        _("panel 3 weight"), max_digits=6, decimal_places=4, default=DEFAULT_PANEL_WEIGHTS[3], validators=FRACTION_VALIDATORS
    )
    guarantee = models.DecimalField(
        _("guarantee (good–high)"), max_digits=6, decimal_places=4, default=DEFAULT_GUARANTEE, validators=FRACTION_VALIDATORS
    )
    cap = models.DecimalField(_("cap (very high)"), max_digits=6, decimal_places=4, default=DEFAULT_CAP, validators=FRACTION_VALIDATORS)
    min_very_high = models.PositiveSmallIntegerField(_("fewest very-high regions per panel"), default=DEFAULT_MIN_VERY_HIGH)
    max_very_high = models.PositiveSmallIntegerField(_("most very-high regions per panel"), default=DEFAULT_MAX_VERY_HIGH)
    # Ds 2024 model.
    guns_fraction = models.DecimalField(
        _("GUNS fraction"), max_digits=6, decimal_places=4, default=DEFAULT_GUNS_FRACTION, validators=FRACTION_VALIDATORS
    )
    quality_fraction = models.DecimalField(
        _("quality fraction"), max_digits=6, decimal_places=4, default=DEFAULT_QUALITY_FRACTION, validators=FRACTION_VALIDATORS
    )
    increment_weight_hst = models.DecimalField(
        _("increment weight, students"),
        max_digits=6,
        decimal_places=4,
        default=DEFAULT_INCREMENT_WEIGHTS["hst"],
        validators=FRACTION_VALIDATORS,
    )
    increment_weight_citations = models.DecimalField(
        _("increment weight, highly cited"),
        max_digits=6,
        decimal_places=4,
        default=DEFAULT_INCREMENT_WEIGHTS["citations"],
        validators=FRACTION_VALIDATORS,
    )
    reference_level = models.BigIntegerField(
        _("reference level (kr)"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Today's FO-ALF appropriation in the reference year's prices; converted to each year by PLO."),
    )
    reference_year = models.PositiveSmallIntegerField(_("reference year"), default=2024)
    ds2024_agreement_shares_from = models.PositiveSmallIntegerField(
        _("Ds 2024: ALF 2015 shares from year"),
        default=2028,
        help_text=_("Before this year the Ds 2024 model uses the shares in force."),
    )
    # Education.
    price_base_year = models.PositiveSmallIntegerField(_("price base year"), default=2015)
    base_rate_per_hst = models.DecimalField(
        _("rate per full-year student in the price base year (kr)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(ZERO)],
    )
    # The memo's education proposals (allocation-rules §4), switched on per period.
    educated_hst_region = models.ForeignKey(
        "Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region paid for the students it educates"),
        help_text=_("The memo proposes Örebro: its planned full-year students set to what it actually educates."),
    )
    educated_hst_from = models.PositiveSmallIntegerField(_("… from year"), null=True, blank=True)
    educated_hst = models.DecimalField(
        _("… full-year students educated"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Leave empty to use the year's actual full-year students (UKÄ)."),
    )
    twelfth_term_from = models.PositiveSmallIntegerField(
        _("twelve terms (× 12/11) from year"), null=True, blank=True, help_text=_("Planned full-year students × 12/11, half up.")
    )
    rate_raise_from = models.PositiveSmallIntegerField(_("rate raise from year"), null=True, blank=True)
    rate_raise_percent = models.DecimalField(
        _("rate raise (%)"), max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    rate_raise_per_hst = models.DecimalField(
        _("rate raise per full-year student (kr)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    rate_raise_phase_years = models.PositiveSmallIntegerField(
        _("rate raise phased over years"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MEMO)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_year"]
        verbose_name = _("agreement period")
        verbose_name_plural = _("agreement periods")
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="period_years_ordered"),
            models.CheckConstraint(
                condition=Q(panel_weight_1__gte=0) & Q(panel_weight_2__gte=0) & Q(panel_weight_3__gte=0),
                name="period_panel_weights_non_negative",
            ),
            models.CheckConstraint(condition=Q(max_very_high__gte=models.F("min_very_high")), name="period_very_high_bounds"),
            models.CheckConstraint(
                condition=Q(rate_raise_percent__isnull=True) | Q(rate_raise_per_hst__isnull=True), name="period_rate_raise_one_kind"
            ),
            models.CheckConstraint(
                condition=Q(educated_hst_from__isnull=True, educated_hst_region__isnull=True)
                | Q(educated_hst_from__isnull=False, educated_hst_region__isnull=False),
                name="period_educated_hst_region_and_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_year}–{self.end_year})"

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if self.end_year is not None and self.start_year is not None and self.end_year < self.start_year:
            errors["end_year"] = _("The last year cannot come before the first year.")
        # The sum rules are the engine's (allocation-rules §5.2, §5.4, §6.5), through alfadmin.validation.
        for rule_errors in (
            validation.panel_weight_errors(self.panel_weights.values(), field="panel_weight_1"),
            validation.increment_weight_errors((self.increment_weight_hst, self.increment_weight_citations), field="increment_weight_hst"),
            validation.guarantee_errors(guarantee=self.guarantee, base_fraction=self.base_fraction, field="guarantee"),
        ):
            errors.update({name: messages[0] for name, messages in rule_errors.items()})
        if self.min_very_high is not None and self.max_very_high is not None and self.max_very_high < self.min_very_high:
            errors["max_very_high"] = _("The most very-high regions cannot be fewer than the fewest.")
        if self.rate_raise_percent is not None and self.rate_raise_per_hst is not None:
            errors["rate_raise_per_hst"] = _("Give the rate raise as a percentage or as an amount per full-year student, not both.")
        if (self.educated_hst_from is None) != (self.educated_hst_region_id is None):
            errors["educated_hst_region"] = _("Name both the region and the first year, or neither.")
        if errors:
            raise ValidationError(errors)

    def contains(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year

    @classmethod
    def covering(cls, year: int) -> "AgreementPeriod | None":
        """The agreement period in force in `year`, the one rule every app uses: the period the
        year's budget year names (the gatherer's ``budget_year.period``; it must contain the year),
        else, for a year not budgeted yet, the latest period whose years include it. One query."""
        named = models.Exists(BudgetYear.objects.filter(period=models.OuterRef("pk"), year=year))
        return (
            cls.objects.annotate(named=named)
            .filter(Q(named=True) | Q(start_year__lte=year, end_year__gte=year))
            .order_by("-named", "-start_year")
            .first()
        )

    @property
    def is_proposed(self) -> bool:
        return self.status == self.Status.PROPOSED

    @property
    def panel_weights(self) -> dict[int, Decimal]:
        """Panel number → its weight in the quality pot (allocation-rules §5.2). The agreement
        fixes the weights; an evaluation round's panels carry none of their own."""
        return {1: self.panel_weight_1, 2: self.panel_weight_2, 3: self.panel_weight_3}


class EducationBasis(models.TextChoices):
    RATE = "rate", _("Rate per full-year student")
    APPROPRIATION = "appropriation", _("Total education appropriation split by students")


class BudgetYear(Versioned):
    """A budget year: the appropriations of the budget bill and how education is paid (rules §3–§4).

    With the basis `rate`, the rate is the one given here or, if empty, the period's base rate
    converted by PLO. With `appropriation`, the education appropriation is split by students.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=validation.YEAR_VALIDATORS)
    period = models.ForeignKey(AgreementPeriod, on_delete=models.PROTECT, related_name="years", verbose_name=_("agreement period"))
    education_appropriation = models.BigIntegerField(
        _("education appropriation, GU-ALF (kr)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    research_appropriation = models.BigIntegerField(_("research appropriation, FO-ALF (kr)"), validators=[MinValueValidator(0)])
    education_basis = models.CharField(_("education paid by"), max_length=16, choices=EducationBasis.choices, default=EducationBasis.RATE)
    rate_per_hst = models.DecimalField(
        _("rate per full-year student (kr)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Leave empty to derive it from the base year's rate by PLO."),
    )
    plo_rate = models.DecimalField(
        _("price and wage adjustment (PLO)"),
        max_digits=7,
        decimal_places=5,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("-0.5")), MaxValueValidator(Decimal("0.5"))],
        help_text=_("The year's PLO as a fraction, e.g. 0.015 for 1.5 %."),
    )
    base_fraction = models.DecimalField(
        _("base fraction this year"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        validators=FRACTION_VALIDATORS,
        help_text=_("Overrides the period's base fraction (0.90 in 2016–2017, 0.85 in 2018)."),
    )
    is_projection = models.BooleanField(_("projection"), default=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MEMO)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("budget year")
        verbose_name_plural = _("budget years")
        constraints = [
            models.CheckConstraint(condition=Q(research_appropriation__gte=0), name="budget_year_research_non_negative"),
            models.CheckConstraint(
                condition=Q(education_appropriation__isnull=True) | Q(education_appropriation__gte=0),
                name="budget_year_education_non_negative",
            ),
            models.CheckConstraint(
                condition=~Q(education_basis="appropriation") | Q(education_appropriation__isnull=False),
                name="budget_year_appropriation_basis_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def clean(self) -> None:
        if self.education_basis == EducationBasis.APPROPRIATION and self.education_appropriation is None:
            raise ValidationError(
                {"education_appropriation": _("Give the education appropriation when education is paid by appropriation.")}
            )
        if self.period_id and self.year and not self.period.contains(self.year):
            raise ValidationError({"period": _("The year %(year)s lies outside the agreement period.") % {"year": self.year}})

    @property
    def effective_base_fraction(self) -> Decimal:
        return self.base_fraction if self.base_fraction is not None else self.period.base_fraction

    @property
    def total_appropriation(self) -> int:
        return (self.education_appropriation or 0) + self.research_appropriation


class StudentCount(Versioned):
    """Full-year students (hst) for a region and year: planned (budget bill) and actual (UKÄ).

    Planned drives payment; actual is reported beside it (rules §4).
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="student_counts", verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"), validators=validation.YEAR_VALIDATORS)
    planned_hst = models.DecimalField(_("planned full-year students"), max_digits=9, decimal_places=1, validators=[MinValueValidator(ZERO)])
    actual_hst = models.DecimalField(
        _("actual full-year students (UKÄ)"), max_digits=9, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ILLUSTRATIVE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "region__code"]
        verbose_name = _("full-year students")
        verbose_name_plural = _("full-year students")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="student_count_region_year_unique"),
            models.CheckConstraint(condition=Q(planned_hst__gte=0), name="student_count_planned_non_negative"),
            models.CheckConstraint(condition=Q(actual_hst__isnull=True) | Q(actual_hst__gte=0), name="student_count_actual_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region.code} {self.year}"

    @property
    def actual_ratio(self) -> Decimal | None:
        if self.actual_hst is None or not self.planned_hst:
            return None
        return self.actual_hst / self.planned_hst


class ShareTable(Versioned):
    """A table of research percentage shares per region, summing to exactly 100 %.

    `in_force` holds the shares paid today; `alf2015` the ALF 2015 agreement's own shares
    (the Ds 2024 model switches to them from the period's switch year, rules §6.3).
    """

    class Kind(models.TextChoices):
        IN_FORCE = "in_force", _("Shares in force")
        ALF2015 = "alf2015", _("ALF 2015 agreement shares")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ILLUSTRATIVE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("share table")
        verbose_name_plural = _("share tables")

    def __str__(self) -> str:
        return self.name


class ResearchShare(TracksLoadedValues):
    """One region's percentage in a share table. Rows change only together, through the table."""

    table = models.ForeignKey(ShareTable, on_delete=models.CASCADE, related_name="shares", verbose_name=_("share table"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="research_shares", verbose_name=_("region"))
    percent = models.DecimalField(
        _("share (%)"),
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["table", "region__code"]
        verbose_name = _("research share")
        verbose_name_plural = _("research shares")
        constraints = [
            models.UniqueConstraint(fields=["table", "region"], name="research_share_table_region_unique"),
            models.CheckConstraint(condition=Q(percent__gte=0) & Q(percent__lte=100), name="research_share_percent_range"),
        ]

    def __str__(self) -> str:
        return f"{self.region.code}: {self.percent} %"
