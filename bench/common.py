"""What the benchmarks share: a scratch database, and manage.py run beside them."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


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
