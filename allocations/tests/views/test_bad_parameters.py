"""Bad years on the allocation, evaluation and registry pages and API are a 400 or 404 (or the
page's default year), never a 500."""

import pytest

BAD_YEARS = ["abc", "99999", "1900", "99999999999999999999"]

EXPECTED = {
    "/allocations/?year={}": [200, 200, 200, 200],  # falls back to the default year
    "/allocations/runs/?year={}": [200, 200, 200, 200],  # an unknown year filters nothing in
    "/allocations/diff/?year={}": [404, 404, 404, 404],
    "/allocations/risk/?year={}": [400, 404, 404, 404],
    "/allocations/{}/export.csv": [404, 404, 404, 404],
    "/allocations/{}/export.xlsx": [404, 404, 404, 404],
    "/allocations/projections/why/?year={}": [404, 404, 404, 404],
    "/evaluations/?year={}": [200, 200, 200, 200],
    "/data/years/{}/edit/": [404, 404, 404, 404],
    "/api/v1/allocations/?year={}": [400, 400, 404, 400],
}


@pytest.mark.parametrize("url", EXPECTED)
def test_bad_years_are_refused_never_a_500(client, role_users, url):
    client.force_login(role_users["admin"])
    assert [client.get(url.format(year)).status_code for year in BAD_YEARS] == EXPECTED[url]
