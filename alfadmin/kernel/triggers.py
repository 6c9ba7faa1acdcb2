"""Frozen rows refused by the database itself (PostgreSQL triggers through django-pgtrigger).

The write path (``alfadmin.kernel.writes``) refuses a change of a frozen row with a clear
message; these triggers refuse the same UPDATE or DELETE whatever issued it — the admin, a
shell, raw SQL, a future endpoint — so the guarantee lives on the record, not on a path.
On SQLite (the embedded demo) pgtrigger installs nothing and the write path's check stands.

``frozen`` builds a BEFORE UPDATE OR DELETE trigger for a model's ``Meta.triggers``:

- ``when``: SQL over ``OLD`` saying the row is frozen (``OLD.state IN ('adopted','rejected')``),
  or that its parent is (``EXISTS (SELECT 1 FROM guns_minutes m WHERE …)``);
- ``unless`` and ``may_change``: the one change a frozen row may still take (a report
  reopened: ``NEW.state = 'draft'``), allowed only if no other column than ``may_change``
  differs between ``OLD`` and ``NEW``.

A refused write raises SQLSTATE 23001 (restrict_violation), which Django reports as an
``IntegrityError`` whose message starts with ``FROZEN``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pgtrigger

FROZEN_ERROR_PREFIX = "FROZEN"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def frozen(*, name: str, when: str, message: str, unless: str | None = None, may_change: Sequence[str] = (), delete: bool = True) -> pgtrigger.Trigger:
    """A trigger refusing UPDATE (and DELETE unless `delete` is False) of a row while `when` holds."""
    allowed = ""
    if unless:
        columns = ", ".join(_literal(c) for c in (*may_change, "version"))
        allowed = (
            f"IF TG_OP = 'UPDATE' AND ({unless}) AND "
            f"(to_jsonb(NEW) - ARRAY[{columns}]::text[]) = (to_jsonb(OLD) - ARRAY[{columns}]::text[]) THEN RETURN NEW; END IF;"
        )
    func = (
        f"IF ({when}) THEN {allowed} "
        f"RAISE EXCEPTION '% %: %', {_literal(FROZEN_ERROR_PREFIX)}, TG_TABLE_NAME, {_literal(message)} "
        "USING ERRCODE = 'restrict_violation'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;"
    )
    operation = pgtrigger.Update | pgtrigger.Delete if delete else pgtrigger.Update
    return pgtrigger.Trigger(name=name, when=pgtrigger.Before, operation=operation, func=func)
