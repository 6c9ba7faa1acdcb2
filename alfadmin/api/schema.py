"""The OpenAPI document tells the truth: what `/api/v1/schema/` documents is what is served.

`AutoSchema` adds to every operation the error responses the API really gives (401/403 from
authentication and permissions, 400 for invalid input or filters, 404 for a missing or hidden
object or page, 409 for a stale version or a locked record, 415 for a body that cannot be
parsed as its media type), each with the JSON shape of
`alfadmin.api.exceptions`. `BoundedIntegerFilterExtension` documents the integer query
parameters of `alfadmin.api.filters` with their real bounds.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers

from .filters import IntegerFilter

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class ErrorSerializer(serializers.Serializer):
    """401, 403, 404 and most other errors: `{"detail": "..."}`."""

    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    """409: a stale version (with the current one and what changed) or a locked record (detail only)."""

    detail = serializers.CharField()
    current_version = serializers.IntegerField(required=False)
    expected_version = serializers.IntegerField(required=False)
    changed = serializers.DictField(required=False, help_text="Field → its value now, for the fields changed since your version.")


# Field errors: field name (or `non_field_errors`, `detail`, a dotted path) → messages; nested
# input gives nested objects, so the values are left open.
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {},
    "description": "Field errors: the name of each invalid field or query parameter → a list of messages.",
    "example": {"year": ["Ensure this value is less than or equal to 2147483647."]},
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema plus the error responses every operation can give."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in self._error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _error_responses(self) -> dict[str, OpenApiResponse]:
        errors: dict[str, OpenApiResponse] = {}
        view = self.view
        if (
            self.method in WRITE_METHODS
            or self._get_filter_parameters()
            or self._get_pagination_parameters()
            or self._has_query_parameters()
        ):
            errors["400"] = OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=str(_("Invalid input or query parameter.")))
        if not self._allows_anyone():
            errors["401"] = OpenApiResponse(ErrorSerializer, description=str(_("Not signed in (no or an invalid token).")))
            errors["403"] = OpenApiResponse(ErrorSerializer, description=str(_("Signed in, but not allowed to do this.")))
        if self._has_path_parameters() or self._get_pagination_parameters():
            errors["404"] = OpenApiResponse(ErrorSerializer, description=str(_("No such object (or not visible to you), or no such page.")))
        if self.method in WRITE_METHODS and getattr(view, "conflicts", True):
            errors["409"] = OpenApiResponse(ConflictSerializer, description=str(_("Based on a stale version, or the record is locked.")))
        if self.method in BODY_METHODS and self.get_request_serializer() is not None:
            errors["415"] = OpenApiResponse(
                ErrorSerializer, description=str(_("A body of a media type (or a multipart body) that cannot be read."))
            )
        return errors

    def _has_path_parameters(self) -> bool:
        return "{" in self.path

    def _has_query_parameters(self) -> bool:
        return any(getattr(p, "location", None) == "query" for p in self.get_override_parameters())

    def _allows_anyone(self) -> bool:
        classes = getattr(self.view, "permission_classes", [])
        return not classes or all(c is permissions.AllowAny for c in classes)


class BoundedIntegerFilterExtension(DjangoFilterExtension):
    """django-filter parameters as drf-spectacular documents them, with `IntegerFilter`s as
    integers within their bounds (drf-spectacular would say `number` without any)."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        if isinstance(filter_field, IntegerFilter):
            for parameter in parameters:
                parameter["schema"] = {"type": "integer", "minimum": filter_field.min_value, "maximum": filter_field.max_value}
        return parameters
