import django_filters
from rest_framework import mixins, viewsets

from alfadmin import permissions
from alfadmin.api.filters import FilterSet
from alfadmin.api.permissions import predicate_permission
from guns import selectors
from guns.models import GunsMember

from .serializers import GunsMemberSerializer


class GunsMemberFilter(FilterSet):
    region = django_filters.CharFilter(field_name="region__code", lookup_expr="iexact")

    class Meta:
        model = GunsMember
        fields = ["region", "side", "is_chair"]


class GunsMemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The fourteen GUNS members: one from each ALF region and one from its university."""

    serializer_class = GunsMemberSerializer
    permission_classes = [predicate_permission(read=permissions.is_signed_in, write=permissions.can_manage_guns)]
    filterset_class = GunsMemberFilter
    ordering_fields = ["region__code", "side"]

    def get_queryset(self):
        return selectors.member_list(user=self.request.user)
