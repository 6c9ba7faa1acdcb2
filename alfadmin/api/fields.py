"""Serializer fields shared by the API packages."""

from django.utils.encoding import smart_str
from rest_framework import serializers


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's, except that a value with a NUL character is "does not exist" (a 400): PostgreSQL
    cannot even compare text with NUL, so the lookup would fail with a 500. Use it for every
    writable slug (region codes, period names)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data))
        return super().to_internal_value(data)
