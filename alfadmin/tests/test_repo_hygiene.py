"""The repository stands on its own: nothing in it points at a file its readers do not have
(a path on some machine, a folder beside the checkout) or at an issue tracker's numbers, and
every rule document a comment cites is in `docs/`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = (".png", ".ico", ".jpg", ".gif", ".woff", ".woff2", ".mo", ".gz", ".xlsx", ".pdf")
# Catalogs repeat the code's comments as source references; they are regenerated from it.
SKIPPED = (".po",)
# The folder beside a checkout that held the project's working notes, and the workplace's root.
# Spelled in parts so that this file, which must name them, does not itself match.
NOTES_FOLDER = "sha" + "red"
WORKPLACE = "/" + "work" + "/"
OUTSIDE = re.compile(
    rf"\.\./{NOTES_FOLDER}|{WORKPLACE}|{NOTES_FOLDER}/(?:spec|data|seeds)/|\bissues? #?\d+\b|\bissue \d+\b", re.IGNORECASE
)
CITED_DOC = re.compile(r"(?<![\w/.-])(?:docs/)?([a-z][a-z0-9-]+\.md)\b")


def tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()  # noqa: S607 - git from PATH
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files are unknown")
    return [ROOT / name for name in listed if not name.endswith(BINARY + SKIPPED) and (ROOT / name).is_file()]


def text_of(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ""


def outside_references(text: str) -> list[str]:
    return [match.group(0) for match in OUTSIDE.finditer(text)]


def test_no_file_points_outside_the_repository_or_at_an_issue_number():
    found = {str(path.relative_to(ROOT)): refs for path in tracked_files() if (refs := outside_references(text_of(path)))}
    assert found == {}


def test_the_check_sees_each_kind_of_outside_reference():
    beside, data = f"../{NOTES_FOLDER}", f"{NOTES_FOLDER}/data/"
    numbered, hashed = "iss" + "ue 12", "iss" + "ue #3"
    text = f"see {beside}/spec/x.md, {WORKPLACE}main/y, {data}alf-figures.md, ({numbered}, item 6) and {hashed}"
    assert outside_references(text) == [beside, WORKPLACE, data, numbered, hashed]
    assert outside_references("the issue of a decision; 12 issues; docs/allocation-rules.md §5") == []


def test_every_cited_rule_document_is_in_docs():
    docs = {path.name for path in (ROOT / "docs").rglob("*.md")}
    top = {path.name for path in ROOT.glob("*.md")}
    cited: dict[str, set[str]] = {}
    for path in tracked_files():
        if path.suffix not in {".py", ".html", ".md", ".js", ".css", ".toml", ".ini", ".cfg", ".json", ".yml", ".yaml"}:
            continue
        for name in CITED_DOC.findall(text_of(path)):
            cited.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    missing = {name: sorted(where) for name, where in cited.items() if name not in docs | top}
    assert missing == {}
