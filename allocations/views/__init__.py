"""Allocations' pages, one module per family; `allocations.urls` imports the modules.

- ``overview``: the year overview (live while recomputing), a region across years, a run's
  "why" page, the runs of a year, exports, publishing and reopening a year.
- ``analysis``: projections, the two models side by side, the diff of two runs, the as-of
  rerun and the rating risk of a year (read-only).
- ``scenarios``: the scenario explorer (compute, save, share, download).
"""
