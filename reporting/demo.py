"""Demo annual reports: every region's 2024 report approved, 2025 drafts partly filled.

The 2025 distribution of research money is the memo's table 1.2 (VR's background report 2022);
as published Skåne's sums to 99 and Örebro's is incomplete, so both show as errors to fix.
Idempotent: reports are opened once and moved on only from the state the demo left them in.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from alfadmin.kernel.history import save_with_history
from alfadmin.kernel.writes import SYSTEM, SystemActor
from alfadmin.models import Region, Role, User

from . import definitions, services
from .models import Report

DISTRIBUTION_2025 = {
    "STH": ("50", "47", "3"),
    "UPP": ("42", "36", "22"),
    "OST": ("50", "15", "35"),
    "SKA": ("79", "0", "20"),
    "VGR": ("73", "13", "14"),
    "ORE": ("70", "0", ""),
    "VBN": ("69", "6", "24"),
}
PRIMARY_CARE = {"STH": "4", "UPP": "5", "OST": "6", "SKA": "5", "VGR": "7", "ORE": "8", "VBN": "9"}


def _split(received: str, shares=(Decimal("0.7"), Decimal("0.1"), Decimal("0.2"))) -> list[str]:
    total = Decimal(received or "0")
    parts = [int(total * s) for s in shares[:2]]
    return [str(p) for p in parts] + [str(int(total) - sum(parts))]


def _full_values(report: Report, *, distribution: tuple[str, str, str]) -> dict[str, str]:
    current = {v.code: v.value for v in report.values.all()}
    values = {}
    for kind in ("education", "research"):
        for part, amount in zip(("personnel", "premises", "other"), _split(current.get(f"{kind}_received", "")), strict=True):
            values[f"{kind}_{part}"] = amount
    values.update(
        research_open_calls_pct=distribution[0],
        research_indicators_pct=distribution[1],
        research_strategic_pct=distribution[2],
        primary_care_share_pct=PRIMARY_CARE.get(report.region.code, "5"),
        enrolled_hst=current.get("planned_hst", "") or "0",
        doctoral_degrees="40",
        physicians_phd_share_pct="12",
        education_own_funding="0",
        research_own_funding="0",
        joint_resources_beyond_alf="0",
        use_narrative="ALF-medlen användes enligt avtalet.",
    )
    return values


def _reporter_addresses(*, actor: User | SystemActor) -> None:
    """The demo reporters get example.org addresses, so reminders have someone to go to (only
    where the address is empty: an address set by hand is kept)."""
    for user in User.objects.filter(role=Role.REPORTER, email="").order_by("pk"):
        name = ".".join(slugify(part) for part in (user.first_name, user.last_name) if part) or user.username
        user.email = f"{name}@example.org"
        save_with_history(instance=user, actor=actor, reason="Demo e-mail address", update_fields=["email"])


@transaction.atomic
def load() -> None:
    definitions.install()
    admin = User.objects.filter(username="admin").first()
    actor = admin or SYSTEM
    _reporter_addresses(actor=actor)
    for region in Region.objects.filter(is_active=True).order_by("code"):
        code = region.code
        report = services.report_open(region=region, year=2024, actor=actor)
        if report.state == Report.State.DRAFT and report.version == 1:
            fixed = DISTRIBUTION_2025.get(code, ("50", "25", "25"))
            fixed = (fixed[0], fixed[1], str(100 - int(fixed[0]) - int(fixed[1])))
            report = services.report_update(
                report=report, values=_full_values(report, distribution=fixed), expected_version=report.version, actor=actor
            )
            report = services.report_submit(report=report, actor=actor)
            services.report_approve(report=report, actor=actor)
        draft = services.report_open(region=region, year=2025, actor=actor)
        if draft.state == Report.State.DRAFT and draft.version == 1:
            distribution = DISTRIBUTION_2025.get(code, ("", "", ""))
            values = {
                "research_open_calls_pct": distribution[0],
                "research_indicators_pct": distribution[1],
                "research_strategic_pct": distribution[2],
            }
            if code in ("STH", "UPP", "VGR"):
                # Costs entered for education only, well below what was received: a warning.
                values["education_personnel"] = _split(next((v.value for v in draft.values.all() if v.code == "education_received"), ""))[0]
            services.report_update(report=draft, values=values, expected_version=draft.version, actor=actor)
