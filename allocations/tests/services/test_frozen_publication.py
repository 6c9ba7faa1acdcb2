"""A published year is frozen: its publication row (but for its reopening), the runs it names
and their lines are refused by PostgreSQL itself, whatever issues the UPDATE or DELETE; the
services check who publishes, confirms and reopens, whoever calls them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from alfadmin.kernel.errors import LockedError
from alfadmin.kernel.writes import record_update
from allocations import services
from allocations.models import AllocationLine, AllocationRun, YearPublication

pytestmark = pytest.mark.django_db


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _refused(sql, params):
    with pytest.raises(IntegrityError) as error:
        _raw(sql, params)
    assert str(error.value).startswith("FROZEN")


@pytest.fixture
def published(computed, users):
    return services.year_publish(actor=users["admin2"], year=2025)


@pytest.mark.usefixtures("require_postgres")
def test_a_published_publication_refuses_raw_sql_but_its_reopening(published):
    _refused("UPDATE allocations_yearpublication SET paying_model = 'ds2024' WHERE id = %s", [published.pk])
    _refused("DELETE FROM allocations_yearpublication WHERE id = %s", [published.pk])
    _refused(
        "UPDATE allocations_yearpublication SET state = 'reopened', reopen_reason = 'x', alf2015_run_id = NULL WHERE id = %s", [published.pk]
    )
    _raw("UPDATE allocations_yearpublication SET state = 'reopened', reopen_reason = 'raw reopening', reopened_at = now() WHERE id = %s", [published.pk])
    assert YearPublication.objects.get(pk=published.pk).state == "reopened"


@pytest.mark.usefixtures("require_postgres")
def test_published_runs_and_their_lines_refuse_raw_sql(published):
    run_id = published.alf2015_run_id
    _refused("UPDATE allocations_allocationrun SET reason = 'changed' WHERE id = %s", [run_id])
    _refused("DELETE FROM allocations_allocationrun WHERE id = %s", [run_id])
    line = AllocationLine.objects.filter(run_id=run_id).order_by("pk").first()
    _refused("UPDATE allocations_allocationline SET amount = amount + 1 WHERE id = %s", [line.pk])
    _refused("DELETE FROM allocations_allocationline WHERE id = %s", [line.pk])
    assert AllocationLine.objects.get(pk=line.pk).amount == line.amount
    assert AllocationRun.objects.get(pk=run_id).reason == published.alf2015_run.reason


@pytest.mark.usefixtures("require_postgres")
def test_a_run_no_publication_names_is_not_frozen(computed):
    run = AllocationRun.objects.filter(year=2026).order_by("pk").first()
    _raw("UPDATE allocations_allocationrun SET reason = 'no publication' WHERE id = %s", [run.pk])
    assert AllocationRun.objects.get(pk=run.pk).reason == "no publication"


def test_the_write_path_refuses_a_published_publication(published, users):
    with pytest.raises(LockedError) as error:
        record_update(
            instance=published, actor=users["admin"], permitted=lambda a, r: True, expected_version=None, changes={"paying_model": "ds2024"}
        )
    assert "2025 is published and locked" in str(error.value)
    assert services.year_reopen(actor=users["admin"], year=2025, reason="a correction").state == "reopened"


@pytest.mark.parametrize("who", ["vr", "guns", "reporter", "viewer"])
def test_publication_services_check_the_role_themselves(computed, users, who):
    with pytest.raises(PermissionDenied):
        services.year_publish(actor=users[who], year=2025)
    services.year_publish(actor=users["admin2"], year=2025)
    with pytest.raises(PermissionDenied):
        services.year_reopen(actor=users[who], year=2025, reason="why")
    with pytest.raises(PermissionDenied):
        services.year_publish(actor=None, year=2026)
    assert YearPublication.objects.get(year=2025).state == "published"
    assert not YearPublication.objects.filter(year=2026).exists()
