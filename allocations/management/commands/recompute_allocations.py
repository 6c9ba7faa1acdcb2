"""`manage.py recompute_allocations [--year Y]`: recompute now, synchronously, and say what happened."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from alfadmin.models import BudgetYear
from alfadmin.validation import FIRST_YEAR, LAST_YEAR
from allocations.models import AllocationRun
from allocations.services import recompute_years


class Command(BaseCommand):
    help = "Recompute the allocations of every budget year (or one year) now, without a worker."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="Only this year (may be given more than once).")

    def handle(self, *args, **options):
        years = options["year"] or list(BudgetYear.objects.order_by("year").values_list("year", flat=True))
        if not years:
            raise CommandError("There is no budget year to compute.")
        outside = [year for year in years if not FIRST_YEAR <= year <= LAST_YEAR]
        if outside:
            raise CommandError(f"--year must lie within {FIRST_YEAR}–{LAST_YEAR}: {', '.join(map(str, outside))}")
        outcomes, busy = recompute_years(years=years, force=True, trigger=AllocationRun.Trigger.COMMAND, reason="recompute_allocations")
        for outcome in outcomes:
            self.stdout.write(outcome.describe())
        if busy:
            self.stderr.write(f"busy (being computed by a worker, not recomputed): {', '.join(map(str, busy))}")
        created = sum(len(o.created) for o in outcomes)
        self.stdout.write(self.style.SUCCESS(f"{len(outcomes)} year(s) recomputed, {created} new run(s)."))
