"""End-to-end plans per second through Redis and a real worker, as a ratio of no-op tasks.

Run from the project root:  .venv/bin/python bench/plans.py [--plans 200] [--concurrency 2]
See bench/README.md. Exit status: 0 at or above the target, 2 below, 1 when it could not run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import BenchError, database, django_env, in_scratch_dir, manage, setup_django  # noqa: E402

BIN = Path(sys.executable).parent
TARGET_PERCENT = 50.0
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
TIMEOUT = 300.0  # seconds for any one phase: loops are bounded


def bench_env(database_url: str, queue: str) -> dict[str, str]:
    return django_env(
        database_url,
        DJANGO_SETTINGS_MODULE="advisor.settings",
        REDIS_URL=os.environ.get("REDIS_URL") or DEFAULT_REDIS,
        CELERY_QUEUE=queue,
        PLAN_PDF="false",  # PDF rendering is timed on its own, below
        PYTHONPATH=str(ROOT),
    )


def start_worker(env: dict[str, str], concurrency: int, log: Path) -> subprocess.Popen:
    command = [
        str(BIN / "celery"), "-A", "advisor", "worker", "--include", "bench.tasks",
        "--pool", "prefork", "--concurrency", str(concurrency), "--loglevel", "WARNING",
        "--without-mingle", "--without-gossip", "--hostname", f"bench-{os.getpid()}@%h",
    ]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def wait_for_worker(worker: subprocess.Popen, log: Path) -> None:
    from advisor.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise BenchError(f"the worker exited with {worker.returncode}:\n{log.read_text()}")
        if app.control.ping(destination=[f"bench-{os.getpid()}@{os.uname().nodename}"], timeout=1):
            return
    raise BenchError(f"the worker did not answer within 60 s:\n{log.read_text()}")


def noop_run(count: int) -> float:
    """Seconds from sending the first of `count` no-op tasks to the last one's result."""
    from celery.result import ResultSet

    from bench.tasks import noop

    began = time.perf_counter()
    results = ResultSet([noop.delay() for _ in range(count)])
    results.join(timeout=TIMEOUT, propagate=True)
    return time.perf_counter() - began


def make_plans(count: int) -> list:
    """Queued plans for `count` members, in the database and not yet sent."""
    from advisor.models import Plan
    from profiles.models import Submission, User
    from profiles.personas import LI_JING, LIU_CHEN, MEI_CHEN, ZHANG_YIFEI

    people = [LI_JING, MEI_CHEN, LIU_CHEN, ZHANG_YIFEI]
    plans = []
    for number in range(count):
        member = User.objects.create_user(f"bench-{uuid.uuid4().hex}@example.com", None)
        submission = Submission.objects.create(
            owner=member,
            answers=people[number % len(people)],
            schema_version=1,
            consent_processing=True,
            draft_token=uuid.uuid4(),
        )
        plans.append(Plan.objects.create(submission=submission, version=1, archetype=""))
    return plans


def plan_run(count: int) -> float:
    """Seconds from sending the first of `count` plans to the last one being ready."""
    from django.db.models import Count, Q

    from advisor import matching, tasks
    from advisor.models import Plan

    plans = make_plans(count)
    for plan in plans:  # the archetype submit would have chosen, outside the timing
        plan.archetype = matching.rank(plan.submission.answers).best.archetype.slug
        plan.save(update_fields=["archetype"])
    ids = [plan.pk for plan in plans]
    # The bench's own database holds only its plans: count them all, cheaply, rather
    # than send the ids with every poll (which cost the workers a third of the CPU).
    counts = {
        "ready": Count("pk", filter=Q(status=Plan.Status.READY)),
        "failed": Count("pk", filter=Q(status=Plan.Status.FAILED)),
        "all": Count("pk"),
    }
    began = time.perf_counter()
    for plan_id in ids:
        if not tasks.enqueue(plan_id):
            raise BenchError("the broker refused a plan")
    deadline = began + TIMEOUT
    while (now := Plan.objects.aggregate(**counts))["ready"] < now["all"]:
        if now["failed"]:
            raise BenchError("a plan failed; see the worker log")
        if time.perf_counter() > deadline:
            raise BenchError(f"plans not ready after {TIMEOUT:.0f} s")
        time.sleep(0.01)
    return time.perf_counter() - began


def pdf_times(rounds: int) -> list[float]:
    """Seconds to render one plan's PDF, `rounds` times, in this process."""
    from advisor import plans
    from advisor.models import Plan
    from profiles.personas import LI_JING

    plan = Plan(version=1, language="en", content=plans.build(answers=LI_JING))
    plan.submission = make_plans(1)[0].submission
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        pdf = plans.render_pdf(plan)
        times.append(time.perf_counter() - began)
        if not pdf.startswith(b"%PDF"):
            raise BenchError("the PDF renderer returned no PDF")
    return times


def run(args: argparse.Namespace, tmp: Path) -> int:
    queue = f"leap-bench-{os.getpid()}"
    with database(tmp) as (database_url, described):
        env = bench_env(database_url, queue)
        manage(env, "migrate", "--noinput")
        setup_django(env)
        log = tmp / "worker.log"
        worker = start_worker(env, args.concurrency, log)
        try:
            wait_for_worker(worker, log)
            print(f"database: {described}")
            print(f"broker: {env['REDIS_URL']} (queue {queue})")
            print(f"worker: prefork, concurrency {args.concurrency}; CPUs: {os.cpu_count()}\n")
            noop_run(20)  # warm-up: connections, imports, the worker's pool
            plan_run(4)
            noop_seconds = noop_run(args.plans)
            plan_seconds = plan_run(args.plans)
        finally:
            stop_worker(worker)
        pdf = pdf_times(args.pdf_rounds)
    noop_rate, plan_rate = args.plans / noop_seconds, args.plans / plan_seconds
    print(f"{'what':<34} {'count':>6} {'seconds':>8} {'per second':>11}")
    for name, seconds, rate in (
        ("no-op task (baseline)", noop_seconds, noop_rate),
        ("plan, end to end (PDF off)", plan_seconds, plan_rate),
    ):
        print(f"{name:<34} {args.plans:>6} {seconds:>8.2f} {rate:>11.1f}")
    print(
        f"\nPDF rendering, separately: median {statistics.median(pdf) * 1000:.0f} ms, "
        f"max {max(pdf) * 1000:.0f} ms over {len(pdf)} renders (first one included)"
    )
    percent = 100 * plan_rate / noop_rate
    verdict = "PASS" if percent >= args.target else "FAIL"
    print(f"\nplans / no-op = {percent:.1f}%  (target >= {args.target:.0f}%): {verdict}")
    return 0 if verdict == "PASS" else 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=200, help="plans (and no-op tasks) to run")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--pdf-rounds", type=int, default=10, help="PDF renders to time")
    parser.add_argument("--target", type=float, default=TARGET_PERCENT, help="pass mark, %%")
    args = parser.parse_args(argv)
    if min(args.plans, args.concurrency, args.pdf_rounds) < 1:
        parser.error("--plans, --concurrency and --pdf-rounds must be at least 1")
    return in_scratch_dir(lambda tmp: run(args, tmp))


if __name__ == "__main__":
    sys.exit(main())
