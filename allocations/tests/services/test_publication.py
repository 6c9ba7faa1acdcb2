"""Publishing a year: four-eyes, locked inputs, reopening with a reason, all in the history."""

import pytest
from django.core.exceptions import ValidationError

from alfadmin import services as registry
from alfadmin.kernel.errors import LockedError
from alfadmin.models import BudgetYear
from allocations import services
from allocations.models import CurrentAllocation, RecomputeRequest, YearPublication
from allocations.tests.factories import AllocationRunFactory

pytestmark = pytest.mark.django_db


def _change(year, users, who="admin", amount=1_111_000_000):
    budget_year = BudgetYear.objects.get(year=year)
    registry.budget_year_update(actor=users[who], budget_year=budget_year, expected_version=budget_year.version, data={"research_appropriation": amount}, reason="changed in a test")


def test_an_administrator_who_did_not_change_the_inputs_publishes_at_once(computed, users):
    _change(2025, users, who="admin")
    services.recompute_years(years=[2025])
    publication = services.year_publish(actor=users["admin2"], year=2025)
    assert publication.state == YearPublication.State.PUBLISHED
    assert publication.requested_by == users["admin2"] and publication.confirmed_by is None
    pointers = {p.model: p.run_id for p in CurrentAllocation.objects.filter(year=2025)}
    assert (publication.alf2015_run_id, publication.ds2024_run_id) == (pointers["alf2015"], pointers["ds2024"])


def test_the_last_person_to_change_the_inputs_needs_a_second_administrator(computed, users):
    _change(2025, users, who="admin")
    services.recompute_years(years=[2025])
    publication = services.year_publish(actor=users["admin"], year=2025)
    assert publication.state == YearPublication.State.AWAITING_CONFIRMATION
    # Still not locked: the year is not published yet
    assert not publication.is_published
    with pytest.raises(ValidationError) as error:
        services.year_confirm(actor=users["admin"], year=2025)
    assert "second administrator" in str(error.value)
    confirmed = services.year_confirm(actor=users["admin2"], year=2025)
    assert confirmed.state == YearPublication.State.PUBLISHED
    assert (confirmed.requested_by, confirmed.confirmed_by) == (users["admin"], users["admin2"])


def test_a_confirmation_of_figures_that_changed_meanwhile_is_refused(computed, users):
    _change(2025, users, who="admin")
    services.recompute_years(years=[2025])
    services.year_publish(actor=users["admin"], year=2025)
    _change(2025, users, who="admin2", amount=1_222_000_000)
    services.recompute_years(years=[2025])
    with pytest.raises(ValidationError) as error:
        services.year_confirm(actor=users["admin2"], year=2025)
    assert "changed after publication was requested" in str(error.value)


def test_publishing_waits_for_a_pending_recompute(computed, users):
    _change(2025, users, who="admin")
    with pytest.raises(ValidationError) as error:
        services.year_publish(actor=users["admin2"], year=2025)
    assert "being recomputed" in str(error.value)
    assert not YearPublication.objects.filter(year=2025).exists()


def test_a_year_whose_latest_inputs_failed_cannot_be_published(computed, users):
    failed = AllocationRunFactory(year=2025, model="alf2015", error="bad")
    CurrentAllocation.objects.filter(year=2025, model="alf2015").update(failed_run=failed)
    with pytest.raises(ValidationError) as error:
        services.year_publish(actor=users["admin2"], year=2025)
    assert "could not be computed" in str(error.value)


def test_a_year_never_computed_cannot_be_published(registry, users):
    with pytest.raises(ValidationError):
        services.year_publish(actor=users["admin"], year=2025)


def test_reopening_needs_a_reason_and_unlocks_the_inputs(computed, users):
    services.year_publish(actor=users["admin2"], year=2025)
    with pytest.raises(LockedError):
        _change(2025, users)
    with pytest.raises(ValidationError) as error:
        services.year_reopen(actor=users["admin"], year=2025, reason="  ")
    assert "reason" in error.value.message_dict
    reopened = services.year_reopen(actor=users["admin"], year=2025, reason="Budget bill amended")
    assert reopened.state == YearPublication.State.REOPENED
    assert reopened.reopened_by == users["admin"]
    _change(2025, users)  # allowed again
    assert RecomputeRequest.objects.filter(year=2025, processed_at__isnull=True).exists()


def test_every_step_is_in_the_history_with_who_and_why(computed, users):
    _change(2025, users, who="admin")
    services.recompute_years(years=[2025])
    services.year_publish(actor=users["admin"], year=2025)
    services.year_confirm(actor=users["admin2"], year=2025)
    services.year_reopen(actor=users["admin"], year=2025, reason="Error in the students")
    history = list(YearPublication.history.filter(year=2025).order_by("history_date", "history_id"))
    assert [h.state for h in history] == ["awaiting", "published", "reopened"]
    assert [h.history_user for h in history] == [users["admin"], users["admin2"], users["admin"]]
    assert "Error in the students" in history[-1].history_change_reason
    assert [h.version for h in history] == [1, 2, 3]


def test_publishing_twice_or_confirming_nothing_is_refused(computed, users):
    services.year_publish(actor=users["admin2"], year=2025)
    with pytest.raises(ValidationError):
        services.year_publish(actor=users["admin"], year=2025)
    with pytest.raises(ValidationError):
        services.year_confirm(actor=users["admin"], year=2026)
    with pytest.raises(ValidationError):
        services.year_reopen(actor=users["admin"], year=2026, reason="x")


def test_a_year_can_be_published_again_after_reopening(computed, users):
    services.year_publish(actor=users["admin2"], year=2025)
    services.year_reopen(actor=users["admin2"], year=2025, reason="check")
    again = services.year_publish(actor=users["admin2"], year=2025)
    assert again.is_published and again.reopen_reason == ""
