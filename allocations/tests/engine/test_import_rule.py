"""The engine is pure Python: it imports the standard library and itself, nothing else
(conventions.md, habit 3), and never Django or the apps. The one exception is numpy in the
rating-risk Monte Carlo, which draws and aggregates thousands of outcomes at once (issue 12
item 8); its money stays exact integers (numpy comes with pandas, in requirements.txt)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
NUMPY_ALLOWED = {"risk.py"}
# risk.py: rating probabilities are floats, and floats order remainders before an exact
# check of equal ones (risk._remainder_ranks); amounts of money are integers throughout.
FLOAT_ALLOWED = {"risk.py"}


def imported_modules(source: Path) -> list[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return modules


def test_the_engine_imports_only_the_standard_library() -> None:
    sources = sorted(ENGINE.glob("*.py"))
    assert sources, ENGINE
    outside = {
        f"{source.name}: {module}"
        for source in sources
        for module in imported_modules(source)
        if module.split(".")[0] not in sys.stdlib_module_names and not (source.name in NUMPY_ALLOWED and module.split(".")[0] == "numpy")
    }
    assert outside == set()


def test_the_engine_uses_no_binary_floating_point() -> None:
    for source in ENGINE.glob("*.py"):
        if source.name in FLOAT_ALLOWED:
            continue
        assert "float(" not in source.read_text(encoding="utf-8"), source.name
