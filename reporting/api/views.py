from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from alfadmin.api.filters import FilterSet, IntegerFilter
from reporting import permissions, selectors, services
from reporting.models import Report

from .serializers import ActionSerializer, OpenYearSerializer, ReopenSerializer, ReportPatchSerializer, ReportSerializer, ReturnSerializer


class ReportFilter(FilterSet):
    region = django_filters.CharFilter(field_name="region__code", lookup_expr="iexact")
    year = IntegerFilter(field_name="definition__year")

    class Meta:
        model = Report
        fields = ["region", "year", "state"]


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The regions' annual reports (docs/annual-report.md). A reporter sees only its own region's."""

    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = ReportFilter
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    def _allowed(self, predicate, report: Report) -> None:
        if not predicate(self.request.user, report):
            raise PermissionDenied

    def _respond(self, report: Report) -> Response:
        report = self.get_queryset().get(pk=report.pk)
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data)

    def partial_update(self, request, pk=None):
        report = self.get_object()
        self._allowed(permissions.can_edit_report, report)
        data = ReportPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_update(
            report=report,
            values=data.validated_data["values"],
            comments=data.validated_data["comments"],
            expected_version=data.validated_data["version"],
            actor=request.user,
        )
        return self._respond(report)

    def _version(self, request) -> int | None:
        data = ActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data.get("version")

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        self._allowed(permissions.can_submit_report, report)
        try:
            report = services.report_submit(report=report, actor=request.user, expected_version=self._version(request))
        except services.SubmissionRefused as refused:
            outcome = refused.outcome
            failing = [{"rule": f.rule, "severity": f.severity, "fields": f.fields, "message": f.message} for f in outcome.errors]
            failing += [{"rule": f.rule, "severity": f.severity, "fields": f.fields, "message": f.message} for f in outcome.uncommented]
            return Response({"detail": refused.messages[0], "rules": failing}, status=status.HTTP_400_BAD_REQUEST)
        return self._respond(report)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        report = self.get_object()
        self._allowed(permissions.can_review_report, report)
        return self._respond(services.report_approve(report=report, actor=request.user, expected_version=self._version(request)))

    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        report = self.get_object()
        self._allowed(permissions.can_review_report, report)
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(services.report_return(report=report, actor=request.user, comment=data.validated_data["comment"], expected_version=data.validated_data.get("version")))

    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        report = self.get_object()
        self._allowed(permissions.can_review_report, report)
        data = ReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(services.report_reopen(report=report, actor=request.user, reason=data.validated_data["reason"], expected_version=data.validated_data.get("version")))

    @action(detail=False, methods=["post"], url_path="open-year")
    def open_year(self, request):
        """Additive to docs/interfaces.md: open a year for every active region (administrators).

        `{"year": Y, "deadline"?: "YYYY-MM-DD"}` → 201 when something was created, else 200
        (idempotent), with the ids of the reports opened now and of those already open."""
        if not permissions.can_manage_forms(request.user):
            raise PermissionDenied
        data = OpenYearSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        opened = services.year_open(year=data.validated_data["year"], actor=request.user, deadline=data.validated_data.get("deadline"))
        body = {
            "year": opened.definition.year,
            "deadline": opened.definition.deadline.isoformat(),
            "form_created": opened.created,
            "opened": [r.pk for r in opened.opened],
            "existing": sorted(r.pk for r in opened.existing),
        }
        return Response(body, status=status.HTTP_201_CREATED if opened.created or opened.opened else status.HTTP_200_OK)
