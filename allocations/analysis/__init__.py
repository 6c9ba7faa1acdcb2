"""Read-only analyses of allocations: projections, explanation diffs, reruns and rating risk.

Nothing here stores or changes an allocation. Each module gathers inputs the way the stored
allocation does (`allocations.gather`) or reads stored runs, and calls the pure engine —
without its trace wherever no one reads it.
"""
