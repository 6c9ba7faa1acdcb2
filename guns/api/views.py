import django_filters
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alfadmin.api.filters import FilterSet, IntegerFilter
from alfadmin.api.permissions import predicate_permission
from alfadmin.http import acting_user
from guns import permissions, selectors, services
from guns.models import Decision, GunsMember, year_error, year_in_agreement

from .serializers import (
    DecisionSerializer,
    GunsMemberSerializer,
    MeetingSerializer,
    OutcomeSerializer,
    PotSerializer,
    ScheduleSerializer,
    StepSerializer,
)


class GunsMemberFilter(FilterSet):
    region = django_filters.CharFilter(field_name="region__code", lookup_expr="iexact")

    class Meta:
        model = GunsMember
        fields = ["region", "side", "role", "is_chair"]


class GunsMemberViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The members and substitutes holding the fourteen seats; writes: administrators."""

    serializer_class = GunsMemberSerializer
    permission_classes = [predicate_permission(read=permissions.can_view_guns, write=permissions.can_manage_members)]
    filterset_class = GunsMemberFilter
    ordering_fields = ["region__code", "side"]

    def get_queryset(self):
        return selectors.member_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.member_create(actor=acting_user(self.request.user), **serializer.to_service())

    def perform_update(self, serializer):
        serializer.instance = services.member_update(
            actor=acting_user(self.request.user),
            member=serializer.instance,
            changes=serializer.to_service(),
            expected_version=serializer.validated_data.get("version"),
        )


class MeetingViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingSerializer
    permission_classes = [predicate_permission(read=permissions.can_view_guns, write=permissions.can_edit_meetings)]
    filterset_fields = ["date"]

    def get_queryset(self):
        return selectors.meeting_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.meeting_create(actor=acting_user(self.request.user), **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        attendees = data.pop("attendees", None)
        serializer.instance = services.meeting_update(
            actor=acting_user(self.request.user), meeting=serializer.instance, changes=data, attendees=attendees, expected_version=version
        )


class DecisionFilter(FilterSet):
    year = IntegerFilter(field_name="meeting__date", lookup_expr="year", min_value=1900, max_value=2200)
    q = django_filters.CharFilter(method="search")

    class Meta:
        model = Decision
        fields = ["kind", "state", "meeting", "pot_year", "year", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value))


class DecisionViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Motions; transitions are actions (schedule, adopt, reject, refer-back, withdraw)."""

    serializer_class = DecisionSerializer
    permission_classes = [predicate_permission(read=permissions.can_view_guns, write=permissions.can_draft)]
    filterset_class = DecisionFilter

    def get_queryset(self):
        return selectors.decision_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.decision_create(actor=acting_user(self.request.user), **serializer.to_service())

    def update(self, request, *args, **kwargs):
        # The role first, then the body: a role that may not edit this draft gets 403, never
        # the body's validation errors (a final decision keeps the service's clearer 409).
        decision = self.get_object()
        if not decision.is_final and not permissions.can_edit_decision(request.user, decision):
            raise PermissionDenied
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        serializer.instance = services.decision_update(
            actor=acting_user(self.request.user),
            decision=serializer.instance,
            changes=serializer.to_service(),
            expected_version=serializer.validated_data.get("version"),
        )

    def _permitted(self, request, name: str) -> None:
        """The step's predicate before its body is read: a role that may not take it gets 403."""
        if not services.TRANSITIONS[name].allowed(request.user, self.get_object()):
            raise PermissionDenied

    def _transition(self, request, name: str, **kwargs):
        decision = self.get_object()
        decision = services.decision_transition(actor=request.user, decision=decision, action=name, **kwargs)
        return Response(self.get_serializer(selectors.decision_list(user=request.user).get(pk=decision.pk)).data)

    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        self._permitted(request, "schedule")
        body = ScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._transition(
            request, "schedule", meeting=body.validated_data["meeting"], expected_version=body.validated_data.get("version")
        )

    def _outcome(self, request, name: str):
        self._permitted(request, name)
        body = OutcomeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self._transition(
            request, name, consensus=data.get("consensus"), votes=data.get("votes"), expected_version=data.get("version")
        )

    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        return self._outcome(request, "adopt")

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._outcome(request, "reject")

    def _step(self, request, name: str):
        self._permitted(request, name)
        body = StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._transition(request, name, expected_version=body.validated_data.get("version"))

    @extend_schema(request=StepSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"], url_path="refer-back")
    def refer_back(self, request, pk=None):
        return self._step(request, "refer_back")

    @extend_schema(request=StepSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(request, "withdraw")


class PotView(APIView):
    """`GET /api/v1/guns/pot/?year=Y`: the pot's figures in kronor."""

    permission_classes = [predicate_permission(read=permissions.can_view_guns, write=lambda user: False)]

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=True, description="The pot year.")],
        responses={200: PotSerializer, 400: OpenApiResponse(description="No or a malformed year, or one outside the agreement's years.")},
    )
    def get(self, request):
        try:
            year = int(request.query_params["year"])
        except (KeyError, ValueError) as error:
            raise ValidationError({"year": [_("Give the year as ?year=YYYY.")]}) from error
        if not year_in_agreement(year):
            raise ValidationError({"year": [year_error(year)]})
        figures = selectors.pot_year(user=request.user, year=year)
        return Response(PotSerializer(figures.as_api()).data, status=status.HTTP_200_OK)
