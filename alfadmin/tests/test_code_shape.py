"""The shape of the code a newcomer reads: no function over 60 lines in app code unless its
docstring says why ("Long because …"), templates laid out by one rule, and views that read
through the selectors (scoped to the user) instead of querying models themselves.

The function check reads the syntax tree of every module of the apps and the rules package
(not their tests, not migrations); a function's length runs from its `def` to its last line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("alfrules", "alfadmin", "allocations", "evaluations", "guns", "reporting")
MAX_LINES = 60
REASON = "Long because"


def long_functions(source: str, *, limit: int = MAX_LINES) -> list[tuple[str, int]]:
    """(name, lines) of each function longer than `limit` whose docstring gives no reason."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > limit and REASON not in (ast.get_docstring(node) or ""):
                found.append((node.name, lines))
    return found


def app_modules() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "tests" not in path.relative_to(ROOT).parts and "migrations" not in path.relative_to(ROOT).parts
    ]


def _all_long() -> set[tuple[str, str]]:
    return {
        (path.relative_to(ROOT).as_posix(), name) for path in app_modules() for name, _lines in long_functions(path.read_text(encoding="utf-8"))
    }


def test_the_checker_flags_a_long_function_and_accepts_a_reason():
    def source(lines: int, doc: str = "") -> str:
        body = "".join(f"    x{i} = {i}\n" for i in range(lines - 1 - bool(doc)))
        return f"def f():\n{doc}{body}"

    assert long_functions(source(MAX_LINES + 1)) == [("f", MAX_LINES + 1)]
    assert long_functions(source(MAX_LINES)) == []
    assert long_functions(source(MAX_LINES + 1, doc='    """Long because a table reads best whole."""\n')) == []
    assert long_functions(source(MAX_LINES + 1, doc='    """Does many things."""\n')) == [("f", MAX_LINES + 1)]


def test_no_app_function_is_over_60_lines_without_a_reason():
    offending = sorted(_all_long())
    assert offending == [], f"split these or say in the docstring why they are long ({REASON} …): {offending}"


# --- templates ---------------------------------------------------------------------------------

APPS = ("alfadmin", "allocations", "evaluations", "guns", "reporting")
SHARED = {"base.html", "403.html", "404.html", "registration", "partials"}


def test_the_project_templates_folder_holds_only_what_every_app_shares():
    folder = ROOT / "templates"
    assert {p.relative_to(folder).parts[0] for p in folder.rglob("*.html")} <= SHARED


@pytest.mark.parametrize("app", APPS)
def test_an_apps_templates_live_under_its_own_name_and_no_fragment_starts_with_an_underscore(app):
    folder = ROOT / app / "templates"
    if not folder.exists():
        return
    names = [p.relative_to(folder).as_posix() for p in folder.rglob("*.html")]
    assert [n for n in names if not n.startswith(f"{app}/")] == []
    assert [n for n in names if Path(n).name.startswith("_")] == []
    assert [n for n in names if n.count("/") > 2 or (n.count("/") == 2 and "/partials/" not in n)] == []


def _template_names() -> set[str]:
    """Every quoted `….html` in the apps' code, tests and templates (render, include, extends)."""
    names: set[str] = set()
    for folder in (*APPS, "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                names |= set(re.findall(r"[\"']([a-z0-9_]+(?:/[a-z0-9_]+)*\.html)[\"']", path.read_text(encoding="utf-8")))
    return names


def test_every_template_the_code_names_exists():
    names = _template_names()
    assert len(names) > 50  # the pattern still finds the names in render/include/extends
    missing = []
    for name in sorted(names):
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            missing.append(name)
    assert missing == []


# --- reads go through selectors ----------------------------------------------------------------


def orm_queries(source: str) -> list[int]:
    """Lines where a module starts a query of its own (`Model.objects…`)."""
    return sorted({node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Attribute) and node.attr == "objects"})


def view_modules() -> list[Path]:
    """Every page and API view module: `views.py`, a `views/` package's modules, `api/views.py`."""
    return [path for path in app_modules() if path.name == "views.py" or path.parent.name == "views"]


def test_the_query_check_sees_a_manager_and_nothing_else():
    assert orm_queries("from . import selectors\nrows = selectors.run_list(user=u)\nx = Run.objects.filter(pk=1)\n") == [3]


def test_views_read_through_selectors_scoped_to_the_user():
    found = {str(path.relative_to(ROOT)): lines for path in view_modules() if (lines := orm_queries(path.read_text(encoding="utf-8")))}
    assert found == {}
