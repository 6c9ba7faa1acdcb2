"""How a published year is frozen: the one place (publish, four-eyes, reopen, and what is refused).

A year is published in two steps or one (``year_publish``; a second administrator confirms with
``year_confirm`` when the publisher made the last change to the year's inputs) and reopened only
with a reason (``year_reopen``). While it is published, nothing that decides its money changes:

1. **Its inputs.** Every change of a declared engine input reaches
   ``allocations.watched_inputs.recompute_request``, which calls ``refuse_published_years``
   below: a change touching a published year raises ``LockedError`` naming the years, and the
   writer's whole transaction rolls back (page, API and admin alike).
2. **No interleaving.** ``refuse_published_years`` holds the years' publication lock shared,
   and publish / confirm / reopen take it exclusively (``allocations.locks``), so an edit being
   saved and a publication of the same year are serialised: the edit commits first, or sees
   the year published and is refused.
3. **Its rows.** The publication row and the runs it names are ``Freezable``: the kernel's
   write path refuses them with ``YearPublication.frozen_reason`` and PostgreSQL triggers
   refuse any other UPDATE or DELETE (``publication_frozen_when_published``,
   ``run_frozen_when_published``, ``line_frozen_when_published``). Django reads triggers from
   the models' ``Meta``, so those declarations stay in ``allocations/models.py``.
4. **Its runs.** A recompute of a published year stores nothing and keeps its pointer
   (``allocations.services.recompute``: the "published" outcome).

Each service checks its actor itself (``allocations.permissions.can_publish``: administrators
publish and reopen, a second one confirms), whoever calls it, and writes through the kernel's
write path.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alfadmin.kernel.errors import LockedError
from alfadmin.kernel.writes import authorize, record_create, record_update
from alfadmin.models import User

from .. import locks, permissions, selectors
from ..models import AllocationModel, AllocationRun, CurrentAllocation, RecomputeRequest, YearPublication


def locked_years_message(years: list[int]) -> str:
    listed = ", ".join(str(y) for y in sorted(years))
    return ngettext(
        "Year %(years)s is published; an administrator must reopen it before its inputs change.",
        "Years %(years)s are published; an administrator must reopen them before their inputs change.",
        len(years),
    ) % {"years": listed}


def refuse_published_years(years: list[int]) -> None:
    """``LockedError`` naming the published ones among `years`; call inside the writer's transaction.

    Holds the years' publication lock shared until that transaction ends, so no publication of
    them can start before the change commits (or rolls back).
    """
    locks.lock_years_shared(locks.PUBLICATION, years)
    published = list(YearPublication.objects.filter(year__in=years, state=YearPublication.State.PUBLISHED).values_list("year", flat=True))
    if published:
        raise LockedError(locked_years_message(published))


def last_input_changer(*, year: int):
    """The person whose change of the year's inputs came last (None: the system, or no change)."""
    latest = RecomputeRequest.objects.filter(year=year).select_related("requested_by").order_by("-requested_at", "-pk").first()
    return latest.requested_by if latest is not None else None


def _current_runs(year: int) -> dict[str, AllocationRun]:
    """The year's current runs by model; ValidationError if the year cannot be published as it is."""
    if RecomputeRequest.objects.filter(year=year, processed_at__isnull=True).exists():
        raise ValidationError(_("The allocation of %(year)s is being recomputed; publish it when the new figures are in.") % {"year": year})
    pointers = {p.model: p for p in CurrentAllocation.objects.filter(year=year).select_related("run", "failed_run")}
    runs: dict[str, AllocationRun] = {}
    for model in (AllocationModel.ALF2015, AllocationModel.DS2024):
        pointer = pointers.get(model.value)
        if pointer is None or pointer.run is None:
            raise ValidationError(_("%(year)s has no computed allocation to publish.") % {"year": year})
        if pointer.failed_run_id is not None:
            raise ValidationError(
                _("The latest inputs of %(year)s could not be computed; correct them before publishing.") % {"year": year}
            )
        runs[model.value] = pointer.run
    return runs


