"""`manage.py allocate --input FILE|-`: the engine on a scenario file (docs/allocation-scenario.md).

JSON on stdout and exit 0, its notes and trace texts in English or in the language of `--lang`;
invalid input: a message naming the field on stderr, nothing on stdout, exit 2. Needs no
database: it works before `migrate` and with an unreachable one.
"""
import json
import sys

from django.core.management.base import BaseCommand, CommandParser

from alfrules.errors import ScenarioError
from alfrules.explain import LANGUAGES
from alfrules.scenario import compute_scenario, load_scenario_json

EXIT_INVALID_INPUT = 2


def _exact(value):
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class Command(BaseCommand):
    help = "Compute an allocation from a scenario file (JSON) without the database."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="Scenario file, or - for standard input.")
        parser.add_argument("--lang", choices=LANGUAGES, default="en", help="Language of the notes and the trace's texts (default: en).")

    def handle(self, *args, **options) -> None:
        source = options["input"]
        try:
            if source == "-":
                text = sys.stdin.read()
            else:
                with open(source, encoding="utf-8") as handle:
                    text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            self._fail(f"--input: cannot read {source}: {error}")
        try:
            result = compute_scenario(load_scenario_json(text), lang=options["lang"])
        except ScenarioError as error:
            self._fail("\n".join(f"{field}: {message}" for field, message in error.errors))
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=_exact) + "\n")

    def _fail(self, message: str) -> None:
        sys.stderr.write(f"invalid scenario: {message}\n" if not message.startswith("--input") else message + "\n")
        sys.exit(EXIT_INVALID_INPUT)
