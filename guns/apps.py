from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GunsConfig(AppConfig):
    name = "guns"
    verbose_name = _("GUNS")

    def ready(self) -> None:
        from alfadmin.kernel.dashboard import register_panel

        from .panel import panel_context

        register_panel(name="guns", template="guns/_panel.html", context=panel_context, order=50)