def _may_publish(actor: User, row: object) -> bool:
    return permissions.can_publish(actor)


def _save(publication: YearPublication, *, actor: User, reason: str, changes=None) -> YearPublication:
    """Insert a year's first publication, or apply `changes` to its locked row (history, version)."""
    if publication.pk is None:
        return record_create(instance=publication, actor=actor, permitted=_may_publish, reason=reason)
    return record_update(
        instance=publication, actor=actor, permitted=_may_publish, expected_version=None, changes=changes or {}, reason=reason, locked=True
    )


def _locked_publication(year: int) -> YearPublication | None:
    locks.lock_year(locks.PUBLICATION, year)
    return YearPublication.objects.select_for_update().filter(year=year).first()


@transaction.atomic
def year_publish(*, actor: User, year: int) -> YearPublication:
    """Publish `year`'s current runs. If `actor` made the last change to the year's inputs, the
    publication waits for a second administrator (`year_confirm`); otherwise it takes effect."""
    authorize(actor=actor, permitted=_may_publish)
    publication = _locked_publication(year) or YearPublication(year=year)
    if publication.is_published:
        raise ValidationError(_("%(year)s is already published.") % {"year": year})
    runs = _current_runs(year)
    now = timezone.now()
    changer = last_input_changer(year=year)
    awaiting = changer is not None and changer.pk == actor.pk
    values = {
        "paying_model": selectors.paying_model(year=year),
        "alf2015_run": runs[AllocationModel.ALF2015],
        "ds2024_run": runs[AllocationModel.DS2024],
        "requested_by": actor,
        "requested_at": now,
        "confirmed_by": None,
        "reopened_by": None,
        "reopened_at": None,
        "reopen_reason": "",
        "state": YearPublication.State.AWAITING_CONFIRMATION if awaiting else YearPublication.State.PUBLISHED,
        "published_at": None if awaiting else now,
    }
    reason = _("publication requested; awaiting a second administrator") if awaiting else _("published")
    if publication.pk is None:
        return _save(YearPublication(year=year, **values), actor=actor, reason=reason)
    return _save(publication, actor=actor, reason=reason, changes=values)


@transaction.atomic
def year_confirm(*, actor: User, year: int) -> YearPublication:
    """A second administrator confirms a publication that awaits confirmation."""
    authorize(actor=actor, permitted=_may_publish)
    publication = _locked_publication(year)
    if publication is None or not publication.is_awaiting:
        raise ValidationError(_("No publication of %(year)s awaits confirmation.") % {"year": year})
    if publication.requested_by_id == actor.pk:
        raise ValidationError(_("A second administrator must confirm; you requested this publication yourself."))
    runs = _current_runs(year)
    if runs[AllocationModel.ALF2015].pk != publication.alf2015_run_id or runs[AllocationModel.DS2024].pk != publication.ds2024_run_id:
        raise ValidationError(
            _("The allocation of %(year)s changed after publication was requested; it must be published again.") % {"year": year}
        )
    changes = {"state": YearPublication.State.PUBLISHED, "confirmed_by": actor, "published_at": timezone.now()}
    return _save(publication, actor=actor, reason=_("publication confirmed"), changes=changes)


@transaction.atomic
def year_reopen(*, actor: User, year: int, reason: str) -> YearPublication:
    """Reopen a published year so that its inputs may change again; the reason is required."""
    authorize(actor=actor, permitted=_may_publish)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for reopening the year.")})
    publication = _locked_publication(year)
    if publication is None or not publication.is_published:
        raise ValidationError(_("%(year)s is not published.") % {"year": year})
    changes = {"state": YearPublication.State.REOPENED, "reopened_by": actor, "reopened_at": timezone.now(), "reopen_reason": reason}
    return _save(publication, actor=actor, reason=_("reopened: %(reason)s") % {"reason": reason[:80]}, changes=changes)
