"""The rules package is pure Python: it imports the standard library and itself, nothing else,
and never Django or the apps. The one exception is numpy in the rating-risk Monte Carlo, which
draws and aggregates thousands of outcomes at once; its money stays exact integers (numpy is
declared and pinned in requirements.txt). `make lint` checks the same with import-linter
(`.importlinter`, contract "rules"); this test also sees relative imports and runs without it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

RULES = Path(__file__).resolve().parents[1]
PACKAGE = "alfrules"
NUMPY_ALLOWED = {"risk.py"}
# risk.py: rating probabilities are floats, and floats order remainders before an exact
# check of equal ones (risk._remainder_ranks); amounts of money are integers throughout.
FLOAT_ALLOWED = {"risk.py"}
# The functions of `math` that take and give integers.
INTEGER_MATH = {"comb", "factorial", "floor", "ceil", "gcd", "isqrt", "lcm", "perm"}


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


def rule_sources() -> list[Path]:
    """The package's own modules, its tests left out (they may use hypothesis and pytest)."""
    return sorted(path for path in RULES.rglob("*.py") if "tests" not in path.relative_to(RULES).parts)


def test_the_rules_import_only_themselves_and_the_standard_library() -> None:
    sources = rule_sources()
    assert len(sources) > 10, RULES
    outside = {
        f"{source.name}: {module}" for source in sources for module in imported_modules(source) if not allowed(module, source_name=source.name)
    }
    assert outside == set()


def test_relative_imports_that_leave_the_package_are_caught(tmp_path: Path) -> None:
    source = tmp_path / "sneaky.py"
    source.write_text("from ..models import AllocationRun\nfrom . import rounding\nfrom .. import services\nimport numpy\n", encoding="utf-8")
    assert [m for m in imported_modules(source) if not allowed(m, source_name=source.name)] == [
        "models",
        "services",
        "numpy",
    ]


def float_uses(source: Path) -> list[str]:
    """Every place `source` makes a binary float: a float literal, the name `float` (a call, a
    conversion, an annotation), or a `math` function. Read from the syntax tree, so a comment or
    a string mentioning floats is not a use while `float (x)` or `builtins.float` is. Division is
    left to the types: the rules divide `Fraction`s and `Decimal`s, and strict mypy refuses a
    float where a `Fraction` is declared."""
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    # `isinstance(value, float)` refuses a float; it makes none.
    type_checks = {
        id(node.args[1]) for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance" and len(node.args) == 2
    }
    uses: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            uses.append((node.lineno, f"literal {node.value!r}"))
        elif isinstance(node, ast.Name) and node.id == "float" and id(node) not in type_checks:
            uses.append((node.lineno, "float"))
        elif isinstance(node, ast.Attribute) and node.attr == "float":
            uses.append((node.lineno, ".float"))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "math" and node.attr not in INTEGER_MATH:
            uses.append((node.lineno, f"math.{node.attr}"))
    return [f"{line}: {what}" for line, what in sorted(uses)]


def test_the_rules_use_no_binary_floating_point() -> None:
    found = {source.name: float_uses(source) for source in rule_sources() if source.name not in FLOAT_ALLOWED}
    assert {name: uses for name, uses in found.items() if uses} == {}


def test_the_float_check_sees_what_a_text_search_would_miss(tmp_path: Path) -> None:
    source = tmp_path / "sneaky.py"
    source.write_text(
        "import builtins, math\n"
        "# float( in a comment is no use\n"
        "share = 0.5\n"
        "half = builtins.float(1)\n"
        "f = float\n"
        "ratio: float = 3\n"
        "root = math.sqrt(2)\n"
        "exact = isinstance(share, float) or math.floor(7) == math.lcm(2, 3)\n",
        encoding="utf-8",
    )
    assert float_uses(source) == ["3: literal 0.5", "4: .float", "5: float", "6: float", "7: math.sqrt"]
