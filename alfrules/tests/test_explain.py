"""The message catalogue: every step and note reads in English and Swedish."""

from __future__ import annotations

import pytest

from alfrules.explain import NOTE_TEXTS, STEP_TEXTS, render_note, render_notes, render_output, render_step
from alfrules.scenario import compute_output, compute_scenario


def test_every_code_has_both_languages() -> None:
    for catalogue in (STEP_TEXTS, NOTE_TEXTS):
        for code, texts in catalogue.items():
            assert set(texts) == {"en", "sv"}, code


def test_numbers_follow_the_language() -> None:
    step = {
        "step": "panel_pot",
        "amount": "100000000.5",
        "panel": 1,
        "params": {"weight": "0.50", "quality_pot": "200000000"},
    }
    assert render_step(step, "en") == ("Panel 1: weight 0.50 × the quality pot 200,000,000 kr = 100,000,000.5 kr.")
    assert render_step(step, "sv") == ("Panel 1: vikt 0,50 × kvalitetspotten 200\u00a0000\u00a0000 kr = 100\u00a0000\u00a0000,5 kr.")


def test_enumerated_values_are_words() -> None:
    step = {
        "step": "forfeit",
        "amount": "10",
        "region": "ORE",
        "params": {"plans_ok": "false", "inadequate_panels": "none"},
    }
    assert "(planer godkända: nej; paneler med undermålig: inga)" in render_step(step, "sv")
    note = {"code": "no_data_for_key", "params": {"key": "hst"}}
    assert render_note(note, "en").startswith("increment by full-year students")


def test_unknown_languages_and_codes_are_errors() -> None:
    with pytest.raises(ValueError, match="language"):
        render_step({"step": "base_pool", "amount": "1", "params": {}}, "de")
    with pytest.raises(ValueError, match="no text"):
        render_note({"code": "nothing", "params": {}}, "en")


def test_a_step_stored_by_an_earlier_engine_falls_back_to_its_stored_text() -> None:
    step = {"step": "rounding", "amount": "2", "params": {"extra": "1"}, "text": "Rounding A x."}
    assert render_step(step, "sv") == "Rounding A x."
    with pytest.raises(KeyError):
        render_step({key: value for key, value in step.items() if key != "text"}, "sv")


def test_a_step_whose_code_an_earlier_engine_used_is_shown_by_its_stored_text() -> None:
    step = {"step": "base pool", "amount": "800000000", "text": "Base pool: 800000000 kr."}
    assert render_step(step, "sv") == "Base pool: 800000000 kr."


def test_notes_stored_as_sentences_by_an_earlier_engine_are_shown_as_they_are() -> None:
    coded = {"code": "no_very_high", "panel": 2, "params": {}}
    assert render_notes([coded, "panel 1: an old sentence"], "sv") == [
        "panel 2: varning: ingen region har omdömet mycket hög",
        "panel 1: an old sentence",
    ]


def test_one_language_free_output_renders_in_every_language() -> None:
    scenario = {
        "year": 2024,
        "research": {
            "model": "alf2015",
            "appropriation": 1_000_000,
            "shares": {"A": "60", "B": "40"},
            "ratings": {"A": {"1": "good_high", "2": "good_high", "3": "inadequate"}, "B": {"1": "very_high", "2": "good_high", "3": "inadequate"}},
        },
    }
    output = compute_output(scenario)
    assert output["notes"] == [
        {"code": "no_very_high", "panel": 2, "params": {}},
        {"code": "pot_to_good_high", "panel": 2, "params": {}},
        {"code": "no_eligible_region", "panel": 3, "params": {}},
    ]
    assert all("text" not in step for step in output["trace"])
    for lang in ("en", "sv"):
        assert render_output(output, lang) == compute_scenario(scenario, lang=lang)
    assert render_output(output, "sv")["notes"][0] == "panel 2: varning: ingen region har omdömet mycket hög"
    with pytest.raises(ValueError, match="language"):
        render_output({"year": 2024, "notes": []}, "de")
