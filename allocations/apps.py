from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationsConfig(AppConfig):
    name = "allocations"
    verbose_name = _("Allocations")

    def ready(self) -> None:
        # Imported here, not at the top: models are loaded only once the registry is ready.
        from . import receivers, watched_inputs

        watched_inputs.connect()
        receivers.connect()
