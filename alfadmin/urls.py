from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("data/", views.data_index, name="data"),
    path("data/regions/", views.region_list, name="regions"),
    path("data/regions/<str:code>/", views.region_detail, name="region-detail"),
    path("data/years/", views.budget_year_list, name="budget-years"),
    path("data/years/new/", views.budget_year_edit, name="budget-year-create"),
    path("data/years/<int:year>/edit/", views.budget_year_edit, name="budget-year-edit"),
    path("data/students/", views.student_list, name="students"),
    path("data/students/new/", views.student_count_edit, name="student-count-create"),
    path("data/students/<int:pk>/edit/", views.student_count_edit, name="student-count-edit"),
    path("data/shares/", views.share_table_list, name="share-tables"),
    path("data/shares/<str:kind>/edit/", views.share_table_edit, name="share-table-edit"),
    path("data/periods/", views.agreement_period_list, name="agreement-periods"),
    path("data/periods/<int:pk>/edit/", views.agreement_period_edit, name="agreement-period-edit"),
    path("data/changes/", views.change_log, name="change-log"),
    path("data/changes/<str:model>/<int:history_id>/", views.change_detail, name="change-detail"),
    path("allocations/", include("allocations.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("guns/", include("guns.urls")),
    path("reporting/", include("reporting.urls")),
    path("api/v1/", include("alfadmin.api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "alfadmin.views.forbidden"
handler404 = "alfadmin.views.not_found"
