"""Committed migrations are never rewritten: each migration file's content is compared with the
hash recorded when it was added (`migration_hashes.json`). A new migration is recorded with
`python -m alfadmin.tests.migration_manifest`; a changed one must be changed back, and what it
should have done goes into a new migration."""

from __future__ import annotations

import ast

from .migration_manifest import COMMAND, file_hash, migration_files, recorded

PROJECT_PACKAGES = {"alfrules", "alfadmin", "evaluations", "allocations", "guns", "reporting"}


def test_no_committed_migration_has_changed():
    manifest = recorded()
    changed = [name for name, path in migration_files().items() if name in manifest and file_hash(path) != manifest[name]]
    assert changed == [], (
        "these committed migrations were rewritten; a database that already ran them never sees the change. "
        "Undo the change and write a new migration instead:\n" + "\n".join(changed)
    )


def test_every_migration_is_recorded():
    unrecorded = sorted(set(migration_files()) - set(recorded()))
    assert unrecorded == [], f"new migrations, not yet in the manifest: run `{COMMAND}` and commit it:\n" + "\n".join(unrecorded)


def test_no_recorded_migration_is_gone():
    assert sorted(set(recorded()) - set(migration_files())) == [], "a committed migration was deleted or renamed"


def _project_imports(tree: ast.Module) -> set[str]:
    """The names a migration binds to the project's own code (``import guns.models`` binds guns)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names if alias.name.split(".")[0] in PROJECT_PACKAGES}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PROJECT_PACKAGES:
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def live_code_in_data_migrations(source: str) -> list[str]:
    """Functions of a migration that use the app's code of today instead of the historical models:
    the project's imports used inside any function (a RunPython step)."""
    tree = ast.parse(source)
    imported = _project_imports(tree)
    return sorted(
        f"{function.name} uses {node.id}"
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and node.id in imported
    )


def test_data_migrations_use_the_historical_models_only():
    # Django's own operations may name app code (a field's default callable, a custom field);
    # the steps that move data read and write through `apps.get_model` only.
    found = {name: used for name, path in migration_files().items() if (used := live_code_in_data_migrations(path.read_text(encoding="utf-8")))}
    assert found == {}


def test_the_check_finds_app_code_in_a_data_migration():
    source = '''
import guns.models
from reporting.definitions import install
from django.db import migrations

def forwards(apps, schema_editor):
    install(apps=apps)

def fine(apps, schema_editor):
    apps.get_model("guns", "Meeting").objects.update(quorum_seats=8)

operations = [migrations.AddField("meeting", "q", models.IntegerField(default=guns.models.settings_quorum_seats))]
'''
    assert live_code_in_data_migrations(source) == ["forwards uses install"]
