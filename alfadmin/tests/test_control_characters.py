"""Control characters are refused where texts are typed, naming the field: the write path checks
every text a write changes (so an older row holding one can still be edited elsewhere), and the
registry's API and admin say which field."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from alfadmin import services
from alfadmin.kernel.validators import first_control_character, no_control_characters
from alfadmin.kernel.writes import SYSTEM
from alfadmin.models import Region

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _message(field: str, code: str) -> str:
    return f"{field} contains a control character (U+{code}): remove it (it usually comes from pasting)."


def test_line_breaks_are_allowed_in_multi_line_texts_only():
    assert first_control_character("two\nlines\tand\r\n") is None
    assert first_control_character("one\tline", multi_line=False) == "\t"
    assert first_control_character("bell\u0007 and delete\u007f") == "\u0007"
    assert first_control_character("Region Örebro län, 12 % — ok") is None
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        no_control_characters("a\u000bb", field="Name")
    assert refused.value.messages == [_message("Name", "000B")]
    with pytest.raises(ValidationError) as refused_in_swedish:
        no_control_characters("a\u000bb", field="Namn")
    assert refused_in_swedish.value.messages == ["Namn innehåller ett styrtecken (U+000B): ta bort det (det kommer oftast från inklistrad text)."]


def test_the_api_refuses_a_control_character_in_a_region_name(registry_demo, api_client, role_users):
    api_client.force_authenticate(role_users["admin"])
    response = api_client.patch("/api/v1/regions/ORE/", {"name": "Region\u000bÖrebro"}, format="json", **EN)
    assert response.status_code == 400
    assert response.json() == {"name": [_message("Name", "000B")]}
    assert "\u000b" not in Region.objects.get(code="ORE").name


def test_the_admin_refuses_a_control_character_at_the_field(registry_demo, admin_client):
    region = Region.objects.get(code="ORE")
    data = {"code": "ORE", "name": "Region\u000bÖrebro", "university": region.university_id, "is_active": "on", "source": region.source}
    response = admin_client.post(f"/admin/alfadmin/region/{region.pk}/change/", {**data, "based_on_version": region.version}, **EN)
    assert response.status_code == 200  # the admin shows an invalid form again
    assert response.context["adminform"].form.errors["name"] == [_message("Name", "000B")]
    assert Region.objects.get(pk=region.pk).name == region.name


def test_an_older_row_holding_one_can_still_be_edited_in_its_other_fields(registry_demo):
    Region.objects.filter(code="ORE").update(name="Region\u000bÖrebro")  # from before the check
    region = Region.objects.get(code="ORE")
    services.region_update(actor=SYSTEM, region=region, expected_version=region.version, data={"is_active": True}, reason="test")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.region_update(actor=SYSTEM, region=region, expected_version=None, data={"name": "Region\u0000x"}, reason="test")
    assert refused.value.message_dict == {"name": [_message("Name", "0000")]}
