from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/check/", views.report_check, name="check"),
    path("<int:pk>/xlsx/", views.report_download, name="download"),
    path("<int:pk>/upload/", views.report_upload, name="upload"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_edit, name="rule-new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule-edit"),
    path("comparison/", views.comparison, name="comparison"),
    path("years/", views.year_open, name="years"),
    path("years/<int:year>/", views.year_detail, name="year"),
    path("years/<int:year>/fields/new/", views.field_edit, name="field-new"),
    path("years/<int:year>/fields/<int:pk>/", views.field_edit, name="field-edit"),
    path("<int:pk>/<slug:action>/", views.report_action, name="action"),
]
