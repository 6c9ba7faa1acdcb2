"""Evaluations' pages, one module per family; `evaluations.urls` imports the modules.

- ``rounds``: rounds and their results, the grid, finalizing and reopening, follow-up, and a
  region's results across rounds.
- ``bibliometrics``: the bibliometric trends, editing figures, co-publications, the import.

Views parse, authorise (evaluations.permissions), call one service or selector, render.
"""
