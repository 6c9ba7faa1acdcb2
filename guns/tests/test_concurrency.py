"""Races on PostgreSQL: two adoptions at once never overspend the pot nor share a number."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from alfadmin.models import User
from guns import services
from guns.models import Decision, NumberCounter, PotYear
from guns.selectors import pot_year

from .factories import DecisionFactory, funding, pot_income

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("require_postgres")]


def _race(decision_ids: list[int], username: str) -> list[object]:
    """Adopt each decision from its own thread (its own connection), all released at once."""
    barrier = threading.Barrier(len(decision_ids))
    outcomes: list[object] = [None] * len(decision_ids)

    def adopt(index: int, pk: int) -> None:
        try:
            actor = User.objects.get(username=username)
            decision = Decision.objects.get(pk=pk)
            barrier.wait()
            outcomes[index] = services.decision_transition(actor=actor, decision=decision, action="adopt", consensus=True).number
        except ValidationError as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=adopt, args=(i, pk)) for i, pk in enumerate(decision_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def _on_agenda(role_users, meeting, decisions):
    for decision in decisions:
        services.decision_transition(actor=role_users["admin"], decision=decision, action="schedule", meeting=meeting)
    return [d.pk for d in decisions]


def test_two_adoptions_racing_never_overspend(role_users, meeting_with, monkeypatch):
    # Widen the window between reading the pot and writing the adoption: without the pot
    # year's row lock both threads would read "1 000 000 available" and both adopt.
    real_ledger = services.pot_ledger

    def slow_ledger(**kwargs):
        figures = real_ledger(**kwargs)
        time.sleep(0.5)
        return figures

    monkeypatch.setattr(services, "pot_ledger", slow_ledger)
    PotYear.objects.create(year=2025)  # the row exists (as after the year's first adoption): only its lock serializes
    pot_income(2025, set_aside=1_000_000)
    ids = _on_agenda(role_users, meeting_with(5, 3), [funding(700_000), funding(600_000)])
    outcomes = _race(ids, "guns")
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and "amount" in refused[0].message_dict
    assert [o for o in outcomes if isinstance(o, str)] == ["GUNS 2025:1"]
    figures = pot_year(user=role_users["admin"], year=2025)
    assert figures.committed in (600_000, 700_000) and figures.available >= 0


def test_numbers_without_gaps_or_twins_under_concurrency(role_users, meeting_with):
    NumberCounter.objects.create(year=2025)
    ids = _on_agenda(role_users, meeting_with(5, 3), [DecisionFactory() for _ in range(6)])
    outcomes = _race(ids, "guns2")
    assert sorted(outcomes) == [f"GUNS 2025:{n}" for n in range(1, 7)]


def test_two_first_writers_of_an_introduction_one_wins_the_other_gets_409(role_users):
    """Both start from "no introduction yet" (version 0); the unique year lets one create the
    row, and the other's savepoint turns the clash into a ConcurrentEditError (409), not a 500."""
    from alfadmin.kernel.errors import ConcurrentEditError
    from guns.models import AnnualReport

    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def write(index: int) -> None:
        try:
            actor = User.objects.get(username="admin" if index else "guns")
            barrier.wait()
            outcomes[index] = services.annual_report_update(actor=actor, year=2025, introduction=f"Text {index}", expected_version=0)
        except ConcurrentEditError as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(type(o).__name__ for o in outcomes) == ["AnnualReport", "ConcurrentEditError"]
    report = AnnualReport.objects.get(year=2025)
    assert report.version == 1 and report.history.count() == 1
