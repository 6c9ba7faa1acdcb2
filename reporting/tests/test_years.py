"""Opening a year, editing its form (fields, deadline), last year's value beside a renamed field,
the reminder log: services, pages and `POST /api/v1/reports/open-year/`, with access matrices."""

import datetime

import pytest
from django.urls import reverse

from alfadmin.kernel.errors import ConcurrentEditError, LockedError
from reporting import selectors, services
from reporting.models import FormDefinition, FormField, ReminderSent, Report, ReportValue

from .conftest import fill
from .factories import RegionFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/reports/open-year/"


def test_opening_a_year_copies_the_form_and_opens_a_draft_per_active_region(people, region_pair):
    RegionFactory(code="OLD", is_active=False)
    definition_2025 = FormDefinition.objects.get(year=2025)
    FormField.objects.create(definition=definition_2025, code="extra_question", kind="text", label="Extra", section="S", order=999)
    opened = services.year_open(year=2026, actor=people["admin"])
    assert opened.created and opened.definition.deadline == datetime.date(2027, 1, 25)
    codes_2026 = list(opened.definition.fields.order_by("order").values_list("code", flat=True))
    assert codes_2026 == list(definition_2025.fields.order_by("order").values_list("code", flat=True))
    assert "extra_question" in codes_2026
    assert sorted(r.region.code for r in opened.opened) == ["ORE", "STH"]
    assert all(r.state == "draft" for r in opened.opened)


def test_opening_a_year_is_idempotent(people, region_pair):
    first = services.year_open(year=2026, actor=people["admin"], deadline=datetime.date(2027, 2, 1))
    versions = {r.pk: r.version for r in Report.objects.all()}
    fields = FormField.objects.filter(definition=first.definition).count()
    again = services.year_open(year=2026, actor=people["admin"], deadline=datetime.date(2027, 2, 1))
    assert not again.created and again.opened == []
    assert sorted(r.pk for r in again.existing) == sorted(r.pk for r in first.opened)
    assert {r.pk: r.version for r in Report.objects.all()} == versions
    assert FormField.objects.filter(definition=first.definition).count() == fields
    assert Report.objects.filter(definition__year=2026).count() == 2
    # A new region joins: only its report is opened; a new deadline is set.
    RegionFactory(code="VBN")
    third = services.year_open(year=2026, actor=people["admin"], deadline=datetime.date(2027, 2, 15))
    assert [r.region.code for r in third.opened] == ["VBN"]
    assert FormDefinition.objects.get(year=2026).deadline == datetime.date(2027, 2, 15)


def test_opening_a_year_before_every_form_uses_the_spec_form(people, region_pair):
    opened = services.year_open(year=2020, actor=people["admin"])
    assert opened.definition.fields.count() == FormDefinition.objects.get(year=2024).fields.count()
    assert opened.definition.fields.filter(code="research_strategic_pct").exists()


def test_opening_a_year_queries_the_allocation_once(people, region_pair, django_assert_max_num_queries):
    services.year_open(year=2026, actor=people["admin"])
    for code in ("UPP", "OST", "SKA", "VGR", "VBN"):
        RegionFactory(code=code)
    # Five reports with their prefilled values and history rows: 71 queries measured (allocation read once).
    with django_assert_max_num_queries(80):
        opened = services.year_open(year=2026, actor=people["admin"])
    assert len(opened.opened) == 5


def test_rename_moves_this_years_answers_and_shows_last_years_value(people, region_pair, sth_report):
    fill(sth_report, people["sth"], doctoral_degrees="12")  # the 2024 report
    draft = services.report_open(region=region_pair[0], year=2025, actor=people["admin"])
    draft = services.report_update(report=draft, values={"doctoral_degrees": "14"}, expected_version=draft.version, actor=people["sth"])
    definition = FormDefinition.objects.get(year=2025)
    field = definition.fields.get(code="doctoral_degrees")
    services.field_update(
        form_field=field, data={"code": "phd_degrees_medicine"}, expected_version=definition.version, actor=people["admin"]
    )
    field.refresh_from_db()
    assert (field.code, field.renamed_from) == ("phd_degrees_medicine", "doctoral_degrees")
    stored = {row.code: row.value for row in ReportValue.objects.filter(report=draft)}
    assert stored["phd_degrees_medicine"] == "14" and "doctoral_degrees" not in stored
    assert selectors.previous_values(user=people["sth"], report=draft)["phd_degrees_medicine"] == "12"
    assert selectors.previous_values(user=people["ore"], report=draft) == {}


def test_report_page_shows_last_years_value_beside_a_renamed_field(client, people, region_pair, sth_report):
    fill(sth_report, people["sth"], doctoral_degrees="12")
    draft = services.report_open(region=region_pair[0], year=2025, actor=people["admin"])
    definition = FormDefinition.objects.get(year=2025)
    services.field_update(
        form_field=definition.fields.get(code="doctoral_degrees"),
        data={"code": "phd_degrees"},
        expected_version=definition.version,
        actor=people["admin"],
    )
    client.force_login(people["sth"])
    body = client.get(reverse("reporting:report", args=[draft.pk])).content.decode()
    start = body.index('data-field="phd_degrees"')
    assert 'data-testid="previous-value"' in body[start : body.index("</div>", start)]
    assert "12" in body[start : body.index("</div>", start)]


