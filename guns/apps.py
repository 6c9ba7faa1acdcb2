from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GunsConfig(AppConfig):
    name = "guns"
    verbose_name = _("GUNS")

    def ready(self) -> None:
        from alfadmin.kernel.dashboard import register_panel
        from alfadmin.kernel.record_panels import register_record_panel
        from alfadmin.models import University

        from .panel import panel_context, university_seat_context

        register_panel(name="guns", template="guns/partials/panel.html", context=panel_context, order=50)
        register_record_panel(model=University, name="guns", template="guns/partials/university_seat.html", context=university_seat_context)
