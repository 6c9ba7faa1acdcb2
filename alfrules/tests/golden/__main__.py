"""``python -m alfrules.tests.golden [--write]``: compare the engine with the golden file, or
write the file for this ``ENGINE_VERSION`` (see the package's docstring)."""

from __future__ import annotations

import argparse
import sys

from alfrules.scenario import ENGINE_VERSION

from . import GOLDEN_FILE, GoldenError, check_golden, write_golden


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alfrules.tests.golden", description=__doc__)
    parser.add_argument("--write", action="store_true", help="regenerate the golden file for this ENGINE_VERSION")
    arguments = parser.parse_args(argv)
    if not arguments.write:
        problem = check_golden()
        if problem is not None:
            print(problem, file=sys.stderr)
            return 1
        print(f"{GOLDEN_FILE.name} matches engine {ENGINE_VERSION}")
        return 0
    try:
        changed = write_golden()
    except GoldenError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"wrote {GOLDEN_FILE.name} for engine {ENGINE_VERSION}; {len(changed)} case(s) changed output")
    return 0


if __name__ == "__main__":
    sys.exit(main())
