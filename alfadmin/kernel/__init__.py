"""The shared kernel: what every app builds on, and nothing that knows a domain app.

Public helpers (import them from their modules):

- ``alfadmin.kernel.errors`` — ``ConcurrentEditError`` (HTTP 409) and ``LockedError`` (a published
  year, a finalized round, an adopted decision): raised by services, rendered by pages and API.
- ``alfadmin.kernel.models`` — ``Versioned``: the ``version`` column of optimistic concurrency,
  and the values a row had when it was loaded (to see which fields a write changes).
- ``alfadmin.kernel.history`` — the only way services write rows: ``lock_for_update``,
  ``create_with_history``, ``save_with_history``, ``versioned_update``, ``delete_with_history``.
  Each records who, when, before/after and a reason (django-simple-history) and reports changed
  allocation inputs through ``alfadmin.kernel.inputs``. A signed-in user's change to an existing
  row's declared input fields (or deletion of such a row) needs a reason: without one they raise
  ``ValidationError({"reason": …})`` and write nothing (``require_reason``). Creating a row
  (a first rating in a draft round) and system writes (actor None) need none.
- ``alfadmin.kernel.changelog`` — the change log: apps ``track`` their historical models (label,
  region field, object page, read scope, parent objects) from ``AppConfig.ready()``;
  ``change_page`` lists changes across them, filtered and paged in a fixed number of queries, and
  ``change_detail`` shows one change field by field. ``{% load alf_history %}{% history_url obj %}``
  links an object's page to its history.
- ``alfadmin.kernel.inputs`` — the "inputs changed" hook. The allocations app declares, in one
  place, which model fields feed the engine (``declare_input``) and connects the
  ``inputs_changed`` signal; the history helpers send it, inside the writer's transaction, for
  every write that changes a declared field. A receiver may refuse the change by raising (a
  published year: ``LockedError``), which rolls the whole write back.
- ``alfadmin.kernel.views`` — the page toolkit: ``require`` (sign-in plus a permission
  predicate), ``section`` (the navigation entry), ``edit_flow`` (form → service → messages,
  field errors, 409) and ``form_version``; ``alfadmin.kernel.forms`` the ``reason`` field
  ("Reason for the change") that ``VersionedModelForm`` shows on edits of existing rows.
"""
