"""What the benchmarks share: a scratch database, and manage.py run beside them."""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # every server a benchmark starts listens here, and only here
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
# How the browser tests and bench/screenshots.py start Chromium: headless in a container,
# nothing fetched from the network behind their back.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


BENCH_SECRET = "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105


def django_env(database_url: str, **overrides: str) -> dict[str, str]:
    """The environment for Django processes of a benchmark: production-like settings
    (DEBUG off) on the scratch database, quiet logs, plus `overrides`."""
    return {
        **os.environ,
        "SECRET_KEY": BENCH_SECRET,
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def count(text: str) -> int:
    """An argparse type: how many of something to run, at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


class BenchError(Exception):
    """The benchmark could not be set up."""


def in_scratch_dir(run: Callable[[Path], int]) -> int:
    """`run(directory)` in a temporary directory removed after it; a BenchError is exit 1."""
    with tempfile.TemporaryDirectory(prefix="leap-bench-") as tmp:
        try:
            return run(Path(tmp))
        except BenchError as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 1


def setup_django(env: dict[str, str]) -> None:
    """Use Django in this process too, with the benchmark's settings and database."""
    os.environ.update(env)
    import django

    django.setup()


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in ("postgres", "postgresql", "pgsql")


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A dedicated, freshly created database on the server of server_url, dropped after."""
    import psycopg
    from psycopg import sql

    name = f"leap_bench_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(drop.format(sql.Identifier(name)))


@contextmanager
def database(tmp: Path) -> Iterator[tuple[str, str]]:
    """(DATABASE_URL to use, a line describing it)."""
    given = os.environ.get("DATABASE_URL", "")
    if given and is_postgres(given):
        with postgres_database(given) as url:
            server = urlsplit(url)
            yield url, f"PostgreSQL {server.hostname}:{server.port or 5432}{server.path} (temp)"
        return
    note = " (DATABASE_URL is not PostgreSQL: ignored)" if given else ""
    path = tmp / "bench.sqlite3"
    yield f"sqlite:///{path}", f"SQLite {path}{note}"


def manage(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def recovery_codes(user, count: int) -> list[str]:
    """Two-factor sign-in set up for `user`, as every counsellor and admin must have it:
    `count` recovery codes, one for each client that logs in (an app's code can be used
    only once, so concurrent clients cannot share one)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [f"bench{n:06d}" for n in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Reply:
    status: int
    location: str
    body: bytes


class Client:
    """One connection to a server on HOST (reopened when the server closes it) with its
    own cookie jar."""

    def __init__(self, port: int, *, timeout: float = 30.0) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Reply:
        return self._send("GET", path, None)

    def post(self, path: str, form: dict[str, str]) -> Reply:
        return self._send("POST", path, urlencode(form).encode())

    def close(self) -> None:
        self.conn.close()

    def _send(self, method: str, path: str, body: bytes | None, headers=None) -> Reply:
        headers = {"Host": f"{HOST}:{self.conn.port}", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        return Reply(response.status, response.getheader("Location", ""), data)


def stop_process(proc: subprocess.Popen, *, timeout: float) -> None:
    """Terminate `proc`, and kill it if it has not stopped within `timeout` seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


class Processes:
    """Everything the bench starts: each in a process group of its own, stopped by PID."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.running: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, list[str]] = {}

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        self.commands[name] = command
        with (self.folder / f"{name}.log").open("ab") as log:
            proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running[name] = proc
        return proc

    def restart(self, name: str) -> subprocess.Popen:
        return self.start(name, self.commands[name])

    def signal(self, name: str, signum: int) -> None:
        """To the process and everything it started (its group), as a container's end."""
        os.killpg(self.running[name].pid, signum)

    def stop(self, name: str, *, timeout: float = 20) -> None:
        proc = self.running.pop(name, None)
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGCONT)  # a frozen one could not stop
            stop_process(proc, timeout=timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # whatever it left behind

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")


def wait_for(what: str, ready: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise BenchError(f"{what} not ready after {seconds:.0f}s")


def start_redis(procs: Processes, port: int, folder: Path, *, appendonly: bool) -> None:
    """A redis-server of the benchmark's own on HOST:port, its files in `folder`."""
    if not Path(REDIS_SERVER).exists():
        raise BenchError("redis-server is needed (apt-get install redis-server)")
    procs.start(
        "redis",
        [
            REDIS_SERVER, "--bind", HOST, "--port", str(port), "--dir", str(folder),
            "--appendonly", "yes" if appendonly else "no", "--save", "",
        ],
    )  # fmt: skip
    import redis

    def answers() -> bool:
        try:
            return bool(redis.Redis(host=HOST, port=port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    wait_for("redis-server", answers, 30)


def percentile(values: list[float], percent: float) -> float:
    """The nearest-rank percentile of `values` (nan for none)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def web_answers(port: int) -> bool:
    """The web server on `port` serves a page (the log-in page, which needs no data)."""
    client = Client(port, timeout=5)
    try:
        return client.get("/accounts/login/").status == 200
    except OSError:
        return False
    finally:
        client.close()
