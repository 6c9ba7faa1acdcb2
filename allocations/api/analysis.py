"""Read-only analyses under /api/v1/: explanation diff, as-of rerun, projections, rating risk.

Nothing here changes stored data, so every signed-in user may call them (POST included:
a rerun or a risk simulation with one's own probabilities computes, it does not store).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alfadmin.api.permissions import predicate_permission
from alfadmin.validation import FIRST_YEAR, LAST_YEAR
from alfrules.errors import ScenarioError
from alfrules.inputs import Rating
from alfrules.risk import PROBABILITY_TOLERANCE, probabilities_scaled_to_one, probabilities_sum_to_one

from .. import permissions, selectors
from ..analysis.differences import Difference, runs_difference, scenarios_difference
from ..analysis.projections import ProjectedYear, ProjectionRequest, project
from ..analysis.reruns import run_rerun
from ..analysis.risk import DEFAULT_SAMPLES, MAX_SAMPLES, RiskUnavailable, year_risk
from ..models import AllocationModel
from ..switches import projection_request

AnalysisPermission = predicate_permission(read=permissions.can_analyse_allocations, write=permissions.can_analyse_allocations)


def year_field(*, required: bool = True) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, required=required)


def _run(request: Request, pk: int) -> Any:
    run = selectors.run_detail_queryset(user=request.user).filter(pk=pk).first()
    if run is None:
        raise NotFound()
    return run


# Explanation diff ----------------------------------------------------------------------------


class DiffQuery(serializers.Serializer):
    from_ = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    to = serializers.IntegerField(min_value=1, max_value=2**63 - 1)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # `from` is a keyword in Python
        return fields


class CauseSerializer(serializers.Serializer):
    cause = serializers.CharField()
    amount = serializers.IntegerField()


class RegionDiffSerializer(serializers.Serializer):
    region = serializers.CharField()
    from_ = serializers.IntegerField()
    to = serializers.IntegerField()
    difference = serializers.IntegerField()
    causes = CauseSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class DiffSerializer(serializers.Serializer):
    from_run = serializers.IntegerField()
    to_run = serializers.IntegerField()
    differing = serializers.ListField(child=serializers.CharField())
    regions = RegionDiffSerializer(many=True)


class ScenarioDiffSerializer(serializers.Serializer):
    scenario = serializers.IntegerField()
    from_run = serializers.IntegerField(help_text="the baseline: the base year's current run under the scenario's model")
    differing = serializers.ListField(child=serializers.CharField())
    regions = RegionDiffSerializer(many=True)


class DiffView(APIView):
    """Each region's difference in money (education + research) between two stored runs, split by
    cause (input group) with exact Shapley values; the causes sum exactly to the difference."""

    permission_classes = [AnalysisPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True, description="id of the earlier run"),
            OpenApiParameter("to", int, required=True, description="id of the later run"),
        ],
        responses={200: DiffSerializer, 400: OpenApiResponse(description="The runs cannot be compared."), 404: OpenApiResponse()},
    )
    def get(self, request: Request) -> Response:
        query = DiffQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        from_run, to_run = _run(request, query.validated_data["from"]), _run(request, query.validated_data["to"])
        try:
            difference = runs_difference(from_run=from_run, to_run=to_run)
        except ScenarioError as error:
            raise ValidationError({"to": [str(error)]}) from None
        return Response({"from_run": from_run.pk, "to_run": to_run.pk, **difference_body(difference)})


def difference_body(difference: Difference) -> dict[str, Any]:
    """The groups that differ and each region's difference by cause, as the diff endpoints give them."""
    return {
        "differing": list(difference.differing),
        "regions": [
            {
                "region": r.region,
                "from": r.before,
                "to": r.after,
                "difference": r.difference,
                "causes": [{"cause": cause, "amount": amount} for cause, amount in r.causes.items()],
            }
            for r in difference.regions
        ],
    }


# As-of rerun -------------------------------------------------------------------------------


class AmountDifferenceSerializer(serializers.Serializer):
    path = serializers.CharField()
    then = serializers.JSONField(allow_null=True)
    now = serializers.JSONField(allow_null=True)


class RerunSerializer(serializers.Serializer):
    run = serializers.IntegerField()
    matches = serializers.BooleanField()
    engine_version_then = serializers.CharField()
    engine_version_now = serializers.CharField()
    differences = AmountDifferenceSerializer(many=True)
    error_then = serializers.CharField(allow_blank=True)
    error_now = serializers.CharField(allow_blank=True)


