from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_create, name="round-create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round-edit"),
    path("rounds/<int:pk>/grid/", views.round_grid, name="round-grid"),
    path("rounds/<int:pk>/grid/check/", views.round_grid_check, name="round-grid-check"),
    path("rounds/<int:pk>/finalize/", views.round_finalize, name="round-finalize"),
    path("rounds/<int:pk>/reopen/", views.round_reopen, name="round-reopen"),
    path("rounds/<int:pk>/follow-up/", views.round_follow_up, name="round-follow-up"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("bibliometrics/", views.bibliometrics_list, name="bibliometrics"),
    path("bibliometrics/new/", views.bibliometrics_edit, name="bibliometrics-create"),
    path("bibliometrics/<int:pk>/edit/", views.bibliometrics_edit, name="bibliometrics-edit"),
    path("bibliometrics/import/", views.bibliometrics_import, name="bibliometrics-import"),
    path("bibliometrics/import/confirm/", views.bibliometrics_import_confirm, name="bibliometrics-import-confirm"),
    path("bibliometrics/import/template.<str:fmt>", views.bibliometrics_template, name="bibliometrics-template"),
    path("co-publications/new/", views.co_publication_create, name="co-publication-create"),
]
