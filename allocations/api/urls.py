"""Allocations under /api/v1/ (included by alfadmin/api/urls.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import analysis, scenarios, views

router = SimpleRouter()
router.register("allocation-runs", views.AllocationRunViewSet, basename="allocation-run")
router.register("scenarios", scenarios.SavedScenarioViewSet, basename="saved-scenario")

urlpatterns = [
    path("allocations/", views.YearAllocationView.as_view(), name="allocations"),
    path("allocations/diff/", analysis.DiffView.as_view(), name="allocation-diff"),
    path("allocation-runs/<int:pk>/rerun/", analysis.RerunView.as_view(), name="allocation-run-rerun"),
    path("projections/", analysis.ProjectionsView.as_view(), name="projections"),
    path("risk/", analysis.RiskView.as_view(), name="risk"),
    path("allocations/<int:year>/publish/", views.PublicationView.as_view(action_name="publish"), name="allocation-publish"),
    path("allocations/<int:year>/confirm/", views.PublicationView.as_view(action_name="confirm"), name="allocation-confirm"),
    path("allocations/<int:year>/reopen/", views.PublicationView.as_view(action_name="reopen"), name="allocation-reopen"),
    path("scenarios/compute/", views.ScenarioComputeView.as_view(), name="scenario-compute"),
    path("", include(router.urls)),
]
