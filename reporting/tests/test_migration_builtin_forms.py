"""The data migration that installs the 2024 and 2025 forms and the built-in rules carries its own
copy of them (a migration must not change with the app): it creates exactly the rows the app's
definitions install, so the demo, a fresh database and an upgraded one agree."""

import importlib

import pytest
from django.apps import apps as global_apps

from reporting import definitions
from reporting.models import FormDefinition, FormField, ValidationRule

migration = importlib.import_module("reporting.migrations.0002_builtin_forms_and_rules")
typed = importlib.import_module("reporting.migrations.0005_typed_values_data")


def _clear() -> None:
    ValidationRule.objects.all().delete()
    FormDefinition.objects.all().delete()  # and their fields


def _rows():
    rule_columns = [f.name for f in ValidationRule._meta.concrete_fields if f.name != "id"]
    return (
        list(FormDefinition.objects.order_by("year").values("year", "deadline", "version")),
        # `required` is not known at this migration; 0005 marks it (checked below).
        list(FormField.objects.order_by("definition__year", "order").values("definition__year", "code", "kind", "source", "label", "help_text", "section", "order")),
        list(ValidationRule.objects.order_by("name").values(*rule_columns)),
    )


@pytest.mark.django_db
def test_the_data_migration_creates_the_rows_the_definitions_install():
    _clear()
    migration.forwards(global_apps, None)
    from_migration = _rows()
    _clear()
    definitions.install(years=migration.YEARS)
    assert from_migration == _rows()
    assert [len(rows) for rows in from_migration] == [2, 2 * len(definitions.FIELDS_2024), len(definitions.builtin_rules())]


def test_the_fields_marked_required_later_are_the_definitions_required_ones():
    assert frozenset(typed.REQUIRED) == definitions.REQUIRED_2024
