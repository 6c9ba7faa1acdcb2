"""The explanation of an allocation: ordered steps and notes (docs/allocation-rules.md §8).

Steps and notes carry a stable code and the values their sentence needs; the sentences
themselves live in ``explain.py`` (English and Swedish), so a stored trace can be shown
in either language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from .formatting import decimal_string
from .rounding import Line

ParamValue = Fraction | Decimal | int | bool | str


class TraceStep(NamedTuple):
    """One step. ``amount`` is exact before rounding, a whole krona for rounding steps.

    A named tuple rather than a dataclass: immutable, and an allocation makes many of them.
    """

    step: str
    amount: Fraction | int
    region: str | None
    panel: int | None
    line: str | None
    params: Mapping[str, str]

    def as_dict(self) -> dict[str, object]:
        shown: dict[str, object] = {"step": self.step, "amount": decimal_string(self.amount)}
        if self.region is not None:
            shown["region"] = self.region
        if self.panel is not None:
            shown["panel"] = self.panel
        if self.line is not None:
            shown["line"] = self.line
        shown["params"] = dict(self.params)
        return shown


class Note(NamedTuple):
    """Something a reader of the result must know: a decision of the rules that applied
    (docs/allocation-rules.md §5.4) or a warning."""

    code: str
    panel: int | None
    params: Mapping[str, str]

    def as_dict(self) -> dict[str, object]:
        shown: dict[str, object] = {"code": self.code}
        if self.panel is not None:
            shown["panel"] = self.panel
        shown["params"] = dict(self.params)
        return shown


@dataclass
class Explanation:
    """The steps and notes of one allocation, in the order they were taken.

    With ``record_steps=False`` the steps are skipped (about half the cost of an allocation
    is showing their values as text) for callers that only need the amounts, such as the
    rating-risk and explanation-diff computations; notes are few and part of the result, so
    they are always kept.
    """

    record_steps: bool = True
    steps: list[TraceStep] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def step(
        self,
        code: str,
        amount: Fraction | int,
        *,
        region: str | None = None,
        panel: int | None = None,
        line: str | None = None,
        **params: ParamValue,
    ) -> None:
        if not self.record_steps:
            return
        self.steps.append(TraceStep(code, amount, region, panel, line, _show_params(params)))

    def note(self, code: str, *, panel: int | None = None, **params: ParamValue) -> None:
        self.notes.append(Note(code, panel, _show_params(params)))

    def rounding(self, exact: Mapping[Line, Fraction], rounded: Mapping[Line, int]) -> None:
        """How the lines became whole kronor: every line floored, then one step for each line
        that got one of the kronor left over (the others are their floors)."""
        if not self.record_steps:
            return
        floors = {line: math.floor(amount) for line, amount in exact.items()}
        total = sum(rounded.values())
        floors_total = sum(floors.values())
        self.step("rounding_leftover", total - floors_total, total=total, floors_total=floors_total)
        for line, amount in sorted(exact.items(), key=lambda item: item[0].tie_break_key()):
            if rounded[line] != floors[line]:
                self.step(
                    "rounding",
                    rounded[line],
                    region=line.region,
                    line=line.name,
                    exact=amount,
                    floor=floors[line],
                    remainder=amount - floors[line],
                )


def _show_params(params: Mapping[str, ParamValue]) -> dict[str, str]:
    return {name: _show(value) for name, value in params.items()}


def _show(value: ParamValue) -> str:
    if isinstance(value, Fraction):
        return decimal_string(value)
    if isinstance(value, Decimal):
        return format(value, "f")  # as written: "0.80" stays "0.80"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
