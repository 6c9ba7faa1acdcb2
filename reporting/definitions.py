"""The 2024 form and the built-in rules (docs/annual-report.md), loaded by a migration and the demo.

Labels are stored in English (the msgid) and shown through gettext, so they translate.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.utils.translation import gettext_noop

EDUCATION, RESEARCH, RESULT, DISTRIBUTION, FACTS, OWN, TEXTS = (
    gettext_noop("Education (GU-ALF)"),
    gettext_noop("Research (FO-ALF)"),
    gettext_noop("Result"),
    gettext_noop("Distribution of FO-ALF"),
    gettext_noop("Facts compared nationally"),
    gettext_noop("Own funding and joint resources"),
    gettext_noop("Narrative"),
)

# code, kind, source, label, help, section
FIELDS_2024: list[tuple[str, str, str, str, str, str]] = [
    (
        "education_received",
        "kronor",
        "prefilled",
        gettext_noop("GU-ALF received"),
        gettext_noop("From the published allocation."),
        EDUCATION,
    ),
    ("education_personnel", "kronor", "input", gettext_noop("Education: personnel"), "", EDUCATION),
    ("education_premises", "kronor", "input", gettext_noop("Education: premises"), "", EDUCATION),
    ("education_other", "kronor", "input", gettext_noop("Education: other costs"), "", EDUCATION),
    ("research_received", "kronor", "prefilled", gettext_noop("FO-ALF received"), gettext_noop("From the published allocation."), RESEARCH),
    ("research_personnel", "kronor", "input", gettext_noop("Research: personnel"), "", RESEARCH),
    ("research_premises", "kronor", "input", gettext_noop("Research: premises"), "", RESEARCH),
    ("research_other", "kronor", "input", gettext_noop("Research: other costs"), "", RESEARCH),
    (
        "education_result",
        "kronor",
        "computed",
        gettext_noop("Education result"),
        gettext_noop("Received minus costs (positive: surplus)."),
        RESULT,
    ),
    (
        "research_result",
        "kronor",
        "computed",
        gettext_noop("Research result"),
        gettext_noop("Received minus costs (positive: surplus)."),
        RESULT,
    ),
    (
        "repayment_due",
        "date",
        "computed",
        gettext_noop("Repayment due"),
        gettext_noop("31 March of the following year when a surplus is not carried over."),
        RESULT,
    ),
    ("carry_over_requested", "kronor", "input", gettext_noop("Carry-over requested"), gettext_noop("At most the surplus."), RESULT),
    (
        "carry_over_justification",
        "text",
        "input",
        gettext_noop("Justification for carry-over"),
        gettext_noop("Required when carry-over is requested."),
        RESULT,
    ),
    ("research_open_calls_pct", "percent", "input", gettext_noop("FO-ALF by open calls (%)"), "", DISTRIBUTION),
    ("research_indicators_pct", "percent", "input", gettext_noop("FO-ALF by indicators (%)"), "", DISTRIBUTION),
    (
        "research_strategic_pct",
        "percent",
        "input",
        gettext_noop("FO-ALF by strategic decisions (%)"),
        gettext_noop("The three shares sum to exactly 100."),
        DISTRIBUTION,
    ),
    ("primary_care_share_pct", "percent", "input", gettext_noop("Share of FO-ALF to primary-care research (%)"), "", DISTRIBUTION),
    ("planned_hst", "number", "prefilled", gettext_noop("Planned full-year students"), gettext_noop("From the registry."), FACTS),
    ("enrolled_hst", "number", "input", gettext_noop("Full-year students enrolled"), "", FACTS),
    ("doctoral_degrees", "integer", "input", gettext_noop("Doctoral degrees in medicine"), "", FACTS),
    ("physicians_phd_share_pct", "percent", "input", gettext_noop("Physicians with a PhD (%)"), "", FACTS),
    ("education_own_funding", "kronor", "input", gettext_noop("Own funding of education"), "", OWN),
    ("research_own_funding", "kronor", "input", gettext_noop("Own funding of research"), "", OWN),
    ("joint_resources_beyond_alf", "kronor", "input", gettext_noop("Joint resources beyond ALF"), "", OWN),
    (
        "scb_rd_alf",
        "kronor",
        "input",
        gettext_noop("R&D financed by ALF as reported to SCB"),
        gettext_noop("Optional; every other year."),
        OWN,
    ),
    ("use_narrative", "text", "input", gettext_noop("How the ALF money was used"), "", TEXTS),
    ("development_areas", "text", "input", gettext_noop("Development areas"), "", TEXTS),
    ("cooperation", "text", "input", gettext_noop("Cooperation with the university"), "", TEXTS),
]

# What an empty number means, per field (FormField.required): these must be filled in before
# submission (0 typed when there is none): the costs, the distribution of FO-ALF, and the facts
# compared nationally. Every other number may stay empty and then counts as 0 in the rules:
# carry-over requested (none), own funding and joint resources (none), SCB's R&D figure
# (reported every other year), and the prefilled and computed fields the system fills.
REQUIRED_2024 = frozenset(
    {
        "education_personnel",
        "education_premises",
        "education_other",
        "research_personnel",
        "research_premises",
        "research_other",
        "research_open_calls_pct",
        "research_indicators_pct",
        "research_strategic_pct",
        "primary_care_share_pct",
        "enrolled_hst",
        "doctoral_degrees",
        "physicians_phd_share_pct",
    }
)

NON_NEGATIVE = [c for c, kind, source, *_ in FIELDS_2024 if kind in ("kronor", "number", "integer", "percent") and source == "input"]
PERCENTS = [c for c, kind, *_ in FIELDS_2024 if kind == "percent"]


# The cost-deviation warnings apply as soon as any cost is entered: an empty cost counts as 0,
# so one huge cost with the others empty is a deviation, not a skipped rule.
COST_ENTERED = "filled({kind}_personnel) + filled({kind}_premises) + filled({kind}_other) >= 1"
OLD_COST_CONDITION = "filled({kind}_personnel) = 1"


def builtin_rules() -> list[dict]:
    """The spec's six rules as rows (rule 1 is one row per field, so each error names its field).

    Long because it is the rules written out as data, one after the other as the spec numbers
    them; split, a reader would jump between helpers to see the six.
    """
    rules = [
        {
            "name": f"non-negative-{code}".replace("_", "-"),
            "left": code,
            "operator": ">=",
            "right": "0",
            "condition": f"filled({code}) = 1",
            "severity": "error",
            "message": gettext_noop("Must not be negative."),
            "fields": [code],
        }
        for code in NON_NEGATIVE
    ]
    rules += [
        {
            "name": f"at-most-100-{code}".replace("_", "-"),
            "left": code,
            "operator": "<=",
            "right": "100",
            "condition": "",
            "severity": "error",
            "message": gettext_noop("A percentage is at most 100."),
            "fields": [code],
        }
        for code in PERCENTS
    ]
    rules += [
        {
            "name": "distribution-sums-to-100",
            "left": "research_open_calls_pct + research_indicators_pct + research_strategic_pct",
            "operator": "=",
            "right": "100",
            "condition": "",
            "severity": "error",
            "message": gettext_noop("The distribution of FO-ALF must sum to exactly 100 %."),
            "fields": ["research_open_calls_pct", "research_indicators_pct", "research_strategic_pct"],
        },
        {
            "name": "carry-over-at-most-surplus",
            "left": "carry_over_requested",
            "operator": "<=",
            "right": "max(education_result, 0) + max(research_result, 0)",
            "condition": "",
            "severity": "error",
            "message": gettext_noop("Carry-over may be at most the surplus."),
            "fields": ["carry_over_requested"],
        },
        {
            "name": "carry-over-justified",
            "left": "filled(carry_over_justification)",
            "operator": "=",
            "right": "1",
            "condition": "carry_over_requested > 0",
            "severity": "error",
            "message": gettext_noop("Justify the carry-over requested."),
            "fields": ["carry_over_justification"],
        },
        {
            "name": "education-close-to-received",
            "left": "abs(education_received - education_personnel - education_premises - education_other)",
            "operator": "<=",
            "right": "5% * education_received",
            "condition": COST_ENTERED.format(kind="education"),
            "severity": "warning",
            "message": gettext_noop("Education costs differ from the money received by more than 5 %: comment."),
            "fields": ["education_personnel", "education_premises", "education_other"],
        },
        {
            "name": "research-close-to-received",
            "left": "abs(research_received - research_personnel - research_premises - research_other)",
            "operator": "<=",
            "right": "5% * research_received",
            "condition": COST_ENTERED.format(kind="research"),
            "severity": "warning",
            "message": gettext_noop("Research costs differ from the money received by more than 5 %: comment."),
            "fields": ["research_personnel", "research_premises", "research_other"],
        },
        {
            "name": "enrolled-close-to-planned",
            "left": "abs(enrolled_hst - planned_hst)",
            "operator": "<=",
            "right": "10% * planned_hst",
            "condition": "filled(enrolled_hst) = 1",
            "severity": "warning",
            "message": gettext_noop("Enrolled students differ from the planned by more than 10 %: comment."),
            "fields": ["enrolled_hst"],
        },
    ]
    return rules


def install(*, apps=None, years=(2024, 2025)) -> None:
    """Create the forms of `years` (the 2024 definition) and the built-in rules; idempotent.

    Used by the data migration (with the historical `apps`) and by the demo.
    """
    registry = apps or global_apps
    definition_model = registry.get_model("reporting", "FormDefinition")
    field_model = registry.get_model("reporting", "FormField")
    rule_model = registry.get_model("reporting", "ValidationRule")
    # The first data migration runs before fields knew whether they are required.
    typed = any(f.name == "required" for f in field_model._meta.get_fields())
    for year in years:
        definition, _created = definition_model.objects.get_or_create(year=year, defaults={"deadline": f"{year + 1}-01-25"})
        existing = set(field_model.objects.filter(definition=definition).values_list("code", flat=True))
        field_model.objects.bulk_create(
            [
                field_model(
                    definition=definition,
                    code=code,
                    kind=kind,
                    source=source,
                    label=label,
                    help_text=help_text,
                    section=section,
                    order=i * 10,
                    **({"required": code in REQUIRED_2024} if typed else {}),
                )
                for i, (code, kind, source, label, help_text, section) in enumerate(FIELDS_2024, start=1)
                if code not in existing
            ]
        )
    known = set(rule_model.objects.values_list("name", flat=True))
    rule_model.objects.bulk_create([rule_model(**rule) for rule in builtin_rules() if rule["name"] not in known])


def upgrade_to_typed(*, apps) -> None:
    """Mark the spec's required fields and widen the cost warnings' condition (rules still as
    shipped only: a rule an administrator edited is left as it is)."""
    field_model = apps.get_model("reporting", "FormField")
    rule_model = apps.get_model("reporting", "ValidationRule")
    field_model.objects.filter(code__in=REQUIRED_2024, source="input").update(required=True)
    for kind in ("education", "research"):
        rule_model.objects.filter(name=f"{kind}-close-to-received", condition=OLD_COST_CONDITION.format(kind=kind)).update(
            condition=COST_ENTERED.format(kind=kind)
        )
