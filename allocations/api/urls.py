"""Allocations under /api/v1/ (included by alfadmin/api/urls.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("allocation-runs", views.AllocationRunViewSet, basename="allocation-run")

urlpatterns = [
    path("allocations/", views.YearAllocationView.as_view(), name="allocations"),
    path("allocations/<int:year>/publish/", views.PublicationView.as_view(action_name="publish"), name="allocation-publish"),
    path("allocations/<int:year>/confirm/", views.PublicationView.as_view(action_name="confirm"), name="allocation-confirm"),
    path("allocations/<int:year>/reopen/", views.PublicationView.as_view(action_name="reopen"), name="allocation-reopen"),
    path("scenarios/compute/", views.ScenarioComputeView.as_view(), name="scenario-compute"),
    path("", include(router.urls)),
]
