"""The admin shows the reporting models read-only: lists and pages open, nothing is added,
changed or deleted there."""

import pytest
from django.urls import reverse

from alfadmin.models import Role
from reporting.models import FormDefinition

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_reporting_models_read_only(client, people, sth_report):
    superuser = UserFactory(username="t-super", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(superuser)
    definition = FormDefinition.objects.get(year=2024)
    for name in ("formdefinition", "formfield", "report", "reportvalue", "validationrule", "remindersent"):
        assert client.get(reverse(f"admin:reporting_{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"admin:reporting_{name}_add")).status_code == 403, name
    page = client.get(reverse("admin:reporting_formdefinition_change", args=[definition.pk]))
    assert page.status_code == 200 and b'name="deadline"' not in page.content
    assert client.post(reverse("admin:reporting_report_delete", args=[sth_report.pk]), {"post": "yes"}).status_code == 403
