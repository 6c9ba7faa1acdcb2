from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("guns/members", views.GunsMemberViewSet, basename="guns-member")

urlpatterns = router.urls
