from django.urls import path

from . import views

app_name = "guns"
urlpatterns = [
    path("", views.index, name="index"),
]
