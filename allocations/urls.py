from django.urls import path

from .views import analysis, overview, scenarios

app_name = "allocations"
urlpatterns = [
    path("", overview.overview, name="overview"),
    path("live/", overview.live, name="live"),
    path("regions/<str:code>/", overview.region, name="region"),
    path("runs/", overview.run_list, name="runs"),
    path("runs/<int:pk>/", overview.run_detail, name="run"),
    path("projections/", analysis.projections, name="projections"),
    path("projections/export.xlsx", analysis.projections_xlsx, name="projections-xlsx"),
    path("projections/why/", analysis.projection_why, name="projection-why"),
    path("compare/", analysis.compare, name="compare"),
    path("diff/", analysis.diff, name="diff"),
    path("risk/", analysis.risk, name="risk"),
    path("runs/<int:pk>/rerun/", analysis.rerun, name="rerun"),
    path("<int:year>/export.csv", overview.export_csv, name="export-csv"),
    path("<int:year>/export.xlsx", overview.export_xlsx, name="export-xlsx"),
    path("<int:year>/publish/", overview.publish, name="publish"),
    path("<int:year>/confirm/", overview.confirm, name="confirm"),
    path("<int:year>/reopen/", overview.reopen, name="reopen"),
]

urlpatterns += [
    path("scenarios/", scenarios.scenario_list, name="scenarios"),
    path("scenarios/new/", scenarios.scenario_new, name="scenario-new"),
    path("scenarios/compute/", scenarios.scenario_compute, name="scenario-compute"),
    path("scenarios/switch/", scenarios.scenario_switch, name="scenario-switch"),
    path("scenarios/save/", scenarios.scenario_save, name="scenario-save"),
    path("scenarios/scenario.json", scenarios.scenario_json, name="scenario-json"),
    path("scenarios/scenario.xlsx", scenarios.scenario_xlsx, name="scenario-xlsx"),
    path("scenarios/<int:pk>/", scenarios.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/delete/", scenarios.scenario_delete, name="scenario-delete"),
    path("scenarios/<int:pk>/scenario.json", scenarios.scenario_json, name="saved-scenario-json"),
    path("scenarios/<int:pk>/scenario.xlsx", scenarios.scenario_xlsx, name="saved-scenario-xlsx"),
]
