"""Registry collections: regions, students, appropriations (budget years)."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from alfadmin import selectors, services

from .permissions import RegistryPermission
from .serializers import (
    BudgetYearSerializer,
    BudgetYearUpdateSerializer,
    RegionSerializer,
    RegionUpdateSerializer,
    StudentCountSerializer,
    StudentCountUpdateSerializer,
)


class TokenView(ObtainAuthToken):
    """`POST {"username", "password"}` → `{"token": …}`; then `Authorization: Token …`."""


def _split_version(data: dict) -> tuple[int | None, dict]:
    data = dict(data)
    data.pop("reason", None)
    return data.pop("version", None), data


def _reason(serializer) -> str:
    return serializer.validated_data.get("reason", "")


class RegionFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = RegionSerializer.Meta.model
        fields = ["code", "is_active"]


class RegionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RegionSerializer
    permission_classes = [RegistryPermission]
    filterset_class = RegionFilter
    lookup_field = "code"
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return selectors.region_list(user=self.request.user)

    @extend_schema(request=RegionUpdateSerializer, responses=RegionSerializer)
    def partial_update(self, request, code=None):
        region = self.get_object()
        serializer = RegionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version, data = _split_version(serializer.validated_data)
        region = services.region_update(actor=request.user, region=region, expected_version=version, data=data, reason=_reason(serializer))
        return Response(RegionSerializer(region).data)


class StudentCountFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", lookup_expr="iexact")
    year_from = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_to = django_filters.NumberFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = StudentCountSerializer.Meta.model
        fields = ["region", "year", "year_from", "year_to", "source"]


class StudentCountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = StudentCountSerializer
    permission_classes = [RegistryPermission]
    filterset_class = StudentCountFilter
    ordering_fields = ["year", "region__code"]

    def get_queryset(self):
        return selectors.student_count_list(user=self.request.user)

    def create(self, request):
        serializer = StudentCountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = services.student_count_create(actor=request.user, data=serializer.validated_data)
        return Response(StudentCountSerializer(count).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StudentCountUpdateSerializer, responses=StudentCountSerializer)
    def partial_update(self, request, pk=None):
        count = self.get_object()
        serializer = StudentCountUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        version, data = _split_version(serializer.validated_data)
        count = services.student_count_update(
            actor=request.user, student_count=count, expected_version=version, data=data, reason=_reason(serializer)
        )
        return Response(StudentCountSerializer(count).data)


class BudgetYearFilter(django_filters.FilterSet):
    year_from = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_to = django_filters.NumberFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = BudgetYearSerializer.Meta.model
        fields = ["year", "year_from", "year_to", "is_projection", "education_basis"]


class AppropriationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Budget years: the education and research appropriations, rate per hst, PLO."""

    serializer_class = BudgetYearSerializer
    permission_classes = [RegistryPermission]
    filterset_class = BudgetYearFilter
    lookup_field = "year"
    ordering_fields = ["year"]

    def get_queryset(self):
        return selectors.budget_year_list(user=self.request.user)

    def create(self, request):
        serializer = BudgetYearSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        budget_year = services.budget_year_create(actor=request.user, data=serializer.validated_data)
        return Response(BudgetYearSerializer(budget_year).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BudgetYearUpdateSerializer, responses=BudgetYearSerializer)
    def partial_update(self, request, year=None):
        budget_year = self.get_object()
        serializer = BudgetYearUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        version, data = _split_version(serializer.validated_data)
        budget_year = services.budget_year_update(
            actor=request.user, budget_year=budget_year, expected_version=version, data=data, reason=_reason(serializer)
        )
        return Response(BudgetYearSerializer(budget_year).data)
