"""`make bench`: run every bench/bench_*.py as its own process and print its figures."""

import subprocess
import sys
from pathlib import Path


def main() -> int:
    scripts = sorted(Path(__file__).parent.glob("bench_*.py"))
    if not scripts:
        print("no benchmarks yet")
        return 0
    failed = 0
    for script in scripts:
        print(f"== {script.name} ==", flush=True)
        failed += subprocess.call([sys.executable, str(script)]) != 0  # noqa: S603 - our own scripts
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
