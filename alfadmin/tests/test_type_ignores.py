"""Every `# type: ignore` names its error code and says why (`# type: ignore[code]  # why`):
an ignore without a reason cannot be judged when the code or the stubs change. mypy itself
(warn_unused_ignores) reports the ones that are no longer needed."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
ROOTS = ["alfrules", "alfadmin", "allocations", "evaluations", "guns", "reporting", "bench", "testsupport"]
EXPLAINED = re.compile(r"#\s*type:\s*ignore\[[a-z-]+(,\s*[a-z-]+)*\]\s+#\s*\S")


def unexplained_ignores(source: str) -> list[int]:
    """Line numbers of comments that ignore a type error without a code and a reason."""
    return [
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT and re.search(r"type:\s*ignore", token.string) and not EXPLAINED.search(token.string)
    ]


def test_every_type_ignore_names_its_code_and_why():
    files = [BASE_DIR / "conftest.py", *(path for root in ROOTS for path in sorted((BASE_DIR / root).rglob("*.py")))]
    found = [f"{path.relative_to(BASE_DIR)}:{line}" for path in files for line in unexplained_ignores(path.read_text(encoding="utf-8"))]
    assert found == [], "write `# type: ignore[code]  # why` (or remove the ignore):\n" + "\n".join(found)


def test_the_check_tells_an_explained_ignore_from_a_bare_one():
    source = "a = 1  # type: ignore\nb = 2  # type: ignore[attr-defined]\nc = 3  # type: ignore[attr-defined]  # set by the library\n"
    assert unexplained_ignores(source) == [1, 2]
