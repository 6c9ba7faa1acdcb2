"""The engine is pure Python: it imports the standard library and itself, nothing else
(conventions.md, habit 3), and never Django or the apps. The one exception is numpy in the
rating-risk Monte Carlo, which draws and aggregates thousands of outcomes at once (issue 12
item 8); its money stays exact integers (numpy comes with pandas, in requirements.txt).
`make lint` checks the same with import-linter (`.importlinter`, contract "engine"); this test
also sees relative imports and runs without it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
PACKAGE = "allocations.engine"
NUMPY_ALLOWED = {"risk.py"}
# risk.py: rating probabilities are floats, and floats order remainders before an exact
# check of equal ones (risk._remainder_ranks); amounts of money are integers throughout.
FLOAT_ALLOWED = {"risk.py"}


def imported_modules(source: Path) -> list[str]:
    """Every module `source` imports, relative imports resolved against the engine package."""
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    here = PACKAGE.split(".")
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                modules.append(node.module or "")
                continue
            base = here[: len(here) - (node.level - 1)] if node.level <= len(here) else []
            if node.module:
                modules.append(".".join([*base, node.module]))
            else:
                modules.extend(".".join([*base, alias.name]) for alias in node.names)
    return modules


def allowed(module: str, *, source_name: str = "") -> bool:
    top = module.split(".")[0]
    inside = module == PACKAGE or module.startswith(PACKAGE + ".")
    return inside or top in sys.stdlib_module_names or (top == "numpy" and source_name in NUMPY_ALLOWED)


def test_the_engine_imports_only_itself_and_the_standard_library() -> None:
    sources = sorted(ENGINE.rglob("*.py"))
    assert sources, ENGINE
    outside = {
        f"{source.name}: {module}" for source in sources for module in imported_modules(source) if not allowed(module, source_name=source.name)
    }
    assert outside == set()


def test_relative_imports_that_leave_the_engine_are_caught(tmp_path: Path) -> None:
    source = tmp_path / "sneaky.py"
    source.write_text("from ..models import AllocationRun\nfrom . import rounding\nfrom .. import services\nimport numpy\n", encoding="utf-8")
    assert [m for m in imported_modules(source) if not allowed(m, source_name=source.name)] == [
        "allocations.models",
        "allocations.services",
        "numpy",
    ]


def test_the_engine_uses_no_binary_floating_point() -> None:
    for source in ENGINE.rglob("*.py"):
        if source.name in FLOAT_ALLOWED:
            continue
        assert "float(" not in source.read_text(encoding="utf-8"), source.name