def test_field_edits_are_refused_once_a_report_is_submitted_and_when_stale(people, region_pair, sth_report):
    definition = FormDefinition.objects.get(year=2024)
    added = services.field_add(
        definition=definition,
        data={"code": "new_question", "kind": "text", "label": "New", "section": "S", "order": 500},
        expected_version=definition.version,
        actor=people["admin"],
    )
    assert added.source == "input"
    with pytest.raises(ConcurrentEditError):
        services.field_remove(form_field=added, expected_version=definition.version, actor=people["admin"])
    definition.refresh_from_db()
    services.field_remove(form_field=added, expected_version=definition.version, actor=people["admin"])
    assert not definition.fields.filter(code="new_question").exists()
    services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    definition.refresh_from_db()
    with pytest.raises(LockedError):
        services.field_update(
            form_field=definition.fields.get(code="doctoral_degrees"),
            data={"label": "x"},
            expected_version=definition.version,
            actor=people["admin"],
        )
    # The deadline stays editable.
    services.definition_update(
        definition=definition, deadline=datetime.date(2025, 2, 1), expected_version=definition.version, actor=people["admin"]
    )
    assert FormDefinition.objects.get(year=2024).deadline == datetime.date(2025, 2, 1)


def test_system_fields_keep_their_code(people, region_pair):
    definition = FormDefinition.objects.get(year=2025)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.field_update(
            form_field=definition.fields.get(code="education_received"),
            data={"code": "gu_alf_received"},
            expected_version=definition.version,
            actor=people["admin"],
        )


# Pages: anonymous to the login page, every role but the administrators 403, admin 200.
PAGE_EXPECTED = {"anonymous": 302, "sth": 403, "guns": 403, "vr": 403, "viewer": 403, "admin": 200}


@pytest.mark.parametrize("role", list(PAGE_EXPECTED))
@pytest.mark.parametrize("page", ["years", "year", "field-new", "field-edit"])
def test_page_access_matrix(client, people, role, page):
    definition = FormDefinition.objects.get(year=2025)
    args = {
        "years": [],
        "year": [2025],
        "field-new": [2025],
        "field-edit": [2025, definition.fields.get(code="doctoral_degrees").pk],
    }[page]
    if role != "anonymous":
        client.force_login(people[role])
    assert client.get(reverse(f"reporting:{page}", args=args)).status_code == PAGE_EXPECTED[role]
    if role not in ("anonymous", "admin"):
        assert client.post(reverse("reporting:years"), {"year": 2026}).status_code == 403
        assert not FormDefinition.objects.filter(year=2026).exists()


def test_missing_year_and_field_of_another_year_are_404(client, people):
    client.force_login(people["admin"])
    assert client.get(reverse("reporting:year", args=[1999])).status_code == 404
    other = FormDefinition.objects.get(year=2024).fields.first()
    assert client.get(reverse("reporting:field-edit", args=[2025, other.pk])).status_code == 404


def test_admin_opens_a_year_and_edits_its_form_in_pages(client, people, region_pair):
    client.force_login(people["admin"])
    response = client.post(reverse("reporting:years"), {"year": 2026, "deadline": "2027-01-31"})
    assert response.status_code == 302 and response["Location"] == reverse("reporting:year", args=[2026])
    assert client.post(reverse("reporting:years"), {"year": 2026}).status_code == 302  # again: nothing new
    assert Report.objects.filter(definition__year=2026).count() == 2
    definition = FormDefinition.objects.get(year=2026)
    assert definition.deadline == datetime.date(2027, 1, 31)
    added = client.post(
        reverse("reporting:field-new", args=[2026]),
        {"code": "ai_use", "kind": "text", "label": "Use of AI", "section": "Narrative", "order": 999, "version": definition.version},
    )
    assert added.status_code == 302
    field = definition.fields.get(code="ai_use")
    definition.refresh_from_db()
    bad = client.post(
        reverse("reporting:field-edit", args=[2026, field.pk]),
        {"code": "AI-use", "label": "Use of AI", "section": "Narrative", "order": 999, "version": definition.version},
    )
    assert bad.status_code == 400
    stale = client.post(
        reverse("reporting:field-edit", args=[2026, field.pk]),
        {"code": "ai_usage", "label": "Use of AI", "section": "Narrative", "order": 999, "version": definition.version - 1},
    )
    assert stale.status_code == 409
    renamed = client.post(
        reverse("reporting:field-edit", args=[2026, field.pk]),
        {"code": "ai_usage", "label": "Use of AI", "section": "Narrative", "order": 999, "version": definition.version},
    )
    assert renamed.status_code == 302
    field.refresh_from_db()
    assert (field.code, field.renamed_from, field.kind) == ("ai_usage", "ai_use", "text")
    definition.refresh_from_db()
    deadline = client.post(reverse("reporting:year", args=[2026]), {"deadline": "2027-02-10", "version": definition.version})
    assert deadline.status_code == 302
    definition.refresh_from_db()
    stale_remove = client.post(reverse("reporting:field-edit", args=[2026, field.pk]), {"action": "remove", "version": 1})
    assert stale_remove.status_code == 409 and definition.fields.filter(pk=field.pk).exists()
    removed = client.post(reverse("reporting:field-edit", args=[2026, field.pk]), {"action": "remove", "version": definition.version})
    assert removed.status_code == 302 and not definition.fields.filter(pk=field.pk).exists()
    assert FormDefinition.objects.get(year=2026).deadline == datetime.date(2027, 2, 10)


