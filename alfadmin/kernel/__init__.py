"""The shared kernel: what every app builds on, and nothing that knows a domain app.

Public helpers (import them from their modules):

- ``alfadmin.kernel.errors`` — ``ConcurrentEditError`` (HTTP 409) and ``LockedError`` (a published
  year, a finalized round, an adopted decision): raised by services, rendered by pages and API.
- ``alfadmin.kernel.writes`` — the one write path every service uses: ``record_create``,
  ``record_update``, ``record_delete`` (and ``lock_rows`` for several rows in one fixed order).
  In this order: the actor is checked against the app's predicate (``SYSTEM`` for commands and
  demo data; ``None`` is refused), the row is locked, its version checked (``versions``), a
  frozen row refused, the row validated (``full_clean`` and the app's rules), then saved with
  history and reason, its changed allocation inputs reported.
- ``alfadmin.kernel.versions`` — ``check_version``, the one optimistic-concurrency check: a stale
  version is a ``ConcurrentEditError`` naming every field changed since, its value then and
  now, who stored it and when (``Versioned.changes_since``).
- ``alfadmin.kernel.models`` — ``Versioned`` (the ``version`` column; the values a row was read
  with; ``changes_since``) and ``Freezable`` (``frozen_reason``, ``frozen_allows``: adopted
  decisions, approved minutes and reports, finalized rounds, published runs).
- ``alfadmin.kernel.triggers`` — ``frozen``: the PostgreSQL trigger (django-pgtrigger) refusing
  an UPDATE or DELETE of a frozen row whatever issued it; the write path's check gives the
  clear message, the trigger the guarantee.
- ``alfadmin.kernel.admin`` — ``HistoryAdmin`` (history shown, never reverted) and
  ``ReadOnlyAdmin``: the admin never goes around a service.
- ``alfadmin.kernel.history`` — the primitives under the write path: ``lock_for_update``,
  ``save_with_history``, ``delete_with_history``. Each records who, when, before/after and a
  reason (django-simple-history) and reports changed allocation inputs through
  ``alfadmin.kernel.input_changes``. A signed-in user's change to an existing row's declared input
  fields (or deletion of such a row) needs a reason: without one they raise
  ``ValidationError({"reason": …})`` and write nothing (``require_reason``). Creating a row
  (a first rating in a draft round) and system writes need none.
- ``alfadmin.kernel.changelog`` — the change log: apps ``track`` their historical models (label,
  region field, object page, read scope, parent objects) from ``AppConfig.ready()``;
  ``change_page`` lists changes across them, filtered and paged in a fixed number of queries, and
  ``change_detail`` shows one change field by field. ``{% load alf_history %}{% history_url obj %}``
  links an object's page to its history.
- ``alfadmin.kernel.input_changes`` — the fields that feed the money and the one answer to
  their change. The allocations app declares, in one place (``allocations/watched_inputs.py``),
  which model fields feed the engine (``declare_input``) and names its answer
  (``answer_input_changes``); the history helpers report every write, and a change of a
  declared field reaches the answer inside the writer's transaction (one ``InputChange`` per
  service call wrapped in ``one_input_change()``). The answer may refuse the change by raising
  (a published year: ``LockedError``), which rolls the whole write back.
- ``alfadmin.kernel.dashboard`` / ``alfadmin.kernel.record_cards`` — cards the apps contribute
  (``register_card`` for the landing page, ``register_record_card`` for a registry record's
  page such as a university's), so the project shows app data without importing the apps.
- ``alfadmin.kernel.views`` — the page toolkit: ``require`` (sign-in plus a permission
  predicate), ``section`` (the navigation entry), ``edit_flow`` (form → service → messages,
  field errors, and on a 409 the conflict page: per field your value, the stored one, who and
  when, keep mine or take theirs) and ``form_version``; ``alfadmin.kernel.forms`` the ``reason`` field
  ("Reason for the change") that ``VersionedModelForm`` shows on edits of existing rows.
"""
