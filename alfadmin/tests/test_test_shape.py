"""Every test can fail: a test function asserts, expects an exception with `pytest.raises`, or calls
a helper that does (`assert_*`, `expect*`, or a function of its own module that asserts); a test
that only runs code passes whatever the code does. And an expected exception is a named type:
`pytest.raises(Exception)` passes on any bug. Read on the syntax tree, so a comment or a string
naming `assert` does not count."""

from __future__ import annotations

import ast
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
TEST_ROOTS = ["alfrules", "alfadmin", "allocations", "evaluations", "guns", "reporting"]


def _called_name(call: ast.Call) -> str:
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    if isinstance(function, ast.Name):
        return function.id
    return ""


# Calls that fail the test by themselves: pytest's, pytest-django's query counters, and Hypothesis's
# state-machine runner (its rules and invariants assert).
FAILING_CALLS = {"raises", "fail", "run_state_machine_as_test"}


def _fails_by_name(name: str) -> bool:
    return name in FAILING_CALLS or name.startswith(("assert_", "expect", "django_assert_"))


def _can_fail(function: ast.AST, helpers: set[str]) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = _called_name(node)
            if _fails_by_name(name) or name in helpers:
                return True
    return False


def _failing_helpers(tree: ast.Module) -> set[str]:
    """The module's own functions that can fail (directly or through another of them): a test that
    calls `_compare(...)` which asserts can fail too."""
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    helpers: set[str] = set()
    while True:
        found = {name for name, function in functions.items() if name not in helpers and _can_fail(function, helpers)}
        if not found:
            return helpers
        helpers |= found


def _test_functions(tree: ast.Module):
    """Module-level `test_*` functions and `test_*` methods of `Test*` classes (what pytest collects)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name.startswith("test"):
                    yield f"{node.name}.{item.name}", item


def shapeless_tests(source: str) -> list[str]:
    tree = ast.parse(source)
    helpers = _failing_helpers(tree)
    return [name for name, function in _test_functions(tree) if not _can_fail(function, helpers)]


def test_every_test_function_asserts_expects_an_exception_or_calls_an_assert_helper():
    files = [path for root in TEST_ROOTS for path in sorted((BASE_DIR / root).rglob("test_*.py")) if ".venv" not in path.parts]
    assert len(files) > 50
    offenders = [
        f"{path.relative_to(BASE_DIR)}::{name}" for path in files for name in shapeless_tests(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "tests that cannot fail (no assert, no pytest.raises, no assert_*/expect* helper):\n" + "\n".join(offenders)


def bare_exception_expectations(source: str) -> list[int]:
    """Lines of `pytest.raises(Exception)` / `pytest.raises(BaseException)`, alone or in a tuple."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _called_name(node) == "raises" and node.args:
            expected = node.args[0].elts if isinstance(node.args[0], ast.Tuple) else [node.args[0]]
            if any(isinstance(e, ast.Name) and e.id in ("Exception", "BaseException") for e in expected):
                found.append(node.lineno)
    return found


def test_no_test_expects_just_any_exception():
    files = [path for root in TEST_ROOTS for path in sorted((BASE_DIR / root).rglob("test_*.py"))]
    found = [f"{path.relative_to(BASE_DIR)}:{line}" for path in files for line in bare_exception_expectations(path.read_text(encoding="utf-8"))]
    assert found == [], "name the exception the code raises (and match its message):\n" + "\n".join(found)


def test_the_checker_finds_an_expectation_of_any_exception():
    source = "with pytest.raises(Exception):\n    f()\nwith pytest.raises((ValueError, BaseException)):\n    f()\nwith pytest.raises(ValueError):\n    f()\n"
    assert bare_exception_expectations(source) == [1, 3]


def test_the_checker_finds_a_test_without_an_assertion():
    source = '''
def test_runs_only():
    compute()  # assert nothing

def test_asserts():
    assert compute() == 1

def test_raises():
    with pytest.raises(ValueError, match="x"):
        compute()

def test_helper():
    assert_invalid({}, "field")

def _compare(a, b):
    assert a == b

def _via(a):
    _compare(a, 1)

def _quiet(a):
    return a

def test_local_helper():
    _via(compute())

def test_quiet_helper():
    _quiet(compute())

def helper_not_a_test():
    compute()

class TestThings:
    def test_method_without_assert(self):
        "assert in a docstring does not count"

    def test_method_expects(self):
        self.expect_error()
'''
    assert shapeless_tests(source) == ["test_runs_only", "test_quiet_helper", "TestThings.test_method_without_assert"]
