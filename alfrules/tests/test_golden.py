"""ENGINE_VERSION follows the engine's output: the golden file pins what this version computes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from alfrules import ENGINE_VERSION
from alfrules.tests import golden
from alfrules.tests.golden import GOLDEN_FILE, GoldenError, check_golden, read_golden, write_golden
from alfrules.tests.golden.cases import golden_cases


def test_the_engine_computes_what_the_golden_file_holds_for_its_version() -> None:
    problem = check_golden()
    assert problem is None, problem


def test_the_golden_file_covers_both_models_and_a_few_hundred_cases() -> None:
    header, records = read_golden()
    assert header["engine_version"] == ENGINE_VERSION
    models = [(record["output"].get("research") or {}).get("model") for record in records]
    assert len(records) >= 300
    assert models.count("alf2015") >= 100 and models.count("ds2024") >= 100
    assert any(record["output"]["notes"] for record in records)


def test_the_golden_file_holds_the_seeded_generators_cases() -> None:
    # So regenerating changes no scenario, only the outputs of a changed engine.
    assert [(record["case"], record["scenario"]) for record in read_golden()[1]] == list(golden_cases())


def test_the_golden_file_holds_the_memos_worked_figures() -> None:
    cases = {record["case"]: record["output"] for record in read_golden()[1]}
    # Table 6.1: 688 hst × 70 400 kr.
    assert cases["memo-table-6-1"]["education"]["total"] == 48_435_200
    # BP 2024: 688 + 2 020 = 2 708 MSEK; by the rate per hst 950 kr more.
    for name, total in (("memo-bp-2024-alf2015", 2_708_000_000), ("memo-bp-2024-alf2015-rate", 2_708_000_950)):
        output = cases[name]
        assert output["education"]["total"] + output["research"]["total"] == total
    # 1 % of 2 020 MSEK to GUNS.
    assert cases["memo-bp-2024-ds2024"]["research"]["guns"]["set_aside"] == 20_200_000


def test_notes_are_stored_as_codes_with_parameters() -> None:
    notes = [note for record in read_golden()[1] for note in record["output"]["notes"]]
    assert notes and all(set(note) <= {"code", "panel", "params"} and isinstance(note["params"], dict) for note in notes)


@pytest.fixture
def copy_of_the_file(tmp_path: Path) -> Path:
    path = tmp_path / GOLDEN_FILE.name
    shutil.copy(GOLDEN_FILE, path)
    return path


def test_an_output_change_without_a_new_version_fails_naming_the_case_and_field(
    copy_of_the_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = golden.compute_output

    def one_krona_more(scenario: Any, **options: Any) -> dict[str, object]:
        output = real(scenario, **options)
        education = output.get("education")
        if isinstance(education, dict) and education["total"] == 48_435_200:
            education["total"] += 1
        return output

    monkeypatch.setattr(golden, "compute_output", one_krona_more)

    problem = check_golden(copy_of_the_file)

    assert problem is not None
    assert "case 'memo-table-6-1'" in problem and "output.education.total: 48435200 in the golden file, 48435201 now" in problem
    assert "bump ENGINE_VERSION" in problem
    with pytest.raises(GoldenError, match="changed but ENGINE_VERSION is still"):
        write_golden(copy_of_the_file)


def test_a_new_version_records_the_changed_output(copy_of_the_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = golden.compute_output
    monkeypatch.setattr(golden, "compute_output", lambda scenario, **options: {**real(scenario, **options), "year": 1})

    changed = write_golden(copy_of_the_file, version="99.0.0")

    assert "memo-table-6-1" in changed
    assert check_golden(copy_of_the_file, version="99.0.0") is None


def test_a_new_version_with_a_stale_golden_file_fails(copy_of_the_file: Path) -> None:
    problem = check_golden(copy_of_the_file, version="99.0.0")
    assert problem is not None and f"ENGINE_VERSION is 99.0.0 but outputs.jsonl was made with {ENGINE_VERSION}" in problem


def test_a_golden_file_edited_by_hand_fails(copy_of_the_file: Path) -> None:
    lines = copy_of_the_file.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[1])
    record["output"]["education"]["total"] = 0
    lines[1] = json.dumps(record)
    copy_of_the_file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    problem = check_golden(copy_of_the_file)

    assert problem is not None and "changed by hand" in problem
