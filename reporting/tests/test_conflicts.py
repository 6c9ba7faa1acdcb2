"""Edit conflicts lose nothing: after a 409 the page keeps the user's input with the version it was
based on and shows, per value, yours, the stored one and who stored it when; a blind second save
is refused again; once every changed input has a choice the save applies it and every input
nobody else touched."""

import pytest
from django.urls import reverse

from alfadmin.kernel.errors import ConcurrentEditError
from reporting import services
from reporting.models import ReportValue

from .conftest import fill

pytestmark = pytest.mark.django_db


def stored(report):
    return {v.code: v.value for v in ReportValue.objects.filter(report=report)}


def page_form(client, report):
    """Every input of the report page as the browser would post it (values only)."""
    page = client.get(reverse("reporting:report", args=[report.pk]))
    data = {"version": page.context["form_version"], "action": "save"}
    for _section, rows in page.context["sections"]:
        for row in rows:
            if row["field"].editable:
                data[f"value-{row['field'].code}"] = row["value"]
    return data


def test_a_stale_page_save_keeps_my_input_and_version_and_names_each_value(client, people, sth_report):
    url = reverse("reporting:report", args=[sth_report.pk])
    client.force_login(people["sth"])
    tab_a = page_form(client, sth_report)
    base = tab_a["version"]
    # Tab B (the administrator) saves two fields.
    client.force_login(people["admin"])
    tab_b = page_form(client, sth_report)
    tab_b.update({"value-education_personnel": "500", "value-education_premises": "60"})
    assert client.post(url, tab_b).status_code == 302
    # Tab A, still at the old version, typed a premises figure of its own and a degree count.
    client.force_login(people["sth"])
    tab_a.update({"value-education_premises": "70", "value-doctoral_degrees": "9"})
    refused = client.post(url, tab_a)
    assert refused.status_code == 409
    body = refused.content.decode()
    assert f'<input type="hidden" name="version" value="{base}">' in body
    assert 'name="value-education_premises" value="70"' in body
    assert 'name="value-doctoral_degrees" value="9"' in body
    rows = {row["name"]: row for row in refused.context["conflict"]["rows"]}
    assert refused.context["conflict"]["version"] == base + 1
    assert {name: (r["then"], r["yours"], r["theirs"], r["by"], r["choosable"]) for name, r in rows.items()} == {
        "education_personnel": ("", "", "500", "t-admin", True),
        "education_premises": ("", "70", "60", "t-admin", True),
        "education_result": ("", "", "-560", "t-admin", False),
    }
    assert rows["education_personnel"]["at"] is not None
    # Left as it was: "take theirs" preselected; changed by both: no choice until the user makes one.
    assert (rows["education_personnel"]["choice"], rows["education_premises"]["choice"]) == ("theirs", "")
    assert 'name="conflict_version" value="%s"' % (base + 1) in body
    assert stored(sth_report)["education_premises"] == "60"
    assert "doctoral_degrees" not in stored(sth_report)

    # A blind second save (the same form again) is refused again; nothing of B's is lost.
    again = client.post(url, tab_a)
    assert again.status_code == 409
    # Choosing for one field only is not enough either.
    partial = {
        **tab_a,
        "conflict_version": base + 1,
        "conflict_fields": ["education_personnel", "education_premises"],
        "resolve_education_personnel": "theirs",
    }
    assert client.post(url, partial).status_code == 409
    assert (stored(sth_report)["education_personnel"], stored(sth_report)["education_premises"]) == ("500", "60")

    # Every changed input chosen: mine for premises, theirs for personnel; the degree count
    # (nobody else touched it) is applied.
    resolved = {**partial, "resolve_education_premises": "mine"}
    assert client.post(url, resolved).status_code == 302
    after = stored(sth_report)
    assert (after["education_personnel"], after["education_premises"], after["doctoral_degrees"]) == ("500", "70", "9")


def test_a_conflict_resolved_after_a_third_save_is_refused_again(client, people, sth_report):
    url = reverse("reporting:report", args=[sth_report.pk])
    client.force_login(people["sth"])
    tab_a = page_form(client, sth_report)
    base = tab_a["version"]
    services.report_update(report=sth_report, values={"education_other": "40"}, expected_version=base, actor=people["admin"])
    tab_a["value-education_other"] = "41"
    conflict = client.post(url, tab_a).context["conflict"]
    services.report_update(report=sth_report, values={"education_other": "42"}, expected_version=conflict["version"], actor=people["admin"])
    chosen = {
        **tab_a,
        "conflict_version": conflict["version"],
        "conflict_fields": ["education_other"],
        "resolve_education_other": "mine",
    }
    again = client.post(url, chosen)
    assert again.status_code == 409
    rows = {row["name"]: row for row in again.context["conflict"]["rows"]}
    assert (rows["education_other"]["then"], rows["education_other"]["theirs"], rows["education_other"]["choice"]) == ("40", "42", "mine")
    assert stored(sth_report)["education_other"] == "42"


