"""Is a service there? Used by the tests (to skip or fail) and the benchmarks (to skip)."""

from __future__ import annotations

import socket


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False
