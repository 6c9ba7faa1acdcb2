"""The engine's one exception type: invalid input, named by field."""

from __future__ import annotations

from collections.abc import Iterable


class ScenarioError(ValueError):
    """Invalid input. Holds one or more ``(field, message)`` pairs.

    ``field`` is a dotted path into the scenario (``research.shares.STH``,
    ``research.ratings.ORE.2``); ``"$"`` is the document itself. The message is an English
    sentence that names the field again, so it reads on its own (stderr, API 400 body).
    """

    def __init__(self, errors: Iterable[tuple[str, str]]) -> None:
        self.errors: tuple[tuple[str, str], ...] = tuple(errors)
        if not self.errors:
            raise ValueError("ScenarioError needs at least one (field, message)")
        super().__init__("; ".join(message for _, message in self.errors))

    @classmethod
    def single(cls, field: str, message: str) -> ScenarioError:
        return cls([(field, message)])

    @property
    def field(self) -> str:
        return self.errors[0][0]

    @property
    def message(self) -> str:
        return self.errors[0][1]


class FieldErrors:
    """Collects field errors so that one pass reports every invalid field, not just the first."""

    def __init__(self) -> None:
        self._errors: list[tuple[str, str]] = []
        self._fields: set[str] = set()

    def add(self, field: str, message: str) -> None:
        # The first error per field is enough; later ones are usually consequences of it.
        if field not in self._fields:
            self._fields.add(field)
            self._errors.append((field, message))

    def extend(self, error: ScenarioError) -> None:
        for field, message in error.errors:
            self.add(field, message)

    def raise_if_any(self) -> None:
        if self._errors:
            raise ScenarioError(self._errors)
