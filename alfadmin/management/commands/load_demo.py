"""`manage.py load_demo`: the demo registry, users and every app's demo data. Idempotent.

Each installed app with a `demo` module contributes its `load()`, in INSTALLED_APPS order (the
registry first, then the apps in layer order), so the project names no domain app here.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def demo_modules() -> list[str]:
    names = [f"{config.name}.demo" for config in apps.get_app_configs()]
    return [name for name in names if find_spec(name.rpartition(".")[0]) and find_spec(name)]


class Command(BaseCommand):
    help = "Load the demo data and demo users (password 'demo'). Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            for module in demo_modules():
                import_module(module).load()
                self.stdout.write(f"loaded {module}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Users: admin, guns, guns2, vr, sth, ore, viewer (password 'demo')."))
