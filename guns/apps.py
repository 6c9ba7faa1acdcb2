from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GunsConfig(AppConfig):
    name = "guns"
    verbose_name = _("GUNS")
