"""`/api/v1/evaluation-rounds/`, `/api/v1/ratings/`, `/api/v1/bibliometrics/`."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("evaluation-rounds", views.EvaluationRoundViewSet, basename="evaluation-round")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("bibliometrics", views.BibliometricsViewSet, basename="bibliometrics")

urlpatterns = router.urls
