from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self) -> None:
        # Imported here, not at the top: models are loaded only once the registry is ready.
        from . import changelog_models

        changelog_models.register()
