"""`manage.py allocate` as a process: JSON out and exit 0, or a named field on stderr and exit 2;
no database needed (unreachable DATABASE_URL, no migrations)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = {
    "year": 2024,
    "education": {"rate_per_hst": 70400, "hst": {"STH": 688}},
    "research": {
        "model": "alf2015",
        "appropriation": 1000000000,
        "shares": {"STH": "100"},
        "ratings": {"STH": {"1": "very_high", "2": "good_high", "3": "inadequate"}},
    },
}


def run_allocate(stdin: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/unreachable", "DJANGO_SETTINGS_MODULE": "alfadmin.settings.local"}
    env.pop("CELERY_BROKER_URL", None)
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "allocate", *(args or ("--input", "-"))],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60, check=False,
    )


def test_valid_scenario_prints_the_allocation_without_a_database():
    result = run_allocate(json.dumps(SCENARIO))
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    # The memo's check (table 6.1): 688 hst × 70 400 kr = 48 435 200 kr.
    assert output["education"]["total"] == 48_435_200
    assert output["research"]["total"] == 1_000_000_000
    assert sum(output["research"]["regions"]["STH"][line] for line in ("base", "panel_1", "panel_2", "panel_3")) + sum(
        u["amount"] for u in output["research"]["undistributed"]
    ) == 1_000_000_000


def test_notes_and_trace_texts_are_english_unless_swedish_is_asked_for():
    english = json.loads(run_allocate(json.dumps(SCENARIO)).stdout)
    swedish = json.loads(run_allocate(json.dumps(SCENARIO), "--input", "-", "--lang", "sv").stdout)
    assert english["notes"][0] == "panel 2: warning: no region is rated very_high"
    assert swedish["notes"][0] == "panel 2: varning: ingen region har omdömet mycket hög"
    assert english["trace"][0]["text"].startswith("STH: 70,400 kr per full-year student")
    assert swedish["trace"][0]["text"].startswith("STH: 70\u00a0400 kr per helårsstudent")
    # Only the words differ.
    assert {**swedish, "notes": [], "trace": [{**s, "text": ""} for s in swedish["trace"]]} == {
        **english, "notes": [], "trace": [{**s, "text": ""} for s in english["trace"]]
    }


def test_input_from_a_file(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(SCENARIO), encoding="utf-8")
    result = run_allocate("", "--input", str(path))
    assert result.returncode == 0
    assert json.loads(result.stdout)["year"] == 2024


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: s["research"].update(shares={"STH": "99.9"}), "research.shares"),
        (lambda s: s["research"]["ratings"]["STH"].update({"2": "excellent"}), "research.ratings.STH.2"),
        (lambda s: s["education"]["hst"].update(ORE=10), "ORE"),
        (lambda s: s["research"].update(appropriation=-1), "research.appropriation"),
        (lambda s: s["research"].pop("shares"), "research.shares"),
        (lambda s: s["research"].update(colour="blue"), "research.colour"),
    ],
    ids=["shares not 100", "rating off the scale", "unknown region", "negative money", "missing field", "unknown key"],
)
def test_invalid_scenario_names_the_field_exits_2_and_prints_nothing(change, field):
    scenario = json.loads(json.dumps(SCENARIO))
    change(scenario)
    result = run_allocate(json.dumps(scenario))
    assert result.returncode == 2
    assert result.stdout == ""
    assert field in result.stderr


def test_malformed_json_and_missing_file_exit_2():
    assert run_allocate("{not json").returncode == 2
    missing = run_allocate("", "--input", "/nonexistent/scenario.json")
    assert missing.returncode == 2 and missing.stdout == "" and "--input" in missing.stderr