def test_year_page_shows_the_reminder_log_in_constant_queries(client, people, region_pair, django_assert_max_num_queries):
    opened = services.year_open(year=2026, actor=people["admin"])
    for report in opened.opened:
        ReminderSent.objects.create(report=report, due_date=datetime.date(2027, 1, 11), recipients=1)
    client.force_login(people["admin"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reporting:year", args=[2026]))
    body = response.content.decode()
    assert body.count('data-testid="reminder-row"') == 2
    assert body.count('data-testid="year-report"') == 2
    assert body.count('data-testid="field-row"') == opened.definition.fields.count()
    with django_assert_max_num_queries(6):
        listing = client.get(reverse("reporting:years"))
    assert listing.content.decode().count('data-testid="definition-row"') == 3


# The API action: anonymous 401, every role but the administrators 403.
API_EXPECTED = {"anonymous": 401, "sth": 403, "guns": 403, "vr": 403, "viewer": 403}


@pytest.mark.parametrize("role", list(API_EXPECTED))
def test_open_year_api_refuses_all_but_administrators(api_client, people, role):
    if role != "anonymous":
        api_client.force_authenticate(people[role])
    assert api_client.post(API, {"year": 2026}, format="json").status_code == API_EXPECTED[role]
    assert not FormDefinition.objects.filter(year=2026).exists()


def test_open_year_api_is_idempotent(api_client, people, region_pair):
    api_client.force_authenticate(people["admin"])
    first = api_client.post(API, {"year": 2026, "deadline": "2027-01-29"}, format="json")
    assert first.status_code == 201
    body = first.json()
    assert body["year"] == 2026 and body["deadline"] == "2027-01-29" and body["form_created"] is True
    assert len(body["opened"]) == 2 and body["existing"] == []
    again = api_client.post(API, {"year": 2026}, format="json")
    assert again.status_code == 200
    assert again.json()["opened"] == [] and again.json()["existing"] == sorted(body["opened"])
    assert api_client.post(API, {"year": "soon"}, format="json").status_code == 400


def test_a_submitted_years_form_is_refused_in_pages_but_its_deadline_is_not(client, people, region_pair, sth_report):
    services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    definition = FormDefinition.objects.get(year=2024)
    field = definition.fields.get(code="doctoral_degrees")
    client.force_login(people["admin"])
    page = client.get(reverse("reporting:year", args=[2024])).content.decode()
    assert 'data-testid="fields-locked"' in page
    assert reverse("reporting:field-edit", args=[2024, field.pk]) not in page
    refused = client.post(
        reverse("reporting:field-edit", args=[2024, field.pk]),
        {"code": "phd_degrees", "label": "x", "section": "S", "order": 1, "version": definition.version},
    )
    assert refused.status_code == 409
    field.refresh_from_db()
    assert field.code == "doctoral_degrees"
    moved = client.post(reverse("reporting:year", args=[2024]), {"deadline": "2025-02-03", "version": definition.version})
    assert moved.status_code == 302


def test_the_years_link_is_shown_to_administrators_only(client, people):
    client.force_login(people["admin"])
    assert 'data-testid="years-link"' in client.get(reverse("reporting:index")).content.decode()
    client.force_login(people["sth"])
    assert 'data-testid="years-link"' not in client.get(reverse("reporting:index")).content.decode()


def test_report_page_with_last_years_values_in_constant_queries(client, people, region_pair, sth_report, django_assert_max_num_queries):
    fill(sth_report, people["sth"])
    draft = services.report_open(region=region_pair[0], year=2025, actor=people["admin"])
    client.force_login(people["sth"])
    with django_assert_max_num_queries(12):  # 9 measured, previous year's values included
        body = client.get(reverse("reporting:report", args=[draft.pk])).content.decode()
    previous = selectors.previous_values(user=people["sth"], report=draft)
    assert previous["education_personnel"] == "700" and previous["enrolled_hst"] == "100"
    assert body.count('data-testid="previous-value"') == len(previous)
