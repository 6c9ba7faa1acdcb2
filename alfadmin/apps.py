from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlfAdminConfig(AppConfig):
    name = "alfadmin"
    verbose_name = _("ALF registry")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: models are loaded only once the registry is ready.
        from . import changelog_models

        changelog_models.register()
