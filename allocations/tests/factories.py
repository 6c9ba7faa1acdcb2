"""Factories for allocations tests. Real runs, outbox rows and publications come from the
services (the `computed` fixture, recompute_request, year_publish); a factory here makes only
what the services would not write on demand, such as a run the engine refused."""

import factory

from allocations.models import AllocationModel, AllocationRun


class AllocationRunFactory(factory.django.DjangoModelFactory):
    """A stored run. By default one the engine refused (`failed`, with its message); a succeeded
    run needs a real result, so tests get those from the service instead."""

    class Meta:
        model = AllocationRun

    year = 2024
    model = AllocationModel.ALF2015
    status = AllocationRun.Status.FAILED
    inputs = factory.LazyAttribute(lambda o: {"year": o.year})
    input_hash = factory.Sequence(lambda n: f"{n:064x}")
    engine_version = "test"
    error = "research.shares: must sum to 100"

