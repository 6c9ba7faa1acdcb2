from django.urls import path

from . import views

app_name = "guns"
urlpatterns = [
    path("", views.index, name="index"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/payments/", views.payment_create, name="payment_create"),
    path("decisions/<int:pk>/<str:action>/", views.decision_transition, name="decision_transition"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_edit, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/minutes/", views.minutes_detail, name="minutes"),
    path("meetings/<int:pk>/minutes/edit/", views.minutes_edit, name="minutes_edit"),
    path("pot/", views.pot, name="pot"),
    path("annual-report/", views.annual_report, name="annual_report"),
    path("annual-report/<int:year>/", views.annual_report, name="annual_report_year"),
    path("annual-report/<int:year>/report.xlsx", views.annual_report_xlsx, name="annual_report_xlsx"),
    path("annual-report/<int:year>/introduction/", views.annual_report_introduction, name="annual_report_introduction"),
    path("follow-up/", views.follow_up_index, name="follow_up"),
    path("follow-up/<int:pk>/", views.follow_up_round, name="follow_up_round"),
    path("follow-up/<int:pk>/<str:code>/new/", views.follow_up_entry_create, name="follow_up_entry_create"),
    path("follow-up/entries/<int:pk>/edit/", views.follow_up_entry_edit, name="follow_up_entry_edit"),
    path("settings/", views.settings_edit, name="settings"),
    path("members/new/", views.member_edit, name="member_create"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
]
