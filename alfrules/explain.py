"""Sentences for trace steps and notes, in English and Swedish (docs/allocation-rules.md §8).

The engine's output holds codes and values only (``compute_output``), so one computation
serves every language and a stored run is shown in the reader's language when it is shown.
This catalogue turns the codes into text, pure like the rest of the rules, so the Django
layer, the API and the ``allocate`` command render a trace without the engine importing
Django. Rewording a sentence here changes no stored run and needs no new ``ENGINE_VERSION``.
Every template may use ``{amount}``, ``{region}``, ``{panel}``, ``{line}``, ``{label}``
(region and line together) and the step's own ``params``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

LANGUAGES = ("en", "sv")

STEP_TEXTS: Mapping[str, Mapping[str, str]] = {
    # Education, §4.
    "education_part": {
        "en": "{region}: {rate} kr per full-year student × {hst} hst = {amount} kr.",
        "sv": "{region}: {rate} kr per helårsstudent × {hst} hst = {amount} kr.",
    },
    "education_total": {
        "en": "Education in all: {rate} kr × {hst_total} hst = {amount} kr before rounding.",
        "sv": "Utbildning totalt: {rate} kr × {hst_total} hst = {amount} kr före avrundning.",
    },
    "education_total_rounded": {
        "en": "The education total {exact} kr, rounded half up to whole kronor, is {amount} kr.",
        "sv": "Utbildningens totalbelopp {exact} kr, avrundat till hela kronor (halva uppåt), blir {amount} kr.",
    },
    "education_appropriation": {
        "en": "The education appropriation of {amount} kr is split in proportion to {hst_total} planned full-year students.",
        "sv": "Utbildningsanslaget på {amount} kr fördelas i proportion till {hst_total} planerade helårsstudenter.",
    },
    "education_share": {
        "en": "{region}: {hst} of {hst_total} hst × {appropriation} kr = {amount} kr.",
        "sv": "{region}: {hst} av {hst_total} hst × {appropriation} kr = {amount} kr.",
    },
    # Research, alf2015, §5.
    "base_pool": {
        "en": "Base pool: {base_fraction} × the appropriation {appropriation} kr = {amount} kr.",
        "sv": "Baspott: {base_fraction} × anslaget {appropriation} kr = {amount} kr.",
    },
    "base_amount": {
        "en": "{region}: base share {share} % of the base pool {base_pool} kr = {amount} kr.",
        "sv": "{region}: basandel {share} % av baspotten {base_pool} kr = {amount} kr.",
    },
    "quality_pot": {
        "en": "Quality pot: the appropriation {appropriation} kr − the base pool {base_pool} kr = {amount} kr.",
        "sv": "Kvalitetspott: anslaget {appropriation} kr − baspotten {base_pool} kr = {amount} kr.",
    },
    "panel_pot": {
        "en": "Panel {panel}: weight {weight} × the quality pot {quality_pot} kr = {amount} kr.",
        "sv": "Panel {panel}: vikt {weight} × kvalitetspotten {quality_pot} kr = {amount} kr.",
    },
    "inadequate": {
        "en": "{region} is rated inadequate in panel {panel} and gets nothing from it.",
        "sv": "{region} har omdömet undermålig i panel {panel} och får inget därifrån.",
    },
    "guarantee": {
        "en": "{region} is rated good_high in panel {panel}: guarantee {guarantee} × base {base} kr × weight {weight} = {amount} kr.",
        "sv": "{region} har omdömet god–hög i panel {panel}: garanti {guarantee} × bas {base} kr × vikt {weight} = {amount} kr.",
    },
    "after_guarantees": {
        "en": "Panel {panel}: {pot} kr − guarantees {guarantees} kr = {amount} kr after the guarantees.",
        "sv": "Panel {panel}: {pot} kr − garantier {guarantees} kr = {amount} kr efter garantierna.",
    },
    "very_high_share": {
        "en": "{region} is rated very_high in panel {panel}: {pot} kr × its base {base} kr / "
        "the very_high bases {base_total} kr = {amount} kr before the cap.",
        "sv": "{region} har omdömet mycket hög i panel {panel}: {pot} kr × dess bas {base} kr / "
        "baserna med mycket hög {base_total} kr = {amount} kr före taket.",
    },
    "cap": {
        "en": "{region}'s share {share} kr in panel {panel} is above its cap {cap} × base "
        "{base} kr × weight {weight}, so it gets the cap: {amount} kr.",
        "sv": "{region}s andel {share} kr i panel {panel} är över taket {cap} × bas {base} kr "
        "× vikt {weight}, så regionen får taket: {amount} kr.",
    },
    "spill_over": {
        "en": "Panel {panel}: the {pot} kr not taken by capped regions is split again; "
        "{region}: × its base {base} kr / the uncapped bases {base_total} kr = {amount} kr.",
        "sv": "Panel {panel}: de {pot} kr som regioner med tak inte tar fördelas på nytt; "
        "{region}: × dess bas {base} kr / baserna utan tak {base_total} kr = {amount} kr.",
    },
    "leftover_to_good_high": {
        "en": "Panel {panel}: {leftover} kr left over goes to the good_high regions by base; "
        "{region}: × {base} kr / {good_high_base} kr = {amount} kr on top of its guarantee.",
        "sv": "Panel {panel}: {leftover} kr som blir över går till regionerna med god–hög efter "
        "bas; {region}: × {base} kr / {good_high_base} kr = {amount} kr utöver garantin.",
    },
    "undistributed": {
        "en": "{line}: {amount} kr is undistributed ({reason}).",
        "sv": "{line}: {amount} kr fördelas inte ({reason}).",
    },
    # Research, ds2024, §6.
    "guns_set_aside": {
        "en": "GUNS set-aside: {guns_fraction} × the appropriation {appropriation} kr = {amount} kr.",
        "sv": "Avsättning till GUNS: {guns_fraction} × anslaget {appropriation} kr = {amount} kr.",
    },
    "level_part": {
        "en": "Level part: the smaller of the appropriation {appropriation} kr and the reference level {reference_level} kr = {amount} kr.",
        "sv": "Nivådel: det minsta av anslaget {appropriation} kr och referensnivån {reference_level} kr = {amount} kr.",
    },
    "increment_part": {
        "en": "Increment: the appropriation {appropriation} kr − the level part {level} kr = {amount} kr.",
        "sv": "Ökning: anslaget {appropriation} kr − nivådelen {level} kr = {amount} kr.",
    },
    "level_after_set_aside": {
        "en": "Level part after the GUNS set-aside: {level} kr × (1 − {guns_fraction}) = {amount} kr.",
        "sv": "Nivådel efter avsättningen till GUNS: {level} kr × (1 − {guns_fraction}) = {amount} kr.",
    },
    "increment_after_set_aside": {
        "en": "Increment after the GUNS set-aside: {increment} kr × (1 − {guns_fraction}) = {amount} kr.",
        "sv": "Ökning efter avsättningen till GUNS: {increment} kr × (1 − {guns_fraction}) = {amount} kr.",
    },
    "level_share": {
        "en": "{region}: share {share} % of the level part {level} kr = {amount} kr.",
        "sv": "{region}: andel {share} % av nivådelen {level} kr = {amount} kr.",
    },
    "quality_amount": {
        "en": "{region}: quality amount {quality_fraction} × {level_share} kr = {amount} kr.",
        "sv": "{region}: kvalitetsbelopp {quality_fraction} × {level_share} kr = {amount} kr.",
    },
    "level_base": {
        "en": "{region}: base amount {level_share} kr − quality amount {quality} kr = {amount} kr.",
        "sv": "{region}: basbelopp {level_share} kr − kvalitetsbelopp {quality} kr = {amount} kr.",
    },
    "quality_kept": {
        "en": "{region} keeps its quality amount of {amount} kr: its plans were approved and it "
        "is rated at least good_high in all three panels.",
        "sv": "{region} behåller sitt kvalitetsbelopp på {amount} kr: planerna godkändes och "
        "regionen har minst god–hög i alla tre paneler.",
    },
    "forfeit": {
        "en": "{region} forfeits its quality amount of {amount} kr to GUNS (plans approved: "
        "{plans_ok}; panels rated inadequate: {inadequate_panels}).",
        "sv": "{region} förverkar sitt kvalitetsbelopp på {amount} kr, som går till GUNS (planer godkända: "
        "{plans_ok}; paneler med undermålig: {inadequate_panels}).",
    },
    "increment_pot": {
        "en": "Increment by {key}: weight {weight} × {increment} kr = {amount} kr.",
        "sv": "Ökning efter {key}: vikt {weight} × {increment} kr = {amount} kr.",
    },
    "increment": {
        "en": "{region}: {count} of {count_total} ({key}) × {pot} kr = {amount} kr.",
        "sv": "{region}: {count} av {count_total} ({key}) × {pot} kr = {amount} kr.",
    },
    "guns_pot": {
        "en": "GUNS in all: set-aside {set_aside} kr + forfeited quality amounts {forfeited} kr = {amount} kr.",
        "sv": "GUNS totalt: avsättning {set_aside} kr + förverkade kvalitetsbelopp {forfeited} kr = {amount} kr.",
    },
    # Rounding, §1.
    "rounding_leftover": {
        "en": "Rounding to whole kronor: every line is floored ({floors_total} kr in all), and the "
        "{amount} kr left to reach {total} kr go one krona each to the lines with the largest "
        "remainders (ties: region lines first, by region code and line name); those lines follow.",
        "sv": "Avrundning till hela kronor: varje rad avrundas nedåt ({floors_total} kr totalt), "
        "och de {amount} kr som återstår till {total} kr går en krona i taget till raderna med "
        "störst rest (vid lika rest: regionernas rader först, efter regionkod och radnamn); "
        "de raderna följer.",
    },
    "rounding": {
        "en": "Rounding {label}: {exact} kr, remainder {remainder}, gets one of the kronor left over: {floor} kr + 1 kr = {amount} kr.",
        "sv": "Avrundning {label}: {exact} kr, rest {remainder}, får en av de kronor som återstår: {floor} kr + 1 kr = {amount} kr.",
    },
}

NOTE_TEXTS: Mapping[str, Mapping[str, str]] = {
    "no_very_high": {
        "en": "panel {panel}: warning: no region is rated very_high",
        "sv": "panel {panel}: varning: ingen region har omdömet mycket hög",
    },
    "leftover_to_good_high": {
        "en": "panel {panel}: money left after the caps went to good_high regions by base",
        "sv": "panel {panel}: pengar som blev över efter taken gick till regionerna med god–hög efter bas",
    },
    "pot_to_good_high": {
        "en": "panel {panel}: with no very_high region, the money after the guarantees went to good_high regions by base",
        "sv": "panel {panel}: utan region med mycket hög gick pengarna efter garantierna till regionerna med god–hög efter bas",
    },
    "no_eligible_region": {
        "en": "panel {panel}: no region is rated good_high or very_high; the panel's pot is undistributed",
        "sv": "panel {panel}: ingen region har god–hög eller mycket hög; panelens pott fördelas inte",
    },
    "leftover_undistributed": {
        "en": "panel {panel}: money left after the caps has no good_high region (with a base) to go to; it is undistributed",
        "sv": "panel {panel}: pengar som blev över efter taken har ingen region med god–hög (och bas) att gå till; de fördelas inte",
    },
    "no_data_for_key": {
        "en": "increment by {key}: every region's count is zero; that part of the increment is undistributed",
        "sv": "ökning efter {key}: alla regioners antal är noll; den delen av ökningen fördelas inte",
    },
}

# Enumerated parameter values, shown in words.
VALUE_TEXTS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "no_eligible_region": "no eligible region",
        "no_data_for_key": "no data for the key",
        "hst": "full-year students",
        "citations": "highly cited publications",
        "true": "yes",
        "false": "no",
        "none": "none",
    },
    "sv": {
        "no_eligible_region": "ingen region berättigad",
        "no_data_for_key": "inga uppgifter för nyckeln",
        "hst": "helårsstudenter",
        "citations": "högt citerade publikationer",
        "true": "ja",
        "false": "nej",
        "none": "inga",
    },
}

_NUMBER = re.compile(r"(-?)(\d+)(?:\.(\d+))?")
_SEPARATORS = {"en": (",", "."), "sv": ("\u00a0", ",")}  # (thousands, decimal)


def render_output(output: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The output document of docs/allocation-scenario.md in ``lang`` from a language-free one
    (``compute_output``): the notes as sentences, and each trace step with its ``text``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    shown = dict(output)
    if "notes" in shown:
        shown["notes"] = render_notes(shown["notes"], lang)
    if "trace" in shown:
        shown["trace"] = [{**step, "text": render_step(step, lang)} for step in shown["trace"]]
    return shown


def render_step(step: Mapping[str, Any], lang: str) -> str:
    """The sentence for one trace step (a dict as in the output's ``trace``).

    A stored step whose code or values no longer fit the catalogue (stored by an earlier
    engine version, which kept an English ``text`` with each step) is shown by that text.
    """
    if step["step"] not in STEP_TEXTS and "text" in step:
        return str(step["text"])
    template = _template(STEP_TEXTS, step["step"], lang)
    values = _values(step, lang)
    region = step.get("region")
    line = step.get("line")
    values["amount"] = _number(str(step["amount"]), lang)
    values["region"] = region or ""
    values["line"] = line or ""
    values["label"] = f"{region} {line}" if region and line else line or region or ""
    try:
        return template.format_map(values)
    except KeyError:
        if "text" in step:
            return str(step["text"])
        raise


def render_note(note: Mapping[str, Any], lang: str) -> str:
    """The sentence for one note (``Note.as_dict()``)."""
    return _template(NOTE_TEXTS, note["code"], lang).format_map(_values(note, lang))


def render_notes(notes: Sequence[Mapping[str, Any] | str], lang: str) -> list[str]:
    """The sentences for a document's notes. A note that is already text was stored by an
    earlier engine version, which wrote its notes as English sentences: it is shown as it is."""
    return [note if isinstance(note, str) else render_note(note, lang) for note in notes]


def _template(catalogue: Mapping[str, Mapping[str, str]], code: str, lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    if code not in catalogue:
        raise ValueError(f"no text for {code!r}")
    return catalogue[code][lang]


def _values(item: Mapping[str, Any], lang: str) -> dict[str, str]:
    words = VALUE_TEXTS[lang]
    shown = {name: words.get(value) or _number(value, lang) for name, value in item.get("params", {}).items()}
    panel = item.get("panel")
    shown["panel"] = "" if panel is None else str(panel)
    return shown


def _number(value: str, lang: str) -> str:
    """Digits grouped in thousands, the language's decimal mark; other text unchanged."""
    match = _NUMBER.fullmatch(value)
    if match is None:
        return value
    sign, whole, decimals = match.groups()
    thousands, decimal_mark = _SEPARATORS[lang]
    if len(whole) > 3:
        whole = f"{int(whole):,}".replace(",", thousands)
    return f"{sign}{whole}{decimal_mark}{decimals}" if decimals else sign + whole