class RerunView(APIView):
    """Recompute a stored run from its snapshot with today's engine; nothing is stored."""

    permission_classes = [AnalysisPermission]

    @extend_schema(request=None, responses={200: RerunSerializer, 404: OpenApiResponse()})
    def post(self, request: Request, pk: int) -> Response:
        rerun = run_rerun(run=_run(request, pk))
        return Response(
            {
                "run": rerun.run_id,
                "matches": rerun.matches,
                "engine_version_then": rerun.engine_version_then,
                "engine_version_now": rerun.engine_version_now,
                "differences": [{"path": d.path, "then": d.then, "now": d.now} for d in rerun.differences],
                "error_then": rerun.error_then,
                "error_now": rerun.error_now,
            }
        )


# Projections -------------------------------------------------------------------------------


class ProjectionQuery(serializers.Serializer):
    from_ = year_field()
    to = year_field()
    model = serializers.ChoiceField(choices=AllocationModel.choices, required=False)
    educated_region = serializers.RegexField(r"^[A-Z][A-Z0-9]{1,7}$", required=False)
    educated_from = year_field(required=False)
    educated_hst = serializers.DecimalField(max_digits=9, decimal_places=1, min_value=0, required=False)
    twelfth_term_from = year_field(required=False)
    rate_raise_from = year_field(required=False)
    rate_raise_percent = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False)
    rate_raise_per_hst = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    rate_raise_phase_years = serializers.IntegerField(min_value=1, max_value=20, required=False)
    plo = serializers.DecimalField(max_digits=7, decimal_places=5, min_value=Decimal("-0.5"), max_value=Decimal("0.5"), required=False)
    research_increase = serializers.IntegerField(min_value=0, max_value=10**12, required=False)
    explain = serializers.BooleanField(
        default=False, help_text="also split each year's difference from the year before by cause (the explanation diff), as `change`"
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def to_request(self) -> ProjectionRequest:
        try:
            return projection_request(self.validated_data)
        except ValueError as error:
            raise ValidationError({"non_field_errors": [str(error)]}) from None


class AssumptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    params = serializers.DictField()


class ProjectedYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    model = serializers.CharField()
    is_projection = serializers.BooleanField()
    regions = serializers.ListField(child=serializers.DictField(), help_text="{region, education, research, total} in kronor")
    guns = serializers.IntegerField()
    undistributed = serializers.IntegerField()
    assumptions = AssumptionSerializer(many=True)
    unavailable = serializers.DictField(child=serializers.CharField())
    change = serializers.DictField(
        required=False,
        allow_null=True,
        help_text=(
            "with explain=true: {from_year, differing, regions: [{region, from, to, difference, causes}]} against the year "
            "before, or {from_year, error} when the two cannot be compared; null for the first year"
        ),
    )


class ProjectionsView(APIView):
    """Per year and region, the education and research money under the chosen model and the
    memo's proposals (one query parameter per switch), with the assumptions listed."""

    permission_classes = [AnalysisPermission]

    @extend_schema(
        parameters=[ProjectionQuery],
        responses={200: ProjectedYearSerializer(many=True), 400: OpenApiResponse(description="A parameter is malformed or the switches do not fit together.")},
    )
    def get(self, request: Request) -> Response:
        query = ProjectionQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        years = project(request=query.to_request())
        data = [projected_year_data(year) for year in years]
        if query.validated_data["explain"]:
            for item, earlier, later in zip(data, [None, *years], years, strict=False):
                item["change"] = None if earlier is None or earlier.year != later.year - 1 else _year_change(earlier, later)
        return Response(data)


def _year_change(earlier: ProjectedYear, later: ProjectedYear) -> dict[str, Any]:
    try:
        difference = scenarios_difference(before=earlier.scenario, after=later.scenario)
    except ScenarioError as error:
        return {"from_year": earlier.year, "error": str(error)}
    return {"from_year": earlier.year, **difference_body(difference)}


def projected_year_data(year: ProjectedYear) -> dict[str, Any]:
    return {
        "year": year.year,
        "model": year.model,
        "is_projection": year.is_projection,
        "regions": [
            {"region": code, "education": year.education.get(code, 0), "research": year.research.get(code, 0), "total": year.total(code)}
            for code in year.regions
        ],
        "guns": year.guns,
        "undistributed": year.undistributed,
        "assumptions": [{"code": a.code, "params": _plain(dict(a.params))} for a in year.assumptions],
        "unavailable": year.unavailable,
    }


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {key: str(value) if not isinstance(value, int | str | list) else value for key, value in params.items()}


# Rating risk -------------------------------------------------------------------------------


class RiskQuery(serializers.Serializer):
    year = year_field()
    samples = serializers.IntegerField(min_value=1, max_value=MAX_SAMPLES, default=DEFAULT_SAMPLES)
    model = serializers.ChoiceField(choices=AllocationModel.choices, required=False)
    seed = serializers.IntegerField(min_value=0, max_value=2**32 - 1, default=0)
    research_increase = serializers.IntegerField(min_value=0, max_value=10**12, default=0, help_text="kronor added to the research appropriation, as in the projections")


class RiskBody(RiskQuery):
    probabilities = serializers.DictField(
        child=serializers.DictField(child=serializers.DictField(child=serializers.FloatField(min_value=0, max_value=1))),
        help_text=(
            f'region → panel ("1"–"3") → rating → probability; each panel\'s three sum to 1 '
            f"(within {PROBABILITY_TOLERANCE}, then scaled to exactly 1)"
        ),
    )

    def validate_probabilities(self, value: dict[str, Any]) -> dict[str, dict[int, dict[Rating, float]]]:
        parsed: dict[str, dict[int, dict[Rating, float]]] = {}
        for region, panels in value.items():
            if set(panels) != {"1", "2", "3"}:
                raise serializers.ValidationError(f"{region}: give panels 1, 2 and 3")
            parsed[region] = {}
            for panel, ratings in panels.items():
                try:
                    chances = {Rating(code): chance for code, chance in ratings.items()}
                except ValueError:
                    raise serializers.ValidationError(f"{region} panel {panel}: ratings are inadequate, good_high, very_high") from None
                if not probabilities_sum_to_one(chances.values()):
                    raise serializers.ValidationError(f"{region} panel {panel}: the probabilities must sum to 1")
                # As the risk page does: within the tolerance, scaled to sum to exactly 1.
                parsed[region][int(panel)] = dict(zip(chances, probabilities_scaled_to_one(list(chances.values())), strict=True))
        return parsed


class RegionRiskSerializer(serializers.Serializer):
    region = serializers.CharField()
    today = serializers.IntegerField()
    median = serializers.IntegerField()
    p5 = serializers.IntegerField()
    p95 = serializers.IntegerField()


class RiskSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    model = serializers.CharField()
    samples = serializers.IntegerField()
    seed = serializers.IntegerField()
    research_increase = serializers.IntegerField()
    rounds = serializers.ListField(child=serializers.CharField())
    probabilities = serializers.DictField()
    regions = RegionRiskSerializer(many=True)
    single_step_changes = serializers.ListField(child=serializers.DictField())


class RiskView(APIView):
    """Each region's research money over rating outcomes of the next round (median, 5th and 95th
    percentile), and under every single-step rating change. GET uses the default probabilities
    (the last two rounds); POST takes your own."""

    permission_classes = [AnalysisPermission]

    @extend_schema(parameters=[RiskQuery], responses={200: RiskSerializer, 400: OpenApiResponse(description="No research inputs.")})
    def get(self, request: Request) -> Response:
        query = RiskQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return self._report(query.validated_data)

    @extend_schema(request=RiskBody, responses={200: RiskSerializer, 400: OpenApiResponse(description="Bad probabilities.")})
    def post(self, request: Request) -> Response:
        body = RiskBody(data=request.data)
        body.is_valid(raise_exception=True)
        return self._report(body.validated_data)

    def _report(self, data: dict[str, Any]) -> Response:
        try:
            report = year_risk(
                year=data["year"],
                samples=data["samples"],
                model=data.get("model"),
                probabilities=data.get("probabilities"),
                seed=data["seed"],
                research_increase=data["research_increase"],
            )
        except RiskUnavailable as error:
            raise ValidationError({"year": [str(error)]}) from None
        except ValueError as error:
            raise ValidationError({"probabilities": [str(error)]}) from None
        return Response(
            {
                "year": report.year,
                "model": report.model,
                "samples": report.samples,
                "seed": report.seed,
                "research_increase": report.research_increase,
                "rounds": list(report.rounds),
                "probabilities": {
                    code: {str(panel): {rating.value: chance for rating, chance in ratings.items()} for panel, ratings in panels.items()}
                    for code, panels in report.probabilities.items()
                },
                "regions": [
                    {"region": o.region, "today": o.today, "median": o.risk.median, "p5": o.risk.p5, "p95": o.risk.p95} for o in report.regions
                ],
                "single_step_changes": [
                    {
                        "region": c.region,
                        "panel": c.panel,
                        "before": c.before.value,
                        "after": c.after.value,
                        "research": dict(c.research) if c.research is not None else None,
                        "invalid": c.invalid,
                    }
                    for c in report.changes.changes
                ],
            },
            status=status.HTTP_200_OK,
        )
