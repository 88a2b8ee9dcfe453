"""Submit -> plan visible, in Chromium: how long a member waits to see their plan, on the
embedded default (SQLite, kombu's folder broker) and on PostgreSQL with Redis.

Run from the project root:  .venv/bin/python bench/visible.py [--plans 50]
See bench/README.md. Exit status: 0 when the p50 of every stack measured is under the
target (1.5 s), 2 when not, 1 when it could not run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    CHROMIUM_FLAGS,
    HOST,
    BenchError,
    Processes,
    count,
    django_env,
    free_port,
    in_scratch_dir,
    is_postgres,
    manage,
    percentile,
    postgres_database,
    setup_django,
    start_redis,
    wait_for,
    web_answers,
)

BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
TARGET_P50 = 1.5  # seconds
PASSWORD = "visible-bench-password-1234"  # noqa: S105 (a scratch account in a scratch database)
WARM_UP = 3  # rounds of each kind before measuring (fonts, connections, caches)
SEEN_TIMEOUT = 60_000  # ms: a plan not seen by then fails the run


STACKS = ["embedded", "postgres+redis"]


@dataclass
class Stack:
    name: str
    database_url: str
    redis: bool  # a redis-server of the bench's own for broker, cache and sessions

    @property
    def web(self) -> str:
        """runserver as `python3 leap.py` runs the embedded default; gunicorn as compose
        runs the production stack."""
        return "gunicorn" if self.redis else "runserver"


@dataclass
class Measured:
    stack: Stack
    result_page: list[float] = field(default_factory=list)  # submit -> "Ready." there
    plan_page: list[float] = field(default_factory=list)  # submit -> the plan's first section
    server: list[float] = field(default_factory=list)  # submission saved -> plan ready


def start_stack(stack: Stack, procs: Processes, port: int) -> None:
    if stack.web == "gunicorn":
        web = [str(BIN / "gunicorn"), "advisor.wsgi:application", "--bind", f"{HOST}:{port}"]
        procs.start("web", [*web, "--workers", "3"])
    else:
        procs.start(
            "web", [sys.executable, "manage.py", "runserver", "--noreload", f"{HOST}:{port}"]
        )
    celery = [str(BIN / "celery"), "-A", "advisor"]
    procs.start("worker", [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"])
    procs.start("beat", [*celery, "beat", "--loglevel", "INFO"])

    wait_for("the web server", lambda: web_answers(port), 60)
    wait_for("the worker", lambda: "ready." in procs.log("worker"), 60)


def submit_and_watch(page, owner, *, base_url: str, open_plan: bool) -> float:
    """Submit a complete draft from the review page; seconds from the click to the plan
    shown: "Ready." on the result page, or, having opened the plan at once, its first
    section on the plan page."""
    from playwright.sync_api import expect

    from profiles.models import Draft
    from profiles.personas import LI_JING

    Draft.objects.create(owner=owner, answers=LI_JING)
    page.goto(base_url + "/questionnaire/review/")
    page.get_by_label("I agree that Leap may process my answers").check()
    began = time.perf_counter()
    page.get_by_role("button", name="Submit my answers").click()
    if open_plan:
        page.get_by_role("link", name="Open the plan").click()
        seen = page.get_by_role("heading", name="The match and why")
    else:
        seen = page.get_by_text("Your plan (version 1): Ready.")
    expect(seen).to_be_visible(timeout=SEEN_TIMEOUT)
    return time.perf_counter() - began


def measure(stack: Stack, tmp: Path, plans: int) -> Measured:
    folder = tmp / stack.name.replace("+", "-")
    folder.mkdir()
    redis_port = free_port()
    env = django_env(
        stack.database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_STATIC_ROOT=str(folder / "static"),
        REDIS_URL=f"redis://{HOST}:{redis_port}/0" if stack.redis else "",
        CELERY_QUEUE=f"leap-visible-{os.getpid()}",
        CELERY_BEAT_SCHEDULE=str(folder / "celerybeat-schedule"),
        PYTHONPATH=str(ROOT),
    )
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    # Playwright's sync API runs an event loop in this thread; the ORM calls around it
    # are still plain synchronous code (as in tests/conftest.py).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    setup_django(env)
    from django.contrib.auth.hashers import make_password

    from advisor.plans.models import Plan
    from profiles.models import User

    procs = Processes(folder, env)
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    measured = Measured(stack)
    try:
        if stack.redis:
            start_redis(procs, redis_port, folder, appendonly=False)
        start_stack(stack, procs, port)
        password = make_password(PASSWORD)
        owner = User.objects.create(email="member@visible.example", password=password)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_context(locale="en-GB").new_page()
            page.goto(base_url + "/accounts/login/")
            page.get_by_label("Email address").fill(owner.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(base_url + "/")
            for n in range(2 * (WARM_UP + plans)):
                seconds = submit_and_watch(page, owner, base_url=base_url, open_plan=n % 2 == 1)
                if n < 2 * WARM_UP:
                    continue
                (measured.plan_page if n % 2 else measured.result_page).append(seconds)
            browser.close()
        ready = Plan.objects.select_related("submission").order_by("created_at")
        measured.server = [
            (p.finished_at - p.submission.created_at).total_seconds() for p in ready
        ][2 * WARM_UP :]
    finally:
        procs.stop_all()
    return measured


def report(results: list[Measured], plans: int) -> int:
    print(f"{plans} plans of each kind a stack; seconds from the click on Submit\n")
    print(
        f"{'stack':<15} {'web':<10} {'seen on':<12} {'p50':>6} {'p95':>6} {'max':>6}"
        f"   {'server: saved -> ready p50':>26}"
    )
    ok = True
    for m in results:
        for label, values in (("result page", m.result_page), ("plan page", m.plan_page)):
            p50 = percentile(values, 50)
            ok = ok and p50 < TARGET_P50
            print(
                f"{m.stack.name:<15} {m.stack.web:<10} {label:<12} {p50:>6.2f} "
                f"{percentile(values, 95):>6.2f} {max(values):>6.2f}"
                f"   {percentile(m.server, 50):>26.3f}"
            )
    print(f"\np50 under {TARGET_P50} s on every stack: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 2


def measure_apart(stack: Stack, tmp: Path, plans: int) -> Measured:
    """`measure` in a process of its own: Django's settings are made once a process."""
    command = [
        sys.executable, __file__, "--plans", str(plans), "--one", stack.name,
        "--database-url", stack.database_url, "--folder", str(tmp),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"the {stack.name} stack could not be measured:\n{done.stderr[-3000:]}")
    return Measured(stack, **json.loads(done.stdout.splitlines()[-1]))


