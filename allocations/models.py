"""Allocation runs, the year's current run, publication of a year, and the recompute outbox.

A run is a fact: the exact inputs the engine was given (a snapshot), their hash, the engine
version, the result and its trace. Runs never change and are never deleted; what moves is
the pointer to a year's current run (`CurrentAllocation`) and a year's publication state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alfadmin.kernel.models import Freezable, Versioned
from alfadmin.kernel.triggers import frozen
from alfadmin.models import AgreementPeriod
from alfrules.explain import render_notes

AllocationModel = AgreementPeriod.Model


# A run that a year's publication names (published, awaiting confirmation or reopened) is the
# record of what was decided: the database refuses to change or delete it, or its lines.
RUN_PUBLISHED_SQL = (
    "EXISTS (SELECT 1 FROM allocations_yearpublication p WHERE p.alf2015_run_id = OLD.{column} OR p.ds2024_run_id = OLD.{column})"
)
RUN_FROZEN_MESSAGE = "the run belongs to a year's publication"
PUBLICATION_REOPEN_FIELDS = frozenset({"state", "reopened_by", "reopened_at", "reopen_reason"})


class ImmutableError(Exception):
    """A stored run (or one of its lines) was about to be changed or deleted."""


class ImmutableQuerySet(models.QuerySet):
    """Bulk `update()` and `delete()` are refused: the rows are an audit record."""

    def update(self, **kwargs):
        raise ImmutableError(_("Allocation runs cannot be changed."))

    def delete(self):
        raise ImmutableError(_("Allocation runs cannot be deleted."))

    update.queryset_only = True  # type: ignore[attr-defined]  # not copied onto the manager
    delete.queryset_only = True  # type: ignore[attr-defined]  # as above


class ImmutableModel(models.Model):
    """Insert once; `save()` on an existing row and `delete()` raise `ImmutableError`."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError(_("Allocation runs cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(_("Allocation runs cannot be deleted."))


class RecomputeRequest(models.Model):
    """A year whose inputs changed and whose allocation must be computed again.

    Written in the same transaction as the change (an outbox row), so a lost task message
    delays a recompute but never loses it: the periodic sweep picks up unprocessed rows.
    `processed_at` is set, in one transaction with the run, by the recompute that read the
    database state including this change.
    """

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("recompute request")
        verbose_name_plural = _("recompute requests")
        indexes = [models.Index(fields=["processed_at", "year"], name="recompute_pending_idx")]

    def __str__(self) -> str:
        return f"{self.year}: {self.reason}"


