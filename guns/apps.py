from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GunsConfig(AppConfig):
    name = "guns"
    verbose_name = _("GUNS")

    def ready(self) -> None:
        from alfadmin.kernel.dashboard import register_card
        from alfadmin.kernel.record_cards import register_record_card
        from alfadmin.models import University

        from .cards import landing_card_context, university_seat_context

        register_card(name="guns", template="guns/partials/guns_card.html", context=landing_card_context, order=50)
        register_record_card(model=University, name="guns", template="guns/partials/university_seat_card.html", context=university_seat_context)
