"""The manifest of committed migrations: the sha256 of every migration file, so that a committed
migration is never rewritten (a database that ran it would never see the change).

    python -m alfadmin.tests.migration_manifest

adds the migrations that are not in the manifest yet and never changes a hash already recorded:
a changed migration stays a failure until the change is undone (and made a new migration)."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
MANIFEST = Path(__file__).with_name("migration_hashes.json")
APPS = ["alfadmin", "evaluations", "allocations", "guns", "reporting"]
MIGRATION = re.compile(r"^\d{4}_\w+\.py$")
COMMAND = "python -m alfadmin.tests.migration_manifest"


def migration_files() -> dict[str, Path]:
    """Every migration file of every app, by its path from the repository root."""
    return {
        path.relative_to(BASE_DIR).as_posix(): path
        for app in APPS
        for path in sorted((BASE_DIR / app / "migrations").glob("*.py"))
        if MIGRATION.match(path.name)
    }


def file_hash(path: Path) -> str:
    # Line endings do not change what a migration does; a checkout on Windows must not fail.
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def recorded() -> dict[str, str]:
    return json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.exists() else {}


def add_new() -> list[str]:
    """Record the migrations not in the manifest; return their names. Recorded hashes stay."""
    manifest = recorded()
    new = {name: file_hash(path) for name, path in migration_files().items() if name not in manifest}
    if new:
        MANIFEST.write_text(json.dumps(manifest | new, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return sorted(new)


if __name__ == "__main__":
    added = add_new()
    sys.stdout.write("".join(f"recorded {name}\n" for name in added) or "every migration is recorded already\n")
