"""Reading decoded JSON values into exact types, each error named by its field path.

Readers take ``(value, path)`` and return the typed value or raise ``ScenarioError``. Paths
are dotted (``research.ratings.ORE.2``); the document itself is ``"$"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from typing import TypeVar

from .errors import FieldErrors, ScenarioError

T = TypeVar("T")
Reader = Callable[[object, str], T]

# A number written as a string: "31.0542", "-5", "1e9". Not "NaN", "1_000" or " 1".
_NUMBER_TEXT = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
# Bounds that keep exact arithmetic cheap yet admit a rate compounded exactly by PLO over
# the agreement's lifetime (five decimals a year for decades: hundreds of decimals).
_MAX_DIGITS = 600
_MIN_EXPONENT = -600
_MAX_ADJUSTED_EXPONENT = 20


def child(path: str, key: str) -> str:
    return key if path == "$" else f"{path}.{key}"


def described(path: str) -> str:
    """The path as a message names it: the document itself is "the scenario"."""
    return "the scenario" if path == "$" else path


class ObjectReader:
    """The fields of one JSON object, read one at a time.

    Unknown keys are rejected at once (decision 9: a typo must not be silently ignored).
    Errors in fields are collected so that one pass names every invalid field; ``done()``
    raises them. A field that failed yields ``fallback``, which is never used since
    ``done()`` raises before the caller builds anything from it.
    """

    def __init__(self, value: object, path: str, keys: Collection[str]) -> None:
        if not isinstance(value, dict):
            raise ScenarioError.single(path, f"{described(path)} must be a JSON object")
        unknown = [key for key in value if key not in keys]
        if unknown:
            raise ScenarioError((child(path, str(key)), f"{described(path)} has an unknown key {key!r}") for key in unknown)
        self.path = path
        self.errors = FieldErrors()
        self._value: Mapping[str, object] = value

    def has(self, key: str) -> bool:
        return key in self._value

    def required(self, key: str, read: Reader[T], fallback: T) -> T:
        if key not in self._value:
            self.errors.add(child(self.path, key), f"{child(self.path, key)} is missing")
            return fallback
        return self._read(key, read, fallback)

    def optional(self, key: str, read: Reader[T], default: T) -> T:
        return self._read(key, read, default) if key in self._value else default

    def done(self) -> None:
        self.errors.raise_if_any()

    def _read(self, key: str, read: Reader[T], fallback: T) -> T:
        try:
            return read(self._value[key], child(self.path, key))
        except ScenarioError as error:
            self.errors.extend(error)
            return fallback


def read_number(value: object, path: str) -> Decimal:
    """A JSON number (already ``int`` or ``Decimal``) or a numeric string, exactly."""
    if isinstance(value, bool):  # bool is an int in Python, but true is not a number
        raise ScenarioError.single(path, f"{path} must be a number, not {str(value).lower()}")
    if isinstance(value, float):
        raise ScenarioError.single(
            path,
            f"{path} is a binary floating-point number; give it as a string or read the JSON "
            "with load_scenario_json so that it stays exact",
        )
    if isinstance(value, int | Decimal) or (isinstance(value, str) and _NUMBER_TEXT.fullmatch(value)):
        number = Decimal(value)
    else:
        raise ScenarioError.single(
            path,
            f'{path} must be a number (a JSON number or a string such as "0.80"), got {value!r}',
        )
    _check_size(number, path)
    return number


def read_whole_kronor(value: object, path: str) -> int:
    """Whole kronor; an integral decimal such as 1000.0 is fine."""
    number = read_number(value, path)
    if number != number.to_integral_value():
        raise ScenarioError.single(path, f"{path} must be whole kronor (got {number})")
    return int(number)


def read_integer(value: object, path: str) -> int:
    number = read_number(value, path)
    if number != number.to_integral_value():
        raise ScenarioError.single(path, f"{path} must be a whole number (got {number})")
    return int(number)


def read_boolean(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise ScenarioError.single(path, f"{path} must be true or false, got {value!r}")
    return value


def read_region_map(read_value: Reader[T]) -> Reader[dict[str, T]]:
    """A reader for a map from region code to a value read by ``read_value``."""

    def read(value: object, path: str) -> dict[str, T]:
        if not isinstance(value, dict):
            raise ScenarioError.single(path, f"{path} must be a JSON object mapping region codes to values")
        errors = FieldErrors()
        result: dict[str, T] = {}
        for region, item in value.items():
            if not isinstance(region, str) or not region:
                errors.add(path, f"{path} has an empty or non-text region code {region!r}")
                continue
            try:
                result[region] = read_value(item, child(path, region))
            except ScenarioError as error:
                errors.extend(error)
        errors.raise_if_any()
        return result

    return read


def read_choice(choices: Mapping[str, T]) -> Reader[T]:
    """A reader for one of a fixed set of strings."""

    def read(value: object, path: str) -> T:
        if not isinstance(value, str) or value not in choices:
            raise ScenarioError.single(path, f"{path} must be one of {', '.join(choices)}, got {value!r}")
        return choices[value]

    return read


def _check_size(number: Decimal, path: str) -> None:
    _, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int):  # "n", "N" or "F": NaN or infinity
        raise ScenarioError.single(path, f"{path} must be a finite number")
    if len(digits) > _MAX_DIGITS or exponent < _MIN_EXPONENT or number.adjusted() > _MAX_ADJUSTED_EXPONENT:
        raise ScenarioError.single(path, f"{path} has too many digits or is out of range (got {number})")