def test_a_stale_api_save_is_409_naming_each_value_then_and_now_and_who(api_client, people, sth_report):
    base = sth_report.version
    services.report_update(report=sth_report, values={"education_personnel": "5 000"}, expected_version=base, actor=people["admin"])
    api_client.force_authenticate(people["sth"])
    stale = api_client.patch(f"/api/v1/reports/{sth_report.pk}/", {"values": {"education_personnel": "7"}, "version": base}, format="json")
    assert stale.status_code == 409
    change = stale.json()["changed"]["education_personnel"]
    assert (change["old"], change["new"], change["by"]) == ("", "5000", "t-admin")
    assert change["label"] and change["at"]
    assert stored(sth_report)["education_personnel"] == "5000"


def test_a_comment_changed_meanwhile_is_named_as_the_comment(people, sth_report):
    from alfadmin.kernel.errors import ConcurrentEditError

    base = sth_report.version
    services.report_update(
        report=sth_report, values={}, comments={"education_other": "Engångskostnad"}, expected_version=base, actor=people["admin"]
    )
    with pytest.raises(ConcurrentEditError) as raised:
        services.report_update(report=sth_report, values={"doctoral_degrees": "1"}, expected_version=base, actor=people["sth"])
    assert set(raised.value.changed) == {"comment-education_other"}
    assert (raised.value.changed["comment-education_other"]["old"], raised.value.changed["comment-education_other"]["new"]) == (
        "",
        "Engångskostnad",
    )


def test_choices_made_stand_when_the_resolved_save_has_a_bad_number(client, people, sth_report):
    url = reverse("reporting:report", args=[sth_report.pk])
    client.force_login(people["sth"])
    tab_a = page_form(client, sth_report)
    services.report_update(report=sth_report, values={"education_other": "40"}, expected_version=tab_a["version"], actor=people["admin"])
    tab_a["value-education_other"] = "41"
    conflict = client.post(url, tab_a).context["conflict"]
    chosen = {
        **tab_a,
        "value-doctoral_degrees": "1e400",
        "conflict_version": conflict["version"],
        "conflict_fields": ["education_other"],
        "resolve_education_other": "mine",
    }
    refused = client.post(url, chosen)
    assert refused.status_code == 400
    assert refused.context["form_version"] == conflict["version"]
    assert stored(sth_report)["education_other"] == "40"
    fixed = {**tab_a, "version": conflict["version"], "value-doctoral_degrees": "3"}
    assert client.post(url, fixed).status_code == 302
    assert (stored(sth_report)["education_other"], stored(sth_report)["doctoral_degrees"]) == ("41", "3")


def test_the_swedish_page_shows_numbers_as_swedes_type_them_and_saving_them_back_changes_nothing(client, people, sth_report):
    url = reverse("reporting:report", args=[sth_report.pk])
    client.force_login(people["sth"])
    services.report_update(
        report=sth_report,
        values={"education_personnel": "33000000", "primary_care_share_pct": "12.5"},
        expected_version=sth_report.version,
        actor=people["sth"],
    )
    page = page_form(client, sth_report)
    assert (page["value-education_personnel"], page["value-primary_care_share_pct"]) == ("33 000 000", "12,5")
    before = stored(sth_report)
    assert client.post(url, page).status_code == 302
    assert stored(sth_report) == before


def test_stale_save_after_a_state_change_alone_names_the_state_and_who(sth_report, people):
    report = services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    base = report.version
    services.report_return(report=report, actor=people["admin"], comment="Check premises")
    with pytest.raises(ConcurrentEditError) as raised:
        services.report_update(report=report, values={"education_other": "7"}, expected_version=base, actor=people["sth"])
    state = raised.value.changed["state"]
    assert set(raised.value.changed) == {"state"}
    assert (state["label"], state["by"], state["old"], state["new"]) == ("status", "t-admin", "submitted", "returned")
    assert state["at"]


def test_stale_api_save_after_a_state_change_is_409_naming_the_state(api_client, sth_report, people):
    report = services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    base = report.version
    services.report_return(report=report, actor=people["admin"], comment="Check premises")
    api_client.force_authenticate(people["sth"])
    stale = api_client.patch(f"/api/v1/reports/{report.pk}/", {"values": {"doctoral_degrees": "8"}, "version": base}, format="json")
    assert stale.status_code == 409
    state = stale.json()["changed"]["state"]
    assert {k: state[k] for k in ("by", "old", "new")} == {"by": "t-admin", "old": "submitted", "new": "returned"}


def test_stale_page_save_after_a_state_change_shows_who(client, sth_report, people):
    report = services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    base = report.version
    services.report_return(report=report, actor=people["admin"], comment="Check premises")
    client.force_login(people["sth"])
    response = client.post(reverse("reporting:report", args=[report.pk]), {"version": base, "value-doctoral_degrees": "6"})
    body = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="state-conflict"' in body and "t-admin" in body
