"""Real Celery workers and throw-away Redis servers for the worker tests and the benchmark.

A worker is a `celery -A alfadmin worker` subprocess with the same settings module as the
caller, pointed at a given database (the test database) and broker. Nothing here touches the
shared Redis server except through the broker URL it is given.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to now (the test database in tests)."""
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def free_port(start: int = 6390) -> int:
    for port in range(start, start + 200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for a test Redis server")


def redis_ready(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class RedisServer:
    """A private `redis-server` on its own port (no persistence), that a test may stop and start."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not redis_ready(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@dataclass
class Worker:
    """A `celery worker` subprocess; its log is kept for failure messages."""

    process: subprocess.Popen
    log_path: Path
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while " ready." not in self.log():
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited ({self.process.returncode}):\n{self.log()[-4000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not get ready in {timeout} s:\n{self.log()[-4000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_worker(*, broker_url: str, database: str, beat: bool = False, concurrency: int = 2, env: dict[str, str] | None = None) -> Worker:
    """Start a worker (with an embedded beat if asked) and wait until it is ready."""
    workdir = Path(tempfile.mkdtemp(prefix="alloc-worker-"))
    log_path = workdir / "worker.log"
    child_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "alfadmin.settings.test"),
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker_url,
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "alfadmin",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        "--pool=prefork",
        "--purge",
        "--without-gossip",
        "--without-mingle",
        f"--hostname=alloc-test-{os.getpid()}-{time.monotonic_ns()}@%h",
    ]
    if beat:
        command += ["--beat", f"--schedule={workdir / 'beat-schedule'}"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    worker = Worker(process=process, log_path=log_path, workdir=workdir, env=child_env)
    try:
        worker.wait_ready()
    except Exception:
        worker.stop()
        raise
    return worker


@contextlib.contextmanager
def sending_to(broker_url: str) -> Iterator[None]:
    """Make this process's Celery app send to `broker_url` for a while (its pools are reset)."""
    from kombu import pools as kombu_pools

    from alfadmin.celery import app

    def reset() -> None:
        # Close and forget every cached broker connection (kombu keeps them per URL).
        kombu_pools.reset()
        app._pool = None  # type: ignore[attr-defined]  # private cache, reset so the next use reconnects
        app.amqp._producer_pool = None  # type: ignore[attr-defined]  # private cache, as above

    # Celery reads CELERY_BROKER_WRITE_URL from the environment before any setting.
    saved = os.environ.get("CELERY_BROKER_WRITE_URL")
    reset()
    os.environ["CELERY_BROKER_WRITE_URL"] = broker_url
    try:
        assert app.connection_for_write().as_uri().endswith(broker_url.rsplit("@", 1)[-1].split("//", 1)[-1])  # noqa: S101
        yield
    finally:
        reset()
        if saved is None:
            os.environ.pop("CELERY_BROKER_WRITE_URL", None)
        else:
            os.environ["CELERY_BROKER_WRITE_URL"] = saved


def wait_for(predicate, *, timeout: float, interval: float = 0.05, message: str = "") -> float:
    """Poll until `predicate()` is true; returns the seconds waited, or raises AssertionError."""
    start = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(message or f"not true within {timeout} s")
        time.sleep(interval)
