#!/usr/bin/env python3
"""Set up and run Leap with nothing but Python.

    python3 leap.py          set up, then start web, Celery worker and beat (Ctrl-C stops all)
    python3 leap.py test     set up, then run lint, the migrations check and every test
    python3 leap.py install [test]   only make .venv hold exactly the lock (CI's first step)
    python3 leap.py lock [--upgrade] rewrite the locks from pyproject.toml (docs/deployment.md)

Setting up means: a virtualenv in .venv, the pinned packages, a local .env with a
generated SECRET_KEY, compiled translations, migrations and demo data. Each step
is skipped when it has nothing to do. DATABASE_URL and REDIS_URL, when set, are
used as they are; see docs/configuration.md.
"""

import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def say(message: str) -> None:
    # A closed terminal or pipe must not stop us from stopping our children.
    with contextlib.suppress(OSError):
        print(f"\033[1m[leap]\033[0m {message}", flush=True)


def run(*args: str | Path, **kwargs) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)


# The header pip-compile writes into each lock names the command that refreshes it.
os.environ.setdefault("CUSTOM_COMPILE_COMMAND", "python3 leap.py lock")


LOCKS = {"": "requirements.lock", "test": "requirements-test.lock"}
# pip-tools at exact versions, for `leap.py lock` only: the tool that writes the locks is
# itself installed from a lock, so that refreshing them works the same next month.
TOOLS_LOCK = "requirements-tools.lock"
# What `venv` itself puts in a virtualenv (the installer); everything else comes from a lock.
BOOTSTRAP = {"pip", "setuptools"}


def lock_file(extras: str) -> Path:
    """Every package, its version and its hashes: requirements.lock for running Leap,
    requirements-test.lock for the tests too (docs/deployment.md says how to refresh them)."""
    return ROOT / LOCKS[extras]


def install_exactly(python: Path, lock: Path) -> None:
    """Install every package of the lock at its pinned version, checked against its
    hashes, and nothing else: --no-deps means pip resolves nothing, so a newer release on
    the registry cannot change what is installed. `pip check` then proves that what was
    installed is complete and consistent. Leap itself is not installed: it runs from its
    checkout."""
    pip = [python, "-m", "pip"]
    quiet = ["--quiet", "--disable-pip-version-check"]
    run(*pip, "install", *quiet, "--no-deps", "--require-hashes", "-r", lock)
    run(*pip, "check", "--disable-pip-version-check")


def ensure_venv(extras: str) -> None:
    """A virtualenv holding exactly the lock. A lock that changed since it was installed
    means a new virtualenv, so that nothing the old lock brought stays behind."""
    lock = lock_file(extras)
    stamps = {e: VENV / f".installed-{e or 'base'}" for e in LOCKS}
    digests = {e: hashlib.sha256(lock_file(e).read_bytes()).hexdigest() for e in LOCKS}
    stale = [e for e, stamp in stamps.items() if stamp.exists() and stamp.read_text() != digests[e]]
    if stale and VENV.exists():
        say(f"{', '.join(LOCKS[e] for e in stale)} changed: making .venv afresh")
        shutil.rmtree(VENV)
    if not PYTHON.exists():
        say("creating the virtualenv in .venv")
        venv.create(VENV, with_pip=True)
    if stamps[extras].exists():
        return
    say(f"installing exactly the packages of {lock.name}")
    try:
        install_exactly(PYTHON, lock)
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"[leap] installing {lock.name} failed (exit {exc.returncode})") from exc
    stamps[extras].write_text(digests[extras])


def make_locks(upgrade: bool) -> int:
    """Write the locks from pyproject.toml with pip-compile, itself installed from its own
    lock in a throwaway virtualenv. Pins already in a lock stay unless pyproject.toml asks
    otherwise; --upgrade moves every transitive pin to its newest release."""
    with tempfile.TemporaryDirectory(prefix="leap-lock-") as tmp:
        tool = Path(tmp) / "venv"
        venv.create(tool, with_pip=True)
        tool_python = tool / ("Scripts" if os.name == "nt" else "bin") / "python"
        install_exactly(tool_python, ROOT / TOOLS_LOCK)
        compile_ = [
            tool_python,
            "-m",
            "piptools",
            "compile",
            "--quiet",
            "--generate-hashes",
            "--allow-unsafe",
            # Extras are resolved into their packages, then left off the lines: the
            # install takes each line as it is (--no-deps), so `fonttools[woff]` would
            # ask pip to resolve what `fonttools` plus brotli and zopfli already pin.
            "--strip-extras",
            "--no-emit-index-url",
            "--no-emit-find-links",
            *(["--upgrade"] if upgrade else []),
        ]
        for extras, name in LOCKS.items():
            say(f"writing {name}")
            extra = ["--extra", extras] if extras else []
            run(*compile_, *extra, "--output-file", name, "pyproject.toml")
        say(f"writing {TOOLS_LOCK}")
        run(*compile_, "--output-file", TOOLS_LOCK, "-", input=b"pip-tools==7.7.0\n")
    return 0


