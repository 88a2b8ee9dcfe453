"""Real services for the tests: what is needed, and processes started and stopped by PID.

Under CI (the CI variable set), a missing service fails the test instead of
skipping it, so a green run always means the integration tests ran.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import suppress
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IN_CI = bool(os.environ.get("CI"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def need(available: bool, what: str) -> None:
    """Skip a test whose service is missing on a laptop; fail it under CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI but is not available", pytrace=False)
    pytest.skip(f"{what} is not available")


def redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def chromium_available() -> bool:
    return shutil.which(CHROMIUM) is not None


REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class PrivateRedis:
    """A redis-server of the test's own on 127.0.0.1, to stop and start at will."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = start(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            dict(os.environ),
            self.log,
        )
        import redis

        def answers() -> bool:
            with suppress(redis.RedisError):
                return bool(redis.Redis.from_url(self.url, socket_timeout=1).ping())
            return False

        wait_until(answers, seconds=15, proc=self.proc, log=self.log, what="redis-server")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)  # a frozen one cannot stop
            stop(self.proc)
            self.proc = None

    def kill(self) -> None:
        """As a crash would: at once, its data gone (it keeps none on disk)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def freeze(self) -> None:
        """Hang without closing anything, as an overloaded or cut-off server does:
        connections open, nothing answered."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The URL of the database the tests are using, for processes started beside them."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    """The environment for a process that must share the tests' database and broker."""
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1"}
    env.setdefault("DEBUG", "true")
    env.update(overrides)
    return env


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen, *, timeout: float = 15) -> None:
    """Stop a process started by `start`, and whatever children it left, by PID."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def wait_until(predicate, *, seconds: float, proc: subprocess.Popen, log: Path, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"{what} exited with {proc.returncode}:\n{log.read_text()[-3000:]}"
            )
        result = predicate()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"{what} not ready after {seconds}s:\n{log.read_text()[-3000:]}")


def http_get(url: str, timeout: float = 5) -> tuple[int, bytes] | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return None


def ping_worker(hostname: str) -> bool:
    from advisor.celery import app

    with suppress(Exception):
        return bool(app.control.ping(destination=[hostname], timeout=1.0))
    return False


def celery(*args: str) -> list[str]:
    return [str(BIN / "celery"), "-A", "advisor", *args]


def celery_worker(hostname: str, concurrency: int = 1) -> list[str]:
    """One pool process unless asked, no start-up chatter with other workers: quick to
    start and stop."""
    return celery(
        "worker", "--pool", "prefork", "--concurrency", str(concurrency), "--loglevel", "INFO",
        "--hostname", hostname, "--without-mingle", "--without-gossip",
    )  # fmt: skip


def pool_children(pid: int) -> list[int]:
    """The processes a worker's main process started: its pool (Linux's /proc)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def gunicorn(port: int) -> list[str]:
    return [
        str(BIN / "gunicorn"),
        "advisor.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
    ]


class Server:
    """gunicorn in its own process, answering on 127.0.0.1 until stopped."""

    def __init__(self, env: dict[str, str], log: Path, command: list[str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = start(command or gunicorn(self.port), env, log)
        self.log = log

    def __enter__(self) -> "Server":
        try:
            wait_until(
                lambda: http_get(self.url + "/healthz"),
                seconds=30,
                proc=self.proc,
                log=self.log,
                what="web",
            )
        except BaseException:
            stop(self.proc)
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        stop(self.proc)

    def get(self, path: str) -> tuple[int, bytes]:
        answer = http_get(self.url + path, timeout=15)
        assert answer is not None, f"no answer from {self.url}{path}"
        return answer


PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


class PrivatePgBouncer:
    """A PgBouncer of the test's own in transaction mode, in front of the tests'
    PostgreSQL. It resets each server connection after every transaction (DISCARD ALL),
    as happens under load when the next transaction is another client's: anything left
    on a connection between transactions (a cursor, a prepared statement) is gone."""

    def __init__(self):
        self.port = free_port()
        # Readable by the unprivileged user PgBouncer runs as (it refuses to run as root).
        self.folder = Path(tempfile.mkdtemp(prefix="leap-pgbouncer-"))
        self.folder.chmod(0o755)
        self.log = self.folder / "pgbouncer.log"
        self.proc: subprocess.Popen | None = None

    def url(self) -> str:
        """The tests' database URL, through this PgBouncer."""
        return re.sub(r"@[^/]+/", f"@127.0.0.1:{self.port}/", database_url())

    def start(self) -> None:
        db = connection.settings_dict
        ini = self.folder / "pgbouncer.ini"
        users = self.folder / "users.txt"
        users.write_text(f'"{db["USER"]}" ""\n')
        ini.write_text(
            "[databases]\n"
            f"* = host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {users}\n"
            "pool_mode = transaction\ndefault_pool_size = 4\n"
            "server_reset_query = DISCARD ALL\nserver_reset_query_always = 1\n"
            "ignore_startup_parameters = extra_float_digits\n"
        )
        for path in (ini, users):
            path.chmod(0o644)
        user = ["-u", "nobody"] if os.geteuid() == 0 else []
        self.proc = start([PGBOUNCER, *user, str(ini)], dict(os.environ), self.log)

        def answers() -> bool:
            with suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1):
                return True
            return False

        wait_until(answers, seconds=15, proc=self.proc, log=self.log, what="pgbouncer")

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None
        shutil.rmtree(self.folder, ignore_errors=True)


class Visitor:
    """A browser without JavaScript, for a server in another process: it keeps cookies,
    sends the CSRF token with every form and follows redirects."""

    def __init__(self, base_url: str, *, timeout: float = 60):
        self.base_url = base_url
        self.timeout = timeout
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base_url + path))  # noqa: S310 (loopback)

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        token = next((c.value for c in self.cookies if c.name == "csrftoken"), "")
        body = urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base_url + path, data=body)  # noqa: S310
        return self._open(request)

    def log_in(self, email: str, password: str) -> None:
        self.get("/accounts/login/")  # the CSRF cookie
        status, page = self.post("/accounts/login/", {"username": email, "password": password})
        assert status == 200 and email in page, f"could not log in as {email}: {status}"

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")