class AllocationRun(ImmutableModel):
    """One computation of a year's allocation under one model. Immutable.

    `inputs` is exactly the scenario (docs/allocation-scenario.md) the engine was called with, so
    the run can be recomputed and verified from it alone; `input_meta` says where each part
    came from (evaluation round, share table, how the rate was set) and why a part was left
    out (e.g. research: no applicable evaluation round, scenario decision 10). `input_hash`
    covers both. The same inputs under the same engine never give two successful runs.
    """

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        CHANGE = "change", _("An input changed")
        COMMAND = "command", _("Recompute command")
        DEMO = "demo", _("Demo data")

    year = models.PositiveSmallIntegerField(_("year"))
    model = models.CharField(_("model"), max_length=16, choices=AllocationModel.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    inputs = models.JSONField(_("input snapshot"))
    input_meta = models.JSONField(_("input provenance"), default=dict)
    input_hash = models.CharField(_("input hash"), max_length=64)
    engine_version = models.CharField(_("engine version"), max_length=32)
    result = models.JSONField(_("result"), null=True, blank=True, help_text=_("The engine's output document without the trace."))
    trace = models.JSONField(_("trace"), default=list)
    # Runs stored by engine 1.1.0 and earlier only: their notes in Swedish, beside the English
    # sentences in `result`. Later runs keep codes in `result` and leave this empty; the old
    # runs are read as they are (see `notes_in`), since a published run may not change.
    notes_sv = models.JSONField(_("notes in Swedish"), default=list)
    error = models.TextField(_("error"), blank=True)
    trigger = models.CharField(_("triggered by"), max_length=16, choices=Trigger.choices, default=Trigger.CHANGE)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
        help_text=_("The person whose change led to this run; empty for the system."),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("computed at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        indexes = [models.Index(fields=["year", "model", "-created_at"], name="allocation_run_year_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "model", "input_hash", "engine_version"],
                condition=Q(status="succeeded"),
                name="allocation_run_unique_success",
            ),
            models.CheckConstraint(condition=Q(status__in=["succeeded", "failed"]), name="allocation_run_status_valid"),
            models.CheckConstraint(condition=Q(model__in=["alf2015", "ds2024"]), name="allocation_run_model_valid"),
            models.CheckConstraint(
                condition=Q(status="failed") | Q(result__isnull=False),
                name="allocation_run_success_has_result",
            ),
        ]
        triggers = [frozen(name="run_frozen_when_published", when=RUN_PUBLISHED_SQL.format(column="id"), message=RUN_FROZEN_MESSAGE)]

    def __str__(self) -> str:
        return f"{self.year} {self.model} #{self.pk}"

    @property
    def succeeded(self) -> bool:
        return self.status == self.Status.SUCCEEDED

    def notes_in(self, lang: str) -> list[str]:
        """The run's notes as sentences in `lang` ("en" or "sv"), rendered from their codes.

        A run stored before notes were codes holds English sentences in `result` and the
        Swedish ones in `notes_sv`: it is shown with those."""
        notes = (self.result or {}).get("notes") or []
        if lang == "sv" and self.notes_sv and all(isinstance(note, str) for note in notes):
            return list(self.notes_sv)
        return render_notes(notes, lang)

    @property
    def research_unavailable(self) -> str | None:
        """Why research was left out of the inputs (a reason code), or None."""
        return (self.input_meta.get("research") or {}).get("unavailable")

    @property
    def education_unavailable(self) -> str | None:
        return (self.input_meta.get("education") or {}).get("unavailable")


class AllocationLine(ImmutableModel):
    """One amount of a run in integer kronor, for querying across years and for exports.

    `part` is education, research, guns or undistributed; `region_code` is empty for lines
    that belong to no region. The research `total` of a region is a line too.
    """

    class Part(models.TextChoices):
        EDUCATION = "education", _("Education")
        RESEARCH = "research", _("Research")
        GUNS = "guns", _("GUNS")
        UNDISTRIBUTED = "undistributed", _("Undistributed")

    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="lines", verbose_name=_("run"))
    part = models.CharField(_("part"), max_length=16, choices=Part.choices)
    region_code = models.CharField(_("region"), max_length=8, blank=True)
    line = models.CharField(_("line"), max_length=40)
    amount = models.BigIntegerField(_("amount (kr)"))

    class Meta:
        ordering = ["run", "part", "region_code", "line"]
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")
        indexes = [models.Index(fields=["region_code", "run"], name="allocation_line_region_idx")]
        constraints = [
            models.UniqueConstraint(fields=["run", "part", "region_code", "line"], name="allocation_line_unique"),
        ]
        triggers = [
            frozen(name="line_frozen_when_published", when=RUN_PUBLISHED_SQL.format(column="run_id"), message=RUN_FROZEN_MESSAGE)
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.part} {self.region_code} {self.line}: {self.amount}"


