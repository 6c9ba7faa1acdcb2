"""Every label of an allocation line, model and status, in one place.

The line names themselves are the engine's (`alfrules.predicates.RESEARCH_LINES`);
this module only names them for people: translated labels for the pages and the API, and the
fixed Swedish headers of the CSV/XLSX files (a file format other systems read, so not
translated). A test asserts that every engine line has a label here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .gather import Unavailable
from .models import AllocationModel

LINE_LABELS = {
    "base": gettext_lazy("Base amount"),
    "panel_1": gettext_lazy("Panel 1, scientific quality"),
    "panel_2": gettext_lazy("Panel 2, clinical significance"),
    "panel_3": gettext_lazy("Panel 3, prerequisites"),
    "quality": gettext_lazy("Quality amount kept"),
    "quality_forfeited": gettext_lazy("Quality amount forfeited"),
    "increment_hst": gettext_lazy("Increment by students"),
    "increment_citations": gettext_lazy("Increment by highly cited"),
    "total": gettext_lazy("Research in all"),
    "set_aside": gettext_lazy("Set aside"),
    "forfeited": gettext_lazy("Forfeited quality amounts"),
}
MODEL_LABELS = {"alf2015": gettext_lazy("ALF 2015 (in force)"), "ds2024": gettext_lazy("Ds 2024 (proposal)")}
STATUS_LABELS = {
    "current": gettext_lazy("Current"),
    "published": gettext_lazy("Published"),
    "recomputing": gettext_lazy("Recomputing…"),
    "failed": gettext_lazy("Latest inputs could not be computed"),
    "missing": gettext_lazy("Not computed yet"),
}
RATING_LABELS = {
    "inadequate": gettext_lazy("inadequate"),
    "good_high": gettext_lazy("good–high"),
    "very_high": gettext_lazy("very high"),
}

# The export files' fixed Swedish names (allocations.exports).
EXPORT_RESEARCH_HEADERS = {
    "base": "Forskning, basbelopp (kr)",
    "panel_1": "Forskning, panel 1 (kr)",
    "panel_2": "Forskning, panel 2 (kr)",
    "panel_3": "Forskning, panel 3 (kr)",
    "quality": "Forskning, kvalitetsbelopp (kr)",
    "quality_forfeited": "Förverkat kvalitetsbelopp (kr)",
    "increment_hst": "Forskning, ökning efter helårsstudenter (kr)",
    "increment_citations": "Forskning, ökning efter högt citerade (kr)",
    "total": "Forskning totalt (kr)",
}
EXPORT_MODEL_NAMES = {AllocationModel.ALF2015.value: "ALF 2015 (gällande)", AllocationModel.DS2024.value: "Ds 2024 (förslag)"}
EXPORT_UNDISTRIBUTED_NAMES = {
    "panel_1": "panel 1",
    "panel_2": "panel 2",
    "panel_3": "panel 3",
    "increment_hst": "ökning efter helårsstudenter",
    "increment_citations": "ökning efter högt citerade",
}

# The causes of an explanation diff: the engine's input groups (engine.shapley.GROUPS).
CAUSE_LABELS = {
    "appropriation": gettext_lazy("Appropriation and rate"),
    "shares": gettext_lazy("Research shares"),
    "ratings": gettext_lazy("Ratings"),
    "findings": gettext_lazy("Findings (plans)"),
    "hst": gettext_lazy("Full-year students"),
    "highly_cited": gettext_lazy("Highly cited"),
    "parameters": gettext_lazy("Model parameters"),
    "model": gettext_lazy("Model"),
}


def unavailable_text(part: dict | None) -> str:
    """Why a part (education or research) was left out of a run's inputs, as a sentence."""
    if not part or not part.get("unavailable"):
        return ""
    detail = ", ".join(part.get("detail") or [])
    reason = part["unavailable"]
    texts = {
        Unavailable.NO_ROUND: _("No applicable evaluation round: research is not computed for this year."),
        Unavailable.MISSING_STUDENTS: _("Planned full-year students are missing for %(detail)s."),
        Unavailable.MISSING_PLO: _("The price and wage adjustment (PLO) is missing for %(detail)s."),
        Unavailable.MISSING_RATE: _("No rate per full-year student is set, nor a base rate to derive it from."),
        Unavailable.MISSING_SHARES: _("Research shares are missing for %(detail)s."),
        Unavailable.MISSING_RATINGS: _("The evaluation round has no complete ratings for %(detail)s."),
        Unavailable.MISSING_FINDINGS: _("The evaluation round has no findings for %(detail)s."),
        Unavailable.MISSING_BIBLIOMETRICS: _("The evaluation round has no bibliometrics for %(detail)s."),
    }
    text = texts.get(reason, reason)
    return text % {"detail": detail} if "%(detail)s" in text else text
