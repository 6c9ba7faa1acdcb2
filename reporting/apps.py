from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Annual reporting")

    def ready(self) -> None:
        from alfadmin.kernel.dashboard import register_panel

        from .dashboard import panel

        register_panel(name="reporting", template="reporting/partials/dashboard_panel.html", context=panel, order=40)
