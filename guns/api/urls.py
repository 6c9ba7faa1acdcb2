from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("guns/members", views.GunsMemberViewSet, basename="guns-member")
router.register("guns/meetings", views.MeetingViewSet, basename="guns-meeting")
router.register("guns/decisions", views.DecisionViewSet, basename="guns-decision")

urlpatterns = [path("guns/pot/", views.PotView.as_view(), name="guns-pot"), *router.urls]
