from django.urls import path

from .views import bibliometrics, rounds

app_name = "evaluations"
urlpatterns = [
    path("", rounds.index, name="index"),
    path("rounds/new/", rounds.round_create, name="round-create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round-edit"),
    path("rounds/<int:pk>/grid/", rounds.round_grid, name="round-grid"),
    path("rounds/<int:pk>/grid/check/", rounds.round_grid_check, name="round-grid-check"),
    path("rounds/<int:pk>/finalize/", rounds.round_finalize, name="round-finalize"),
    path("rounds/<int:pk>/reopen/", rounds.round_reopen, name="round-reopen"),
    path("rounds/<int:pk>/follow-up/", rounds.round_follow_up, name="round-follow-up"),
    path("regions/<str:code>/", rounds.region_detail, name="region"),
    path("bibliometrics/", bibliometrics.bibliometrics_list, name="bibliometrics"),
    path("bibliometrics/new/", bibliometrics.bibliometrics_edit, name="bibliometrics-create"),
    path("bibliometrics/<int:pk>/edit/", bibliometrics.bibliometrics_edit, name="bibliometrics-edit"),
    path("bibliometrics/import/", bibliometrics.bibliometrics_import, name="bibliometrics-import"),
    path("bibliometrics/import/confirm/", bibliometrics.bibliometrics_import_confirm, name="bibliometrics-import-confirm"),
    path("bibliometrics/import/template.<str:fmt>", bibliometrics.bibliometrics_template, name="bibliometrics-template"),
    path("co-publications/new/", bibliometrics.co_publication_create, name="co-publication-create"),
]
