"""Saved scenarios under /api/v1/scenarios/ (docs/interfaces.md "Scenarios, comparisons and explanations").

Every signed-in user reads every saved scenario (shared by link); only the owner changes one;
the owner or an administrator deletes it (allocations.permissions). Writes go through
allocations.services.scenarios: an invalid scenario is a 400 naming the field
(`scenario.research.shares.STH`), a stale `version` a 409. Saving never changes stored
allocations. Bodies are read exactly (decimals never pass through binary floating point).
"""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from alfadmin.api.filters import FilterSet
from alfadmin.api.permissions import predicate_permission
from alfadmin.models import User
from alfrules.errors import ScenarioError

from .. import permissions, selectors, services
from ..analysis.differences import scenario_baseline_run, scenario_difference
from ..models import SavedScenario
from .analysis import ScenarioDiffSerializer, difference_body
from .parsers import ExactJSONParser

SavedScenarioPermission = predicate_permission(read=permissions.can_view_saved_scenario, write=permissions.can_save_scenarios)


@extend_schema_field(OpenApiTypes.ANY)
class _PassThrough(serializers.Field):
    """A JSON value kept as parsed (decimals stay `Decimal`); the engine validates the content."""

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class SavedScenarioSerializer(serializers.ModelSerializer):
    owner: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    scenario = serializers.JSONField(help_text="An docs/allocation-scenario.md document (exact decimals as strings).")
    result = serializers.JSONField(read_only=True, help_text="The engine's output for `scenario`, without the trace.")

    class Meta:
        model = SavedScenario
        fields = ["id", "name", "description", "owner", "base_year", "scenario", "result", "version", "created_at", "updated_at"]
        read_only_fields = fields


class SavedScenarioWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    base_year = serializers.IntegerField(min_value=1900, max_value=2200)
    scenario = serializers.DictField(child=_PassThrough(), help_text="An docs/allocation-scenario.md document.")
    version = serializers.IntegerField(required=False, help_text="The version you edited (409 if someone saved since).")


class SavedScenarioFilter(FilterSet):
    owner = django_filters.CharFilter(field_name="owner__username", help_text="Username of the owner.")

    class Meta:
        model = SavedScenario
        fields = ["owner", "base_year"]


@extend_schema_view(
    list=extend_schema(summary="Saved scenarios (every signed-in user reads all)"),
    retrieve=extend_schema(summary="One saved scenario"),
    create=extend_schema(
        summary="Save a scenario",
        request=SavedScenarioWriteSerializer,
        responses={201: SavedScenarioSerializer, 400: OpenApiResponse(description="Field errors, e.g. `scenario.research.shares`.")},
    ),
    update=extend_schema(
        summary="Replace a saved scenario (owner only)",
        request=SavedScenarioWriteSerializer,
        responses={200: SavedScenarioSerializer, 403: None, 409: OpenApiResponse(description="Stale version.")},
    ),
    partial_update=extend_schema(
        summary="Change a saved scenario (owner only)",
        request=SavedScenarioWriteSerializer,
        responses={200: SavedScenarioSerializer, 403: None, 409: OpenApiResponse(description="Stale version.")},
    ),
    destroy=extend_schema(summary="Delete a saved scenario (owner or administrator)", responses={204: None, 403: None}),
)
class SavedScenarioViewSet(viewsets.ModelViewSet):
    """Saved what-if scenarios with the engine's result for each."""

    serializer_class = SavedScenarioSerializer
    permission_classes = [SavedScenarioPermission]
    parser_classes = [ExactJSONParser]
    filterset_class = SavedScenarioFilter
    ordering_fields = ["updated_at", "created_at", "name", "id"]

    def get_queryset(self):
        return selectors.saved_scenario_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = SavedScenarioWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        saved = services.saved_scenario_create(
            actor=request.user, name=data["name"], description=data["description"], base_year=data["base_year"], scenario=data["scenario"]
        )
        return Response(SavedScenarioSerializer(saved).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        saved = self.get_object()
        if not permissions.can_edit_saved_scenario(request.user, saved):
            raise PermissionDenied
        serializer = SavedScenarioWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        saved = services.saved_scenario_update(actor=request.user, saved_scenario=saved, expected_version=version, data=data)
        return Response(SavedScenarioSerializer(saved).data)

    @extend_schema(
        summary="Why the scenario differs from its baseline, by cause",
        description=(
            "Each region's difference (education + research, whole kronor) between the base year's current run under the "
            "scenario's model and the scenario, split by cause with exact Shapley values; the causes sum exactly to the difference."
        ),
        responses={
            200: ScenarioDiffSerializer,
            400: OpenApiResponse(description="The scenario cannot be compared with its baseline."),
            404: OpenApiResponse(description="No such scenario, or its base year has no current run."),
        },
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        saved = self.get_object()
        baseline = scenario_baseline_run(saved_scenario=saved)
        if baseline is None:
            raise NotFound(f"{saved.base_year} has no current allocation to compare with")
        try:
            difference = scenario_difference(saved_scenario=saved, baseline=baseline)
        except ScenarioError as error:
            raise ValidationError({"scenario": [str(error)]}) from None
        return Response({"scenario": saved.pk, "from_run": baseline.pk, **difference_body(difference)})

    def destroy(self, request, *args, **kwargs):
        saved = self.get_object()
        if not permissions.can_delete_saved_scenario(request.user, saved):
            raise PermissionDenied
        services.saved_scenario_delete(actor=request.user, saved_scenario=saved)
        return Response(status=status.HTTP_204_NO_CONTENT)
