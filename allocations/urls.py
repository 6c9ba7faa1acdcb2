from django.urls import path

from . import views

app_name = "allocations"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("live/", views.live, name="live"),
    path("regions/<str:code>/", views.region, name="region"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("<int:year>/export.csv", views.export_csv, name="export-csv"),
    path("<int:year>/export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("<int:year>/publish/", views.publish, name="publish"),
    path("<int:year>/confirm/", views.confirm, name="confirm"),
    path("<int:year>/reopen/", views.reopen, name="reopen"),
]
