"""The kernel's input changes (alfadmin/kernel/input_changes.py): a change of a declared field
reaches the one answer before the row is written, and one service call is answered once."""

from __future__ import annotations

import pytest

from alfadmin.kernel import input_changes
from alfadmin.kernel.input_changes import InputChange, InputDeclaration, one_input_change
from alfadmin.kernel.writes import SYSTEM, record_update
from alfadmin.models import University

pytestmark = pytest.mark.django_db

# A test declaration: a university's name "feeds" the year its last two digits name.
NAMED_YEAR = InputDeclaration(
    model=University, fields=frozenset({"name"}), years=lambda u, changed: [2000 + int(u.name[-2:])], label=lambda u: u.code
)


@pytest.fixture
def heard(monkeypatch, registry_demo) -> list[InputChange]:
    changes: list[InputChange] = []
    monkeypatch.setitem(input_changes._declarations, University, NAMED_YEAR)
    monkeypatch.setattr(input_changes, "_answer", changes.append)
    return changes


def _rename(university: University, name: str) -> None:
    record_update(instance=university, actor=SYSTEM, permitted=lambda a, r: True, expected_version=None, changes={"name": name}, reason="import")


def test_a_single_write_is_answered_at_once_with_its_years(heard):
    first = University.objects.order_by("code").first()
    _rename(first, "Universitetet 25")
    assert heard == [InputChange(years=(2025,), reason=f"{first.code}: import", actor=SYSTEM)]


def test_one_service_call_is_answered_once_for_the_union_of_its_years(heard):
    first, second = University.objects.order_by("code")[:2]
    with one_input_change():
        _rename(first, "Universitetet 25")
        with one_input_change():  # a nested block joins the outer one
            _rename(second, "Universitetet 27")
            _rename(first, "Universitetet 26")
        assert heard == []
    assert heard == [InputChange(years=(2025, 2026, 2027), reason=f"{first.code}, {second.code}: import", actor=SYSTEM)]


def test_a_block_that_raises_answers_nothing(heard):
    first = University.objects.order_by("code").first()
    with pytest.raises(RuntimeError), one_input_change():
        _rename(first, "Universitetet 25")
        raise RuntimeError("the service failed")
    assert heard == []
    _rename(first, "Universitetet 28")
    assert [change.years for change in heard] == [(2028,)]
