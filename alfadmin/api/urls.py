"""`/api/v1/`: every app registers its collections on the one router here."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
# Prefixed: the registry's pages are named `region-detail` and `university-detail`.
router.register("regions", views.RegionViewSet, basename="api-region")
router.register("universities", views.UniversityViewSet, basename="api-university")
router.register("students", views.StudentCountViewSet, basename="student")
router.register("appropriations", views.AppropriationViewSet, basename="appropriation")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("allocations.api.urls")),
    path("", include("evaluations.api.urls")),
    path("", include("guns.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include(router.urls)),
    # Last: unknown addresses ending in a slash (without one, APPEND_SLASH still redirects).
    re_path(r"^[\s\S]*/$", views.not_found, name="api-not-found"),
]
