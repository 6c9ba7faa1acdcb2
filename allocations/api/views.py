"""Allocations API: the current allocation of a year, stored runs, the engine on a scenario,
and publishing for administrators. Every check goes through allocations.permissions."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alfadmin.api.filters import INTEGER_RANGES, FilterSet, IntegerFilter, in_integer_range, query_integer
from alfadmin.api.permissions import predicate_permission
from alfadmin.api.schema import VALIDATION_ERROR_SCHEMA, AutoSchema, ErrorSerializer
from alfrules.errors import ScenarioError
from alfrules.scenario import compute_scenario

from .. import permissions, selectors, services
from ..models import AllocationModel, AllocationRun
from .parsers import ExactJSONParser, field_errors
from .serializers import (
    AllocationRunDetailSerializer,
    AllocationRunSerializer,
    PublicationSerializer,
    YearAllocationsSerializer,
    YearReopenSerializer,
)

AllocationPermission = predicate_permission(read=permissions.can_view_allocations, write=permissions.can_publish)
ScenarioPermission = predicate_permission(read=permissions.can_compute_scenarios, write=permissions.can_compute_scenarios)
MODELS = [m.value for m in AllocationModel]
LANGUAGES = ["en", "sv"]
LANG_PARAMETER = OpenApiParameter("lang", str, enum=LANGUAGES, required=False, description="Language of notes and trace texts (default en).")
# Years are PositiveSmallIntegerFields: a year outside their range is invalid (query) or missing (path).
YEAR_MIN, YEAR_MAX = INTEGER_RANGES["PositiveSmallIntegerField"]
YEAR_SCHEMA = {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}

# The worked example of docs/allocation-scenario.md.
EXAMPLE_SCENARIO: dict[str, Any] = {
    "year": 2024,
    "education": {"rate_per_hst": 83475, "hst": {"STH": 1000, "SKA": 800, "ORE": 200}},
    "research": {
        "model": "alf2015",
        "appropriation": 1000000000,
        "shares": {"STH": "50", "SKA": "35", "ORE": "15"},
        "params": {
            "base_fraction": "0.80",
            "panel_weights": {"1": "0.50", "2": "0.25", "3": "0.25"},
            "guarantee": "0.15",
            "cap": "0.40",
            "max_very_high": 3,
        },
        "ratings": {
            "STH": {"1": "very_high", "2": "good_high", "3": "good_high"},
            "SKA": {"1": "good_high", "2": "very_high", "3": "good_high"},
            "ORE": {"1": "good_high", "2": "good_high", "3": "inadequate"},
        },
    },
}


def _jsonable(value: Any) -> Any:
    """Decimals as their exact text (never through float), recursively."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def _example_output() -> dict[str, Any]:
    return _jsonable(compute_scenario(copy.deepcopy(EXAMPLE_SCENARIO)))


class ScenarioComputeView(APIView):
    """The engine on a scenario: the same JSON as `manage.py allocate`; nothing is stored."""

    permission_classes = [ScenarioPermission]
    parser_classes = [ExactJSONParser]
    conflicts = False  # nothing is stored: never a 409 (see alfadmin.api.schema)

    @extend_schema(
        operation_id="scenarios_compute",
        summary="Compute an allocation from a scenario",
        description=(
            "Body: a scenario as in docs/allocation-scenario.md (amounts in integer kronor, fractions as strings or "
            "numbers, read exactly). Response: exactly the JSON `manage.py allocate` prints for the same file. "
            'Invalid input: 400 with the invalid fields, e.g. `{"research.shares": ["..."]}`. '
            "`?lang=sv` gives the notes and the trace's texts in Swedish."
        ),
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[LANG_PARAMETER],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="The allocation (docs/allocation-scenario.md, Output)."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: field path → messages."),
        },
        examples=[
            OpenApiExample("Worked example (docs/allocation-scenario.md)", value=EXAMPLE_SCENARIO, request_only=True),
            OpenApiExample("Its allocation", value=_example_output(), response_only=True, status_codes=["200"]),
            OpenApiExample(
                "Invalid input",
                value={"research.shares": ["research.shares must sum to exactly 100 (got 99.9)"]},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request):
        try:
            output = compute_scenario(request.data, lang=_lang(request))
        except ScenarioError as error:
            return Response(field_errors(error), status=status.HTTP_400_BAD_REQUEST)
        return Response(_jsonable(output))


def _lang(request) -> str:
    """The language the caller asks for with `?lang=` (notes and trace texts); English by default."""
    lang = request.query_params.get("lang", "en")
    if lang not in LANGUAGES:
        raise ValidationError({"lang": [_("Use en or sv.")]})
    return lang


def _allocation_item(allocation: selectors.YearAllocation, *, lang: str) -> dict[str, Any]:
    run = allocation.run
    assert run is not None  # noqa: S101 - callers pass only allocations with a run
    return {
        "model": allocation.model,
        "role": allocation.role,
        "run": run.pk,
        "input_hash": run.input_hash,
        "engine_version": run.engine_version,
        "status": allocation.status,
        "computed_at": run.created_at,
        "education": allocation.education,
        "research": allocation.research,
        "research_unavailable": run.research_unavailable,
        "evaluation_round": (run.input_meta.get("research") or {}).get("evaluation_round"),
        "notes": allocation.notes_in(lang),
        "failed_run": allocation.failed_run.pk if allocation.failed_run else None,
    }


class YearAllocationView(APIView):
    """The current allocation of a year from stored runs."""

    permission_classes = [AllocationPermission]

    @extend_schema(
        operation_id="allocations_retrieve",
        summary="The current allocation of a year",
        description=(
            "Per model, the lines of the output schema (education and research per region, GUNS, undistributed, "
            "notes) of the year's current run, with the run's id, input hash, engine version, status and when it "
            "was computed. Without `model`, both models (alf2015 first). 404 if the year has no computed run "
            "(for the model asked for)."
        ),
        parameters=[
            OpenApiParameter("year", YEAR_SCHEMA, required=True),
            OpenApiParameter("model", str, enum=MODELS, required=False, description="Default: both models."),
            LANG_PARAMETER,
        ],
        responses={
            200: YearAllocationsSerializer,
            400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description="Missing or invalid year or model."),
            404: OpenApiResponse(ErrorSerializer, description="No run has been computed for the year (and model)."),
        },
    )
    def get(self, request):
        give_year = _("Give the year, e.g. ?year=2024.")
        year = query_integer(
            request.query_params, "year", field="PositiveSmallIntegerField", required=True, messages={"required": give_year, "invalid": give_year}
        )
        assert year is not None  # noqa: S101 - required=True
        model = request.query_params.get("model")
        lang = _lang(request)
        if model is not None and model not in MODELS:
            raise ValidationError({"model": [_("Choose one of %(models)s.") % {"models": ", ".join(MODELS)}]})
        items = []
        publication = None
        failed = None
        for name in [model] if model else MODELS:
            allocation = selectors.year_allocation(user=request.user, year=year, model=name)
            if allocation is not None and allocation.run is None and allocation.failed_run is not None:
                failed = allocation.failed_run
            if allocation is None or allocation.run is None:
                continue
            publication = allocation.publication
            items.append(_allocation_item(allocation, lang=lang))
        if not items and failed is not None:
            raise NotFound(
                _("The inputs of %(year)s could not be computed (run %(run)s): %(error)s") % {"year": year, "run": failed.pk, "error": failed.error}
            )
        if not items:
            raise NotFound(_("No allocation has been computed for %(year)s.") % {"year": year})
        data = {
            "year": year,
            "published": bool(publication and publication.is_published),
            "publication": publication,
            "allocations": items,
        }
        return Response(YearAllocationsSerializer(data).data)


