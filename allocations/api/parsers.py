"""A JSON parser that keeps numbers exact (scenario decision 9): the engine's own reader."""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from alfrules.errors import ScenarioError
from alfrules.scenario import load_scenario_json


class ExactJSONParser(BaseParser):
    """`application/json` read with `load_scenario_json`: decimals stay `Decimal`, never float;
    repeated keys and NaN are refused. Errors are field errors (`"$"` is the document)."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as error:
            raise ParseError({"$": [f"the body is not valid {encoding}: {error}"]}) from error
        try:
            return load_scenario_json(text)
        except ScenarioError as error:
            raise ParseError(field_errors(error)) from error


def field_errors(error: ScenarioError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, message in error.errors:
        errors.setdefault(field, []).append(message)
    return errors