def run(args: argparse.Namespace, tmp: Path) -> int:
    if not Path(CHROMIUM).exists():
        raise BenchError(f"Chromium is needed at {CHROMIUM} (or CHROMIUM_PATH)")
    results = []
    with contextlib.ExitStack() as scratch:
        if args.stack in ("all", "embedded"):
            embedded = Stack("embedded", f"sqlite:///{tmp / 'embedded.sqlite3'}", False)
            results.append(measure_apart(embedded, tmp, args.plans))
        given = os.environ.get("DATABASE_URL", "")
        if args.stack in ("all", "postgres+redis") and is_postgres(given):
            database_url = scratch.enter_context(postgres_database(given))
            production = Stack("postgres+redis", database_url, True)
            results.append(measure_apart(production, tmp, args.plans))
    if not results:
        raise BenchError("no stack to measure: postgres+redis needs DATABASE_URL (PostgreSQL)")
    return report(results, args.plans)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=count, default=50, help="plans of each kind a stack")
    parser.add_argument("--stack", choices=["all", *STACKS], default="all")
    # The parent's call of itself, once a stack (measure_apart):
    parser.add_argument("--one", choices=STACKS, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        stack = Stack(args.one, args.database_url, args.one == "postgres+redis")
        measured = measure(stack, args.folder, args.plans)
        print(json.dumps({k: getattr(measured, k) for k in ("result_page", "plan_page", "server")}))
        return 0
    return in_scratch_dir(lambda tmp: run(args, tmp))


if __name__ == "__main__":
    sys.exit(main())
