"""The kernel's one write path: who, lock, version, validation, history; the conflict page; the admin's history.

The subject is a university (versioned, with history); the apps test their own frozen rows.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from alfadmin.kernel.errors import ConcurrentEditError
from alfadmin.kernel.models import who
from alfadmin.kernel.writes import SYSTEM, lock_rows, record_create, record_delete, record_update
from alfadmin.models import Region, University


def _admins_only(actor, row) -> bool:
    return actor.role == "admin"


@pytest.fixture
def university(registry_demo):
    return University.objects.get(code="UKI") if University.objects.filter(code="UKI").exists() else University.objects.order_by("code").first()


def test_a_write_without_an_actor_or_by_a_forbidden_role_is_refused_and_changes_nothing(university, role_users):
    name = university.name
    for actor in (None, role_users["viewer"], role_users["sth"]):
        with pytest.raises(PermissionDenied):
            record_update(instance=university, actor=actor, permitted=_admins_only, expected_version=university.version, changes={"name": "X"})
    university.refresh_from_db()
    assert university.name == name


def test_the_system_actor_may_write_and_its_history_has_no_user(university):
    updated = record_update(instance=university, actor=SYSTEM, permitted=_admins_only, expected_version=None, changes={"name": "Systemets namn"}, reason="import")
    assert updated.version == university.version + 1
    record = University.history.filter(code=university.code).first()
    assert record.history_user is None
    assert record.history_change_reason == "import"


def test_a_stale_edit_names_each_changed_field_its_value_then_and_now_and_who_stored_it(university, role_users):
    admin = role_users["admin"]
    base = university.version
    old_name = university.name
    record_update(instance=university, actor=admin, permitted=_admins_only, expected_version=base, changes={"name": "Nytt namn"})
    with pytest.raises(ConcurrentEditError) as conflict:
        record_update(instance=university, actor=admin, permitted=_admins_only, expected_version=base, changes={"name": "Mitt namn"})
    error = conflict.value
    assert (error.current_version, error.expected_version) == (base + 1, base)
    assert set(error.changed) == {"name"}
    change = error.changed["name"]
    assert (change["old"], change["new"], change["by"]) == (old_name, "Nytt namn", who(admin))
    assert change["label"] == str(University._meta.get_field("name").verbose_name)
    assert change["at"]
    assert "Nytt namn" in str(error)
    university.refresh_from_db()
    assert university.name == "Nytt namn"


def test_validation_runs_on_the_locked_row_and_a_refused_write_leaves_nothing(university, role_users):
    versions = University.history.filter(code=university.code).count()
    with pytest.raises(ValidationError) as error:
        record_update(instance=university, actor=role_users["admin"], permitted=_admins_only, expected_version=university.version, changes={"name": ""})
    assert "name" in error.value.message_dict
    assert University.history.filter(code=university.code).count() == versions


def test_the_apps_rules_run_after_model_validation(role_users):
    def no_x(row):
        if row.code.startswith("X"):
            raise ValidationError({"code": "no X"})

    with pytest.raises(ValidationError) as error:
        record_create(instance=University(code="XU", name="X"), actor=role_users["admin"], permitted=_admins_only, validate=no_x)
    assert error.value.message_dict == {"code": ["no X"]}
    assert not University.objects.filter(code="XU").exists()


def test_delete_checks_the_version_and_keeps_the_last_version_in_history(role_users):
    admin = role_users["admin"]
    made = record_create(instance=University(code="UTMP", name="Tillfälligt"), actor=admin, permitted=_admins_only)
    record_update(instance=made, actor=admin, permitted=_admins_only, expected_version=made.version, changes={"name": "Ändrat"})
    with pytest.raises(ConcurrentEditError):
        record_delete(instance=made, actor=admin, permitted=_admins_only, expected_version=1)
    record_delete(instance=made, actor=admin, permitted=_admins_only, expected_version=2, reason="dubblett")
    assert not University.objects.filter(code="UTMP").exists()
    last = University.history.filter(code="UTMP").first()
    assert (last.history_type, last.history_change_reason) == ("-", "dubblett")


def test_rows_of_several_tables_are_locked_in_one_fixed_order(registry_demo, django_assert_num_queries):
    region = Region.objects.order_by("pk").first()
    university = University.objects.order_by("pk").first()
    locked = lock_rows((University, university.pk), (Region, region.pk))
    assert [type(r) for r in locked] == [University, Region]
    assert [r.pk for r in locked] == [university.pk, region.pk]


# --- the conflict page -------------------------------------------------------------------


def _edit_page(client: Client, code: str):
    return client.get(reverse("university-edit", args=[code]))


def _post(client: Client, code: str, data: dict):
    return client.post(reverse("university-edit", args=[code]), data)


@pytest.fixture
def two_tabs(university, role_users):
    """Two signed-in administrators' browsers on the same university's edit page."""
    first, second = Client(), Client()
    first.force_login(role_users["admin"])
    second.force_login(role_users["admin"])
    return first, second


def _form(university, **changes):
    data = {"code": university.code, "name": university.name, "source": university.source, "version": university.version}
    data.update(changes)
    return data


def test_a_stale_save_shows_yours_theirs_and_who_and_keeps_your_input_and_base_version(university, two_tabs, role_users):
    first, second = two_tabs
    base = _form(university)
    assert _post(second, university.code, {**base, "name": "Deras namn"}).status_code == 302
    response = _post(first, university.code, {**base, "name": "Mitt namn"})
    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-field="name"' in page
    assert "Deras namn" in page and "Mitt namn" in page
    assert who(role_users["admin"]) in page
    assert f'name="version" value="{university.version}"' in page  # still the version the user started from
    assert f'name="conflict_version" value="{university.version + 1}"' in page
    university.refresh_from_db()
    assert university.name == "Deras namn"


def test_a_blind_second_save_is_refused_again_until_a_choice_is_made(university, two_tabs):
    first, second = two_tabs
    base = _form(university)
    _post(second, university.code, {**base, "name": "Deras namn"})
    conflict = {**base, "name": "Mitt namn", "conflict_version": university.version + 1, "conflict_fields": ["name"]}
    assert _post(first, university.code, conflict).status_code == 409
    university.refresh_from_db()
    assert university.name == "Deras namn"
    assert _post(first, university.code, {**conflict, "resolve_name": "mine"}).status_code == 302
    university.refresh_from_db()
    assert university.name == "Mitt namn"


def test_take_theirs_keeps_the_stored_value_and_applies_the_rest(university, two_tabs):
    first, second = two_tabs
    base = _form(university)
    _post(second, university.code, {**base, "name": "Deras namn"})
    resolved = {
        **base,
        "name": "Mitt namn",
        "source": "entered",
        "conflict_version": university.version + 1,
        "conflict_fields": ["name"],
        "resolve_name": "theirs",
    }
    assert _post(first, university.code, resolved).status_code == 302
    university.refresh_from_db()
    assert (university.name, university.source) == ("Deras namn", "entered")


def test_a_second_conflict_while_choosing_is_shown_anew(university, two_tabs):
    first, second = two_tabs
    base = _form(university)
    _post(second, university.code, {**base, "name": "Deras namn"})
    _post(second, university.code, {**_form(University.objects.get(pk=university.pk)), "name": "Deras andra namn"})
    stale_choice = {**base, "name": "Mitt namn", "conflict_version": university.version + 1, "conflict_fields": ["name"], "resolve_name": "mine"}
    response = _post(first, university.code, stale_choice)
    assert response.status_code == 409
    assert "Deras andra namn" in response.content.decode()
    university.refresh_from_db()
    assert university.name == "Deras andra namn"


# --- the admin shows history, never reverts -----------------------------------------------


def test_the_admins_history_form_refuses_a_revert(university, role_users):
    admin = role_users["admin"]
    original = university.name
    record_update(instance=university, actor=admin, permitted=_admins_only, expected_version=university.version, changes={"name": "Senare namn"}, reason="test")
    first = University.history.filter(code=university.code).order_by("history_date").first()
    client = Client()
    client.force_login(admin)
    url = reverse("admin:alfadmin_university_simple_history", args=[university.pk, first.history_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": university.code, "name": original, "source": university.source, "reason": "revert"})
    assert response.status_code == 403
    university.refresh_from_db()
    assert university.name == "Senare namn"


# --- the version check exists once ---------------------------------------------------------

APP_PACKAGES = ("alfadmin", "evaluations", "allocations", "guns", "reporting")
THE_ONE_CHECK = Path(__file__).resolve().parents[1] / "kernel" / "versions.py"


def _app_modules() -> list[Path]:
    root = Path(__file__).resolve().parents[2]
    return [
        path
        for package in APP_PACKAGES
        for path in (root / package).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def _name(node: ast.AST) -> str:
    return getattr(node, "id", getattr(node, "attr", ""))


def _version_checks(tree: ast.AST) -> list[int]:
    """Lines of a hand-written optimistic-concurrency check: a row's ``.version`` compared ``!=``
    with an expected version, or a ``ConcurrentEditError`` raised by hand."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(isinstance(op, ast.NotEq) for op in node.ops):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Attribute) and o.attr == "version" for o in operands) and all(
                "version" in _name(o) for o in operands
            ):
                lines.append(node.lineno)
        if isinstance(node, ast.Call) and _name(node.func) == "ConcurrentEditError":
            lines.append(node.lineno)
    return lines


def test_the_version_check_exists_once_in_the_kernel():
    found = {
        f"{path.relative_to(THE_ONE_CHECK.parents[2])}:{line}"
        for path in _app_modules()
        if path != THE_ONE_CHECK
        for line in _version_checks(ast.parse(path.read_text(), filename=str(path)))
    }
    assert found == set()
    assert _version_checks(ast.parse(THE_ONE_CHECK.read_text())) != []


def test_no_service_calls_the_removed_versioned_update():
    callers = {
        str(path)
        for path in _app_modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Name | ast.Attribute) and _name(node) == "versioned_update"
    }
    assert callers == set()
