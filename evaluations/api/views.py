"""Evaluation rounds, ratings and bibliometrics over the API.

Reads for every signed-in user, scoped by the selectors (drafts only for VR staff and
administrators, and a reporter's own region); writes for VR staff and administrators, through
the services; reopening a finalized round for administrators only.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from alfadmin.api.filters import FilterSet, IntegerFilter
from alfadmin.api.permissions import predicate_permission

from .. import permissions, selectors, services
from ..models import Bibliometrics, EvaluationRound, PanelRating, Rating
from .serializers import (
    PANEL_CHOICES,
    BibliometricsSerializer,
    BibliometricsUpdateSerializer,
    EvaluationRoundInputSerializer,
    EvaluationRoundSerializer,
    FinalizeSerializer,
    FindingsSerializer,
    RatingCreateSerializer,
    RatingSerializer,
    RatingUpdateSerializer,
    ReopenSerializer,
)

EvaluationPermission = predicate_permission(read=permissions.can_view_evaluations, write=permissions.can_edit_evaluations)


class YearCoveredFilter(IntegerFilter):
    """`?year=Y`: rows whose years include Y."""

    def __init__(self, *, start: str, end: str, **kwargs):
        self.start, self.end = start, end
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(Q(**{f"{self.start}__lte": value}) & Q(**{f"{self.end}__gte": value}))


class EvaluationRoundFilter(FilterSet):
    year = YearCoveredFilter(start="applies_from", end="applies_to", label=_("Budget year the round applies to"))

    class Meta:
        model = EvaluationRound
        fields = ["status", "model", "name", "year"]


class EvaluationRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rounds with their panels. `POST …/{id}/finalize/` locks a round and recomputes its years;
    `POST …/{id}/reopen/` (administrators, with a reason) makes it a draft again."""

    serializer_class = EvaluationRoundSerializer
    permission_classes = [EvaluationPermission]
    filterset_class = EvaluationRoundFilter
    ordering_fields = ["applies_from", "name"]

    def get_queryset(self):
        return selectors.round_list(user=self.request.user).order_by("-applies_from", "-pk")

    @extend_schema(request=EvaluationRoundInputSerializer, responses=EvaluationRoundSerializer)
    def create(self, request):
        serializer = EvaluationRoundInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        data.pop("reason", None)
        panels = data.pop("panels", None)
        created = services.evaluation_round_create(actor=request.user, data=data, panels=panels)
        return Response(EvaluationRoundSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EvaluationRoundInputSerializer, responses=EvaluationRoundSerializer)
    def partial_update(self, request, pk=None):
        evaluation_round = self.get_object()
        serializer = EvaluationRoundInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        panels = data.pop("panels", None)
        reason = data.pop("reason", "")
        updated = services.evaluation_round_update(
            actor=request.user, evaluation_round=evaluation_round, expected_version=version, data=data, panels=panels, reason=reason
        )
        return Response(EvaluationRoundSerializer(selectors.round_as_stored(user=request.user, round_id=updated.pk)).data)

    @extend_schema(request=FinalizeSerializer, responses=EvaluationRoundSerializer)
    @action(detail=True, methods=["post"])
    def finalize(self, request, pk=None):
        evaluation_round = self.get_object()
        serializer = FinalizeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = services.evaluation_round_finalize(
            actor=request.user, evaluation_round=evaluation_round, expected_version=serializer.validated_data.get("version")
        )
        return Response(EvaluationRoundSerializer(selectors.round_as_stored(user=request.user, round_id=updated.pk)).data)

    @extend_schema(request=ReopenSerializer, responses=EvaluationRoundSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        if not permissions.can_reopen_evaluation(request.user):
            raise PermissionDenied
        evaluation_round = self.get_object()
        serializer = ReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = services.evaluation_round_reopen(
            actor=request.user,
            evaluation_round=evaluation_round,
            reason=serializer.validated_data["reason"],
            expected_version=serializer.validated_data.get("version"),
        )
        return Response(EvaluationRoundSerializer(selectors.round_as_stored(user=request.user, round_id=updated.pk)).data)

    @extend_schema(methods=["GET"], responses=FindingsSerializer(many=True))
    @extend_schema(methods=["POST"], request=FindingsSerializer, responses=FindingsSerializer)
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def findings(self, request, pk=None):
        """GET: the round's findings per region (as visible to you); POST: set one region's."""
        evaluation_round = self.get_object()
        if request.method == "POST":
            serializer = FindingsSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            values = dict(serializer.validated_data)
            region = values.pop("region")
            values.pop("source", None)
            reason = values.pop("reason", "")
            version = values.pop("version", None)
            saved = services.findings_set(
                actor=request.user, evaluation_round=evaluation_round, region=region, values=values, reason=reason, expected_version=version
            )
            return Response(FindingsSerializer(saved).data)
        rows = selectors.findings_list(user=request.user).filter(evaluation_round=evaluation_round)
        return Response(FindingsSerializer(rows, many=True).data)


class RatingFilter(FilterSet):
    round = IntegerFilter(field_name="evaluation_round_id")
    region = django_filters.CharFilter(field_name="region__code", lookup_expr="iexact")
    panel = django_filters.ChoiceFilter(choices=PANEL_CHOICES)
    rating = django_filters.ChoiceFilter(choices=Rating.choices)
    status = django_filters.ChoiceFilter(field_name="evaluation_round__status", choices=EvaluationRound.Status.choices)
    year = YearCoveredFilter(
        start="evaluation_round__applies_from", end="evaluation_round__applies_to", label=_("Budget year the round applies to")
    )

    class Meta:
        model = PanelRating
        fields = ["round", "region", "panel", "rating", "status", "year"]


class RatingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RatingSerializer
    permission_classes = [EvaluationPermission]
    filterset_class = RatingFilter
    ordering_fields = ["region__code", "panel"]

    def get_queryset(self):
        return selectors.rating_list(user=self.request.user)

    @extend_schema(request=RatingCreateSerializer, responses=RatingSerializer)
    def create(self, request):
        serializer = RatingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        rating = services.rating_set(
            actor=request.user,
            evaluation_round=d["evaluation_round"],
            region=d["region"],
            panel=d["panel"],
            rating=d["rating"],
            justification=d.get("justification", ""),
            source=d.get("source"),
            reason=d.get("reason", ""),
        )
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RatingUpdateSerializer, responses=RatingSerializer)
    def partial_update(self, request, pk=None):
        current = self.get_object()
        serializer = RatingUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        rating = services.rating_set(
            actor=request.user,
            evaluation_round=current.evaluation_round,
            region=current.region,
            panel=current.panel,
            rating=d.get("rating", current.rating),
            justification=d.get("justification", current.justification),
            expected_version=d.get("version"),
            source=d.get("source"),
            reason=d.get("reason", ""),
        )
        return Response(RatingSerializer(rating).data)

    def destroy(self, request, pk=None):
        # The reason comes in the body ({"reason": …}) or, for clients that send no body with DELETE, as ?reason=.
        reason = request.data.get("reason") if hasattr(request.data, "get") else None
        services.rating_delete(actor=request.user, rating=self.get_object(), reason=str(reason or request.query_params.get("reason", "")))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BibliometricsFilter(FilterSet):
    round = IntegerFilter(field_name="evaluation_round_id")
    region = django_filters.CharFilter(field_name="region__code", lookup_expr="iexact")
    year = YearCoveredFilter(start="period_start", end="period_end", label=_("Publication year within the period"))

    class Meta:
        model = Bibliometrics
        fields = ["round", "region", "year", "period_start", "period_end", "source"]


class BibliometricsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = BibliometricsSerializer
    permission_classes = [EvaluationPermission]
    filterset_class = BibliometricsFilter
    ordering_fields = ["period_start", "region__code"]

    def get_queryset(self):
        return selectors.bibliometrics_list(user=self.request.user)

    def create(self, request):
        serializer = BibliometricsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.bibliometrics_create(actor=request.user, data=serializer.validated_data)
        return Response(BibliometricsSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BibliometricsUpdateSerializer, responses=BibliometricsSerializer)
    def partial_update(self, request, pk=None):
        row = self.get_object()
        serializer = BibliometricsUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        reason = data.pop("reason", "")
        row = services.bibliometrics_update(actor=request.user, bibliometrics=row, expected_version=version, data=data, reason=reason)
        return Response(BibliometricsSerializer(row).data)
