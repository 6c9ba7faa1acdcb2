"""The golden file: what this ``ENGINE_VERSION`` of the engine computes, case by case.

``outputs.jsonl`` holds one JSON object a line. The first says which ``ENGINE_VERSION`` made
the file, how many cases follow and the SHA-256 of those lines (so the file is only ever
changed by the command below). Each further line is one case: its name, its scenario and
the engine's language-free output (``compute_output``: every amount per region and line,
the GUNS and undistributed lines, the notes as codes with parameters) without the trace,
which is long, and in its place the trace's step count and the SHA-256 of its canonical JSON.

``test_golden`` compares the engine with the file. Changing what the engine computes fails
it, naming the first case and field that differ, until ``ENGINE_VERSION`` is bumped and the
file regenerated; bumping the version without regenerating fails it too. Regenerate with

    python -m alfrules.tests.golden --write        (or: make golden)

which refuses to record a changed output under a version the file already has. Stored runs
are reused by input hash and engine version, so this is what makes that reuse safe.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from alfrules.scenario import ENGINE_VERSION, compute_output

from .cases import golden_cases

GOLDEN_FILE = Path(__file__).with_name("outputs.jsonl")
REGENERATE = "python -m alfrules.tests.golden --write (make golden)"


class GoldenError(Exception):
    """The golden file cannot be written or does not describe this engine."""


def golden_record(name: str, scenario: Mapping[str, object]) -> dict[str, Any]:
    """One case as the golden file holds it."""
    output = compute_output(copy.deepcopy(scenario))
    trace = output.pop("trace")
    assert isinstance(trace, list)  # noqa: S101 - compute_output with the trace gives a list
    return {"case": name, "scenario": scenario, "output": output, "trace": {"steps": len(trace), "sha256": _digest(trace)}}


def golden_records() -> Iterator[dict[str, Any]]:
    for name, scenario in golden_cases():
        yield golden_record(name, scenario)


def read_golden(path: Path = GOLDEN_FILE) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(header, cases) of the golden file; GoldenError if its lines are not the ones written."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    body = lines[1:]
    if header.get("cases") != len(body) or header.get("sha256") != _lines_digest(body):
        raise GoldenError(f"{path.name} was changed by hand (its cases do not match its first line); regenerate it: {REGENERATE}")
    return header, [json.loads(line) for line in body]


def check_golden(path: Path = GOLDEN_FILE, *, version: str = ENGINE_VERSION) -> str | None:
    """What is wrong with the golden file for the engine of ``version``: the first case and
    field whose output the engine no longer gives, or a stale version; None when it matches."""
    try:
        header, records = read_golden(path)
    except GoldenError as error:
        return str(error)
    if header["engine_version"] != version:
        return (
            f"ENGINE_VERSION is {version} but {path.name} was made with {header['engine_version']}: "
            f"regenerate it with {REGENERATE}"
        )
    for record in records:
        found = first_difference(record, golden_record(record["case"], record["scenario"]))
        if found is not None:
            return (
                f"case {record['case']!r} differs from {path.name} at {found}. If the change is meant, bump "
                f"ENGINE_VERSION in alfrules/scenario.py, regenerate with {REGENERATE} and say in the CHANGELOG "
                "what changed in the money"
            )
    return None


def write_golden(path: Path = GOLDEN_FILE, *, version: str = ENGINE_VERSION) -> list[str]:
    """Write the golden file for the engine of ``version``; returns the cases whose output changed.

    Refuses (GoldenError) when a case that the file already holds, with the same scenario,
    now gives another output and ``version`` is still the file's version."""
    records = list(golden_records())
    changed: list[str] = []
    if path.exists():
        header, old = read_golden(path)
        changed = _changed_cases(old, records)
        if changed and header["engine_version"] == version:
            raise GoldenError(
                f"the output of {len(changed)} case(s), first {changed[0]!r}, changed but ENGINE_VERSION is still "
                f"{version}: bump it in alfrules/scenario.py (and say in the CHANGELOG what changed in the money)"
            )
    body = [_line(record) for record in records]
    header = {"engine_version": version, "cases": len(body), "sha256": _lines_digest(body)}
    path.write_text("\n".join([_line(header), *body]) + "\n", encoding="utf-8")
    return changed


def first_difference(expected: object, actual: object, path: str = "") -> str | None:
    """The first field (a dotted path) where ``actual`` differs from ``expected``, with both values."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in [*expected, *(key for key in actual if key not in expected)]:
            found = first_difference(expected.get(key), actual.get(key), f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for index, (then, now) in enumerate(zip(expected, actual, strict=False)):
            found = first_difference(then, now, f"{path}[{index}]")
            if found is not None:
                return found
        if len(expected) != len(actual):
            return f"{path}: {len(expected)} items in the golden file, {len(actual)} now"
        return None
    if expected != actual:
        return f"{path}: {expected!r} in the golden file, {actual!r} now"
    return None


def _changed_cases(old: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]) -> list[str]:
    before = {record["case"]: record for record in old}
    return [
        record["case"]
        for record in new
        if record["case"] in before
        and before[record["case"]]["scenario"] == record["scenario"]
        and first_difference(before[record["case"]], record) is not None
    ]


def _line(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _lines_digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()
