"""The engine is pure Python: it imports the standard library and itself, nothing else
(conventions.md, habit 3)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"


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
        if module.split(".")[0] not in sys.stdlib_module_names
    }
    assert outside == set()


def test_the_engine_uses_no_binary_floating_point() -> None:
    for source in ENGINE.glob("*.py"):
        assert "float(" not in source.read_text(encoding="utf-8"), source.name
