from django.urls import path

from .views import national, reports

app_name = "reporting"
urlpatterns = [
    path("", reports.index, name="index"),
    path("<int:pk>/", reports.report_detail, name="report"),
    path("<int:pk>/check/", reports.report_check, name="check"),
    path("<int:pk>/xlsx/", reports.report_download, name="download"),
    path("<int:pk>/upload/", reports.report_upload, name="upload"),
    path("rules/", national.rule_list, name="rules"),
    path("rules/new/", national.rule_edit, name="rule-new"),
    path("rules/<int:pk>/", national.rule_edit, name="rule-edit"),
    path("comparison/", national.comparison, name="comparison"),
    path("years/", national.year_open, name="years"),
    path("years/<int:year>/", national.year_detail, name="year"),
    path("years/<int:year>/fields/new/", national.field_edit, name="field-new"),
    path("years/<int:year>/fields/<int:pk>/", national.field_edit, name="field-edit"),
    path("<int:pk>/<slug:action>/", reports.report_action, name="action"),
]