def ensure_env_file() -> None:
    env_file = ROOT / ".env"
    if env_file.exists():
        return
    say("writing .env for local development (DEBUG on, a fresh SECRET_KEY)")
    env_file.write_text(
        "# Local settings for this checkout, written by leap.py. Never commit this file.\n"
        "DEBUG=true\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
    )


def manage(*args: str) -> None:
    run(PYTHON, "manage.py", *args)


def check_cjk_font() -> None:
    """Chinese plan PDFs need a CJK font; say how to get one if there is none."""
    fc_list = shutil.which("fc-list")
    found = (
        fc_list
        and subprocess.run(
            [fc_list, ":lang=zh"], capture_output=True, text=True, check=False
        ).stdout.strip()
    )
    if not found:
        say(
            "no Chinese font found: Chinese plan PDFs will show empty boxes. Install one with "
            "`sudo apt-get install fonts-noto-cjk` (.ci/run and the Dockerfile do)."
        )


def setup(extras: str) -> None:
    ensure_venv(extras)
    ensure_env_file()
    (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)
    manage("compiletranslations", "--verbosity", "0")
    check_cjk_font()


def site_url(port: str, env_file: Path = ROOT / ".env") -> str:
    """Where the links in emails lead: SITE_URL as the settings would read it (the
    environment, else .env), else the address of the server this command starts."""
    given = os.environ.get("SITE_URL", "")
    if not given and env_file.exists():
        for line in env_file.read_text().splitlines():
            key, _sign, value = line.partition("=")
            if key.strip() == "SITE_URL":
                given = value.strip().strip("'\"")
    return (given or f"http://127.0.0.1:{port}").rstrip("/")


def start() -> int:
    setup("")
    manage("migrate", "--no-input", "--verbosity", "0")
    manage("seed_demo")
    port = os.environ.get("PORT", "8000")
    url = f"http://127.0.0.1:{port}/"
    # Links in the emails the worker sends (password resets, plans) lead here.
    os.environ["SITE_URL"] = site_url(port)
    commands = {
        "web": [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        "worker": [
            BIN / "celery",
            "-A",
            "advisor",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
        ],
        "beat": [BIN / "celery", "-A", "advisor", "beat", "--loglevel", "INFO"],
    }
    processes: dict[str, subprocess.Popen] = {}

    def stop_all() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
        for name, proc in processes.items():
            if proc.poll() is None:
                say(f"stopping {name} (pid {proc.pid})")
                # The main process only: Celery then shuts its pool down warmly.
                proc.terminate()
        deadline = time.monotonic() + 10
        for proc in processes.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # anything it left behind

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for name, command in commands.items():
            # Each in its own process group, so that stopping one stops its children too.
            processes[name] = subprocess.Popen(
                [str(c) for c in command], cwd=ROOT, start_new_session=True
            )
        if wait_for(url + "healthz", processes, seconds=60):
            say(f"Leap is running at {url}")
            say("demo member:     member@example.com / leap-demo-member")
            say("demo counsellor: counsellor@example.com / leap-demo-counsellor")
            say(f"health: {url}healthz   admin: {url}admin/   press Ctrl-C to stop")
        while all(proc.poll() is None for proc in processes.values()):
            time.sleep(0.5)
        failed = [name for name, proc in processes.items() if proc.poll() is not None]
        say(f"{', '.join(failed)} stopped unexpectedly; stopping the rest")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop_all()


def wait_for(url: str, processes: dict[str, subprocess.Popen], seconds: float) -> bool:
    """Wait until /healthz says every service is up; report what is still down."""
    deadline = time.monotonic() + seconds
    status = "no answer"
    while time.monotonic() < deadline:
        if any(proc.poll() is not None for proc in processes.values()):
            return False
        try:
            with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return True
        except urllib.error.HTTPError as exc:
            status = exc.read().decode(errors="replace")
        except OSError:
            pass
        time.sleep(0.5)
    say(f"still not healthy after {seconds:.0f}s: {status}")
    return False


def test(pytest_args: list[str]) -> int:
    setup("test")
    env = {**os.environ, "CELERY_QUEUE": f"leap-test-{os.getpid()}"}
    steps = [
        ("ruff check", [BIN / "ruff", "check", "."]),
        ("ruff format --check", [BIN / "ruff", "format", "--check", "."]),
        ("migrations check", [PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"]),
        ("pytest", [BIN / "pytest", *pytest_args]),
    ]
    for name, command in steps:
        say(name)
        result = subprocess.run([str(c) for c in command], cwd=ROOT, env=env, check=False)
        if result.returncode != 0:
            say(f"{name} failed (exit {result.returncode})")
            return result.returncode
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["test"]:
        return test(argv[1:])
    if argv in (["install"], ["install", "test"]):
        ensure_venv(argv[1] if len(argv) > 1 else "")
        return 0
    if argv in (["lock"], ["lock", "--upgrade"]):
        return make_locks(upgrade=len(argv) > 1)
    if argv in ([], ["start"]):
        return start()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
