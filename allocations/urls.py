from django.urls import path

from . import explorer_views, views, views_analysis

app_name = "allocations"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("live/", views.live, name="live"),
    path("regions/<str:code>/", views.region, name="region"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("projections/", views_analysis.projections, name="projections"),
    path("projections/export.xlsx", views_analysis.projections_xlsx, name="projections-xlsx"),
    path("projections/why/", views_analysis.projection_why, name="projection-why"),
    path("compare/", views_analysis.compare, name="compare"),
    path("diff/", views_analysis.diff, name="diff"),
    path("risk/", views_analysis.risk, name="risk"),
    path("runs/<int:pk>/rerun/", views_analysis.rerun, name="rerun"),
    path("<int:year>/export.csv", views.export_csv, name="export-csv"),
    path("<int:year>/export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("<int:year>/publish/", views.publish, name="publish"),
    path("<int:year>/confirm/", views.confirm, name="confirm"),
    path("<int:year>/reopen/", views.reopen, name="reopen"),
]

urlpatterns += [
    path("scenarios/", explorer_views.scenario_list, name="scenarios"),
    path("scenarios/new/", explorer_views.scenario_new, name="scenario-new"),
    path("scenarios/compute/", explorer_views.scenario_compute, name="scenario-compute"),
    path("scenarios/switch/", explorer_views.scenario_switch, name="scenario-switch"),
    path("scenarios/save/", explorer_views.scenario_save, name="scenario-save"),
    path("scenarios/scenario.json", explorer_views.scenario_json, name="scenario-json"),
    path("scenarios/scenario.xlsx", explorer_views.scenario_xlsx, name="scenario-xlsx"),
    path("scenarios/<int:pk>/", explorer_views.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/delete/", explorer_views.scenario_delete, name="scenario-delete"),
    path("scenarios/<int:pk>/scenario.json", explorer_views.scenario_json, name="saved-scenario-json"),
    path("scenarios/<int:pk>/scenario.xlsx", explorer_views.scenario_xlsx, name="saved-scenario-xlsx"),
]