class CurrentAllocation(models.Model):
    """The pointer to a year's current run under a model: the run computed from the latest inputs.

    Moved only by the recompute service under the year's lock. Usually it points at the newest
    successful run; when inputs return to an earlier state it points back at the run already
    computed for that state (the same inputs never produce two runs). When the latest inputs
    could not be computed, `failed_run` says why and `run` still holds the last good result.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    model = models.CharField(_("model"), max_length=16, choices=AllocationModel.choices)
    run = models.ForeignKey(AllocationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("run"))
    failed_run = models.ForeignKey(
        AllocationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("failed attempt")
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["year", "model"]
        verbose_name = _("current allocation")
        verbose_name_plural = _("current allocations")
        constraints = [
            models.UniqueConstraint(fields=["year", "model"], name="current_allocation_year_model_unique"),
            models.CheckConstraint(
                condition=Q(run__isnull=False) | Q(failed_run__isnull=False), name="current_allocation_points_somewhere"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.model} → #{self.run_id}"


class YearPublication(Freezable):
    """A year's publication: who published which runs, who confirmed, who reopened and why.

    Four-eyes: the publisher must not be the last person who changed the year's inputs;
    if they are, the publication waits for a second administrator's confirmation. While
    published, inputs that would change the year are refused (`services.publication`, the one
    place that says how a published year is frozen).
    Every state change is in the history (django-simple-history).
    """

    class State(models.TextChoices):
        AWAITING_CONFIRMATION = "awaiting", _("Awaiting confirmation")
        PUBLISHED = "published", _("Published")
        REOPENED = "reopened", _("Reopened")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    paying_model = models.CharField(
        _("model that pays"),
        max_length=16,
        choices=AllocationModel.choices,
        default=AllocationModel.ALF2015,
        help_text=_("Taken from the agreement period when published; the other model's run is kept as a comparison."),
    )
    alf2015_run = models.ForeignKey(
        AllocationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("published run, ALF 2015")
    )
    ds2024_run = models.ForeignKey(
        AllocationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("published run, Ds 2024")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    requested_at = models.DateTimeField(_("publication requested at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("confirmed by")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("reopened by")
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("year publication")
        verbose_name_plural = _("year publications")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["awaiting", "published", "reopened"]), name="year_publication_state_valid"),
            models.CheckConstraint(
                condition=~Q(state="published") | (Q(published_at__isnull=False) & Q(requested_by__isnull=False)),
                name="year_publication_published_has_publisher",
            ),
            models.CheckConstraint(
                condition=~Q(state="reopened") | ~Q(reopen_reason=""),
                name="year_publication_reopen_has_reason",
            ),
        ]
        triggers = [
            frozen(
                name="publication_frozen_when_published",
                when="OLD.state = 'published'",
                message="the year is published; reopen it with a reason first",
                unless="NEW.state = 'reopened'",
                may_change=["state", "reopened_by_id", "reopened_at", "reopen_reason"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.get_state_display()}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_awaiting(self) -> bool:
        return self.state == self.State.AWAITING_CONFIRMATION

    def frozen_reason(self) -> str | None:
        if not self.is_published:
            return None
        return str(_("%(year)s is published and locked; an administrator must reopen it, with a reason, first.") % {"year": self.year})

    def frozen_allows(self, changed: frozenset[str]) -> bool:
        return bool(changed) and changed <= PUBLICATION_REOPEN_FIELDS and self.state == self.State.REOPENED

    @property
    def paying_run(self) -> AllocationRun | None:
        return self.ds2024_run if self.paying_model == AllocationModel.DS2024 else self.alf2015_run


class SavedScenario(Versioned):
    """A what-if allocation someone saved from the scenario explorer: a scenario document
    (docs/allocation-scenario.md, exact decimals stored as strings) and the engine's output for it.

    A saved scenario is a private calculation, never an input: it is not declared to the
    kernel's input changes (``watched_inputs``) and saving it never touches runs or current allocations.
    `result` is the output document without the trace, recomputed by the services whenever
    the scenario changes. Every signed-in user reads every saved scenario (its URL is the
    link to share); only the owner edits it; the owner or an administrator deletes it.
    """

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="saved_scenarios", verbose_name=_("owner")
    )
    base_year = models.PositiveSmallIntegerField(_("base year"), help_text=_("The stored year the scenario started from."))
    scenario = models.JSONField(_("scenario"), help_text=_("The engine's input, in the scenario file format."))
    result = models.JSONField(_("result"), default=dict, help_text=_("The engine's output document without the trace."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("saved scenario")
        verbose_name_plural = _("saved scenarios")
        indexes = [models.Index(fields=["owner", "-updated_at"], name="saved_scenario_owner_idx")]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="saved_scenario_has_name")]

    def __str__(self) -> str:
        return self.name
