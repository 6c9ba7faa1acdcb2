"""`manage.py load_demo`: the demo registry, users and every app's demo data. Idempotent."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app contributes a `load()`; order matters (the registry first).
DEMO_LOADERS = ["alfadmin.demo", "guns.demo", "evaluations.demo", "allocations.demo"]


class Command(BaseCommand):
    help = "Load the demo data and demo users (password 'demo'). Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            for module in DEMO_LOADERS:
                import_module(module).load()
                self.stdout.write(f"loaded {module}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Users: admin, guns, guns2, vr, sth, ore, viewer (password 'demo')."))
