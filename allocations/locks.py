"""Per-year locks, so that two workers never compute the same year at once and a year is not
published while an edit that would change it is being saved.

PostgreSQL advisory locks keyed by (namespace, year). Two namespaces:

- COMPUTE: held by whoever computes a year (exclusive). Taken at *session* level before the
  computing transaction begins, so that the transaction's snapshot (REPEATABLE READ) is taken
  after the previous holder committed: the snapshot then includes every change whose outbox
  row we mark processed, and nothing we mark processed is left unread.
- PUBLICATION: shared by every transaction that changes a year's inputs (via
  `recompute_request`), exclusive for publish / confirm / reopen. An edit and a publication
  of the same year are thereby serialised: the edit either commits before the publication
  looks at the year, or sees the year published and is refused.

Other databases (SQLite in development and unit tests) serialise writers anyway; there the
locks are no-ops.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from django.db import connection

COMPUTE = 41_501
PUBLICATION = 41_502


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def lock_years_shared(namespace: int, years: Iterable[int]) -> None:
    """Transaction-level shared locks, in year order (a fixed order: no deadlocks)."""
    if not _postgres():
        return
    with connection.cursor() as cursor:
        for year in sorted(set(years)):
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [namespace, year])


def lock_year(namespace: int, year: int) -> None:
    """A transaction-level exclusive lock, waited for."""
    if not _postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, year])


@contextlib.contextmanager
def session_compute_lock(year: int) -> Iterator[bool]:
    """Try to take the year's compute lock for this database session (outside any transaction).

    Yields False if another session holds it. While held, also holds the year's publication
    lock shared, so a publication of the year waits for the computation to finish.
    """
    if not _postgres():
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [COMPUTE, year])
        (taken,) = cursor.fetchone()
    if not taken:
        yield False
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock_shared(%s, %s)", [PUBLICATION, year])
        try:
            yield True
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock_shared(%s, %s)", [PUBLICATION, year])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [COMPUTE, year])


def set_repeatable_read() -> None:
    """Make the current (just begun) transaction REPEATABLE READ: one snapshot for every read."""
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
