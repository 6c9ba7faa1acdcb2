from __future__ import annotations

import pytest

from alfadmin.models import Role
from reporting import services

from .factories import RegionFactory, UserFactory


@pytest.fixture
def region_pair(db):
    return RegionFactory(code="STH"), RegionFactory(code="ORE")


@pytest.fixture
def people(region_pair):
    sth, ore = region_pair
    return {
        "admin": UserFactory(username="t-admin", role=Role.ADMIN),
        "guns": UserFactory(username="t-guns", role=Role.GUNS),
        "vr": UserFactory(username="t-vr", role=Role.VR),
        "viewer": UserFactory(username="t-viewer", role=Role.VIEWER),
        "sth": UserFactory(username="t-sth", role=Role.REPORTER, region=sth),
        "ore": UserFactory(username="t-ore", role=Role.REPORTER, region=ore),
    }


@pytest.fixture
def sth_report(people, region_pair):
    return services.report_open(region=region_pair[0], year=2024, actor=people["admin"])


@pytest.fixture
def ore_report(people, region_pair):
    return services.report_open(region=region_pair[1], year=2024, actor=people["admin"])


GOOD = {
    "education_personnel": "700",
    "education_premises": "100",
    "education_other": "200",
    "research_personnel": "1400",
    "research_premises": "200",
    "research_other": "400",
    "research_open_calls_pct": "50",
    "research_indicators_pct": "30",
    "research_strategic_pct": "20",
    "primary_care_share_pct": "5",
    "enrolled_hst": "100",
    "doctoral_degrees": "10",
    "physicians_phd_share_pct": "12",
}


def fill(report, actor, **overrides):
    """A complete, valid report (received 1000 / 2000, planned hst 100), with `overrides`."""
    from reporting.models import ReportValue

    for code, columns in (
        ("education_received", {"amount": 1000}),
        ("research_received", {"amount": 2000}),
        ("planned_hst", {"number": 100}),
    ):
        ReportValue.objects.update_or_create(report=report, code=code, defaults=columns)
    report.refresh_from_db()
    return services.report_update(report=report, values={**GOOD, **overrides}, expected_version=report.version, actor=actor)
