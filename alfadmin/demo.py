"""Demo data for the core registry, from alfadmin/demo_data/alf_figures.json (with provenance).

Idempotent: rows are matched by their natural keys and updated in place.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from .models import AgreementPeriod, BudgetYear, Region, ResearchShare, Role, ShareTable, StudentCount, University, User

FIGURES = Path(__file__).parent / "demo_data" / "alf_figures.json"
DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo credential (docs/interfaces.md), created by load_demo only

DEMO_USERS: list[dict[str, Any]] = [
    {"username": "admin", "role": Role.ADMIN, "first_name": "Anna", "last_name": "Administratör", "is_superuser": True},
    {"username": "guns", "role": Role.GUNS, "first_name": "Gustav", "last_name": "Ordförande"},
    {"username": "guns2", "role": Role.GUNS, "first_name": "Greta", "last_name": "Ledamot"},
    {"username": "vr", "role": Role.VR, "first_name": "Vera", "last_name": "Vetenskapsråd"},
    {"username": "sth", "role": Role.REPORTER, "region": "STH", "first_name": "Stina", "last_name": "Stockholm"},
    {"username": "ore", "role": Role.REPORTER, "region": "ORE", "first_name": "Örjan", "last_name": "Örebro"},
    {"username": "viewer", "role": Role.VIEWER, "first_name": "Vilma", "last_name": "Läsare"},
]


def figures() -> dict[str, Any]:
    return json.loads(FIGURES.read_text(encoding="utf-8"))


def _upsert(model, lookup: dict, values: dict):
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if not created:
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        for k in changed:
            setattr(obj, k, values[k])
        if changed:
            obj.save(update_fields=changed)
    return obj


def _sync_many(model, key: tuple[str, ...], rows: list[tuple[dict, dict]]) -> None:
    """Upsert many rows by a natural key in a handful of queries (history kept for new rows)."""
    from simple_history.utils import bulk_create_with_history

    def key_of(values: dict) -> tuple:
        return tuple(getattr(values[k], "pk", values[k]) for k in key)

    wanted = {key_of(lookup): (lookup, values) for lookup, values in rows}
    existing = {tuple(getattr(obj, f"{k}_id", None) or getattr(obj, k) for k in key): obj for obj in model.objects.all()}
    missing = [model(**lookup, **values) for k, (lookup, values) in wanted.items() if k not in existing]
    if missing:
        bulk_create_with_history(missing, model)
    for k, (_lookup, values) in wanted.items():
        obj = existing.get(k)
        if obj is None:
            continue
        changed = [f for f, v in values.items() if getattr(obj, f) != v]
        if changed:
            for f in changed:
                setattr(obj, f, values[f])
            obj.save(update_fields=changed)


@transaction.atomic
def load() -> None:
    """Load (or bring up to date) the demo registry and the demo users.

    Long because it is one block per table in the order the rows depend on each other
    (universities, regions, periods, years, share tables, students, users); split, each helper
    would run once, only in this order, and the reader would have to hop between them.
    """
    data = figures()
    universities = {
        u["code"]: _upsert(University, {"code": u["code"]}, {"name": u["name"], "source": u["source"]}) for u in data["universities"]
    }
    regions = {
        r["code"]: _upsert(
            Region, {"code": r["code"]}, {"name": r["name"], "university": universities[r["university"]], "source": r["source"]}
        )
        for r in data["regions"]
    }
    decimal_fields = {f.name for f in AgreementPeriod._meta.fields if f.get_internal_type() == "DecimalField"}
    periods = []
    for spec in data["agreement_periods"]:
        p = dict(spec)
        periods.append(_upsert(AgreementPeriod, {"name": p.pop("name")}, {k: Decimal(v) if k in decimal_fields else v for k, v in p.items()}))
    _sync_many(
        BudgetYear,
        ("year",),
        [
            (
                {"year": y["year"]},
                {
                    "period": next(p for p in periods if p.contains(y["year"])),
                    "research_appropriation": y["research_appropriation"],
                    "education_appropriation": y.get("education_appropriation"),
                    "education_basis": y["education_basis"],
                    "rate_per_hst": Decimal(y["rate_per_hst"]) if y.get("rate_per_hst") else None,
                    "plo_rate": Decimal(y["plo_rate"]),
                    "base_fraction": Decimal(y["base_fraction"]) if y.get("base_fraction") else None,
                    "is_projection": y["is_projection"],
                    "source": y["source"],
                },
            )
            for y in data["budget_years"]
        ],
    )
    for t in data["share_tables"]:
        table = _upsert(ShareTable, {"kind": t["kind"]}, {"name": t["name"], "source": t["source"]})
        for code, percent in t["shares"].items():
            _upsert(ResearchShare, {"table": table, "region": regions[code]}, {"percent": Decimal(percent)})
    _sync_many(
        StudentCount,
        ("region", "year"),
        [
            (
                {"region": regions[s["region"]], "year": s["year"]},
                {
                    "planned_hst": Decimal(s["planned"]),
                    "actual_hst": Decimal(s["actual"]) if s.get("actual") else None,
                    "source": s["source"],
                },
            )
            for s in data["students"]
        ],
    )
    for spec in DEMO_USERS:
        spec = dict(spec)
        region_code = spec.pop("region", None)
        user = _upsert(
            User,
            {"username": spec.pop("username")},
            {
                **spec,
                "region": regions[region_code] if region_code else None,
                "is_staff": spec.get("is_superuser", False),
                "is_active": True,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