class AllocationRunFilter(FilterSet):
    year_from = IntegerFilter(field_name="year", lookup_expr="gte")
    year_to = IntegerFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = AllocationRun
        fields = ["year", "year_from", "year_to", "model", "status", "trigger", "input_hash"]


class AllocationRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Stored runs, newest first: filterable by year, model and status; a run in full by id."""

    permission_classes = [AllocationPermission]
    filterset_class = AllocationRunFilter
    ordering_fields = ["created_at", "year", "id"]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.run_detail_queryset(user=self.request.user)
        return selectors.run_list(user=self.request.user)

    def get_serializer_class(self):
        return AllocationRunDetailSerializer if self.action == "retrieve" else AllocationRunSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        return {**context, "lang": _lang(self.request)} if self.action == "retrieve" else context

    @extend_schema(parameters=[LANG_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        runs = page if page is not None else list(queryset)
        current_ids = selectors.current_among(user=request.user, run_ids=[r.pk for r in runs])
        serializer = AllocationRunSerializer(runs, many=True, context={**self.get_serializer_context(), "current_ids": current_ids})
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)


PUBLICATION_DESCRIPTIONS = {
    "publish": "Publishes the year's current runs (awaits a second administrator if you changed the inputs last). No body.",
    "confirm": "A second administrator confirms the publication. No body.",
    "reopen": 'Reopens a published year: `{"reason": ...}`.',
}


class PublicationSchema(AutoSchema):
    """One view class serves three URLs (`action_name`): each documented with its own body."""

    def _action(self) -> str:
        return str(getattr(self.view, "action_name", "publish"))

    def get_request_serializer(self):
        return YearReopenSerializer if self._action() == "reopen" else None

    def get_description(self) -> str:  # type: ignore[override]  # drf-spectacular's hook takes no arguments
        return PUBLICATION_DESCRIPTIONS[self._action()]

    def get_operation_id(self):
        return f"allocations_{self._action()}"


class PublicationView(APIView):
    """Publish, confirm or reopen a year (administrators). Same rules as the pages (four-eyes)."""

    permission_classes = [AllocationPermission]
    action_name = "publish"
    schema = PublicationSchema()

    @extend_schema(
        parameters=[OpenApiParameter("year", YEAR_SCHEMA, OpenApiParameter.PATH)],
        responses={
            200: PublicationSerializer,
            400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description="The year cannot be published/confirmed/reopened now."),
            404: OpenApiResponse(ErrorSerializer, description="No such year."),
        },
    )
    def post(self, request, year: int):
        if not in_integer_range(year, field="PositiveSmallIntegerField"):
            raise NotFound(_("No allocation has been computed for %(year)s.") % {"year": year})
        if self.action_name == "publish":
            publication = services.year_publish(actor=request.user, year=year)
        elif self.action_name == "confirm":
            publication = services.year_confirm(actor=request.user, year=year)
        else:
            serializer = YearReopenSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            publication = services.year_reopen(actor=request.user, year=year, reason=serializer.validated_data["reason"])
        return Response(PublicationSerializer(publication).data)
