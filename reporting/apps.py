from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Annual reporting")

    def ready(self) -> None:
        from alfadmin.kernel.dashboard import register_card

        from .cards import landing_card_context

        register_card(name="reporting", template="reporting/partials/report_card.html", context=landing_card_context, order=40)
