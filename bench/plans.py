"""End-to-end plans per second through Redis and a real worker, as a ratio of no-op tasks.

Run from the project root:  .venv/bin/python bench/plans.py [--plans 1000] [--rounds 5]
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
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    BenchError,
    count,
    database,
    django_env,
    in_scratch_dir,
    manage,
    setup_django,
)

BIN = Path(sys.executable).parent
TARGET_PERCENT = 50.0
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
WARM_UP = 200  # of each, before the measured rounds
TIMEOUT = 300.0  # seconds for any one phase: loops are bounded


def bench_env(database_url: str, queue: str, *, pdf: bool) -> dict[str, str]:
    return django_env(
        database_url,
        DJANGO_SETTINGS_MODULE="advisor.settings",
        REDIS_URL=os.environ.get("REDIS_URL") or DEFAULT_REDIS,
        CELERY_QUEUE=queue,
        # By default PDF rendering is timed on its own, below; --pdf runs the whole task.
        PLAN_PDF="true" if pdf else "false",
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


def wait_until(done, what: str) -> None:
    """Poll `done()` every 10 ms, for at most TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while not done():
        if time.monotonic() > deadline:
            raise BenchError(f"{what} not done after {TIMEOUT:.0f} s")
        time.sleep(0.01)


def since(began: datetime, last: datetime) -> float:
    return (last - began).total_seconds()


def noop_run(total: int) -> float:
    """Seconds from sending the first of `total` no-op tasks to the worker storing the
    last one's result (its `date_done`)."""
    from celery.result import ResultSet

    from bench.tasks import noop

    began = datetime.now(UTC)
    results = ResultSet([noop.delay() for _ in range(total)])
    # One EXISTS of every result's key in Redis per poll: as light as the plans' poll.
    backend = noop.backend
    keys = [backend.get_key_for_task(result.id) for result in results]
    wait_until(lambda: backend.client.exists(*keys) == total, "no-op tasks")
    results.join(timeout=TIMEOUT, propagate=True)
    return since(began, max(result.date_done for result in results))


def make_plans(total: int) -> list:
    """Queued plans for `total` members, in the database and not yet sent, each for the
    archetype that submitting would have chosen."""
    from advisor.advice import matching
    from advisor.plans.models import Plan
    from profiles.models import Submission, User
    from profiles.personas import LI_JING, LIU_CHEN, MEI_CHEN, ZHANG_YIFEI

    people = [LI_JING, MEI_CHEN, LIU_CHEN, ZHANG_YIFEI]
    best = [matching.rank(answers).best.archetype.slug for answers in people]
    plans = []
    for number in range(total):
        member = User.objects.create_user(f"bench-{uuid.uuid4().hex}@example.com", None)
        submission = Submission.objects.create(
            owner=member,
            answers=people[number % len(people)],
            schema_version=1,
            consent_processing=True,
            draft_token=uuid.uuid4(),
        )
        archetype = best[number % len(people)]
        plans.append(Plan.objects.create(submission=submission, version=1, archetype=archetype))
    return plans


def plan_run(total: int) -> float:
    """Seconds from sending the first of `total` plans to the workers having written,
    stored and emailed the last one, and stored its PDF with --pdf (the follow-up task
    renders it): the latest `emailed_at`, or PDF."""
    from django.db.models import Max

    from advisor.plans import lifecycle
    from advisor.plans.models import Plan

    ids = [plan.pk for plan in make_plans(total)]
    # The bench's own database holds only its plans: poll it cheaply (an index probe, not
    # a count of every plan, which cost the workers a third of the CPU).
    unfinished = Plan.objects.filter(status__in=[Plan.Status.QUEUED, Plan.Status.RUNNING])
    undelivered = Plan.objects.undelivered()
    began = datetime.now(UTC)
    for plan_id in ids:
        if not lifecycle.enqueue(plan_id):
            raise BenchError("the broker refused a plan")
    wait_until(lambda: not unfinished.exists() and not undelivered.exists(), "plans")
    if Plan.objects.exclude(status=Plan.Status.READY).exists():
        raise BenchError("a plan failed; see the worker log")
    last = Plan.objects.aggregate(email=Max("emailed_at"), pdf=Max("pdf__created_at"))
    return since(began, max(filter(None, last.values())))


def pdf_times(rounds: int) -> list[float]:
    """Seconds to render one plan's PDF, `rounds` times, in this process."""
    from advisor.advice import content
    from advisor.plans import worker
    from advisor.plans.models import Plan
    from profiles.personas import LI_JING

    plan = Plan(version=1, language="en", content=content.build(answers=LI_JING))
    plan.submission = make_plans(1)[0].submission
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        pdf = worker.render_pdf(plan)
        times.append(time.perf_counter() - began)
        if not pdf.startswith(b"%PDF"):
            raise BenchError("the PDF renderer returned no PDF")
    return times


def run(args: argparse.Namespace, tmp: Path) -> int:
    queue = f"leap-bench-{os.getpid()}"
    with database(tmp) as (database_url, described):
        env = bench_env(database_url, queue, pdf=args.pdf)
        manage(env, "migrate", "--noinput")
        setup_django(env)
        log = tmp / "worker.log"
        worker = start_worker(env, args.concurrency, log)
        try:
            wait_for_worker(worker, log)
            print(f"database: {described}")
            print(f"broker: {env['REDIS_URL']} (queue {queue})")
            print(f"worker: prefork, concurrency {args.concurrency}; CPUs: {os.cpu_count()}\n")
            # Warm-up, to measure the steady state: connections, imports, the pool's
            # processes and their caches (a first round after 4 plans ran ~20% slower).
            noop_run(WARM_UP)
            plan_run(WARM_UP)
            print(f"{'round':<6} {'count':>6} {'no-op/s':>9} {'plans/s':>9} {'plans / no-op':>14}")
            percents = []
            # Both in each round, one after the other: a slower spell of a shared machine
            # then lowers both rates rather than the ratio.
            for number in range(1, args.rounds + 1):
                noop_rate = args.plans / noop_run(args.plans)
                plan_rate = args.plans / plan_run(args.plans)
                percents.append(100 * plan_rate / noop_rate)
                print(
                    f"{number:<6} {args.plans:>6} {noop_rate:>9.1f} {plan_rate:>9.1f} "
                    f"{percents[-1]:>13.1f}%"
                )
        finally:
            stop_worker(worker)
        pdf = pdf_times(args.pdf_rounds)
    print(
        f"\nPDF rendering, separately: median {statistics.median(pdf) * 1000:.0f} ms, "
        f"max {max(pdf) * 1000:.0f} ms over {len(pdf)} renders (first one included)"
    )
    percent = statistics.median(percents)
    verdict = "PASS" if percent >= args.target else "FAIL"
    print(
        f"\nplans / no-op = {percent:.1f}%, the median of {len(percents)} rounds "
        f"(target >= {args.target:.0f}%): {verdict}"
    )
    return 0 if verdict == "PASS" else 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=count, default=1000, help="plans (and no-op tasks) to run")
    parser.add_argument("--rounds", type=count, default=5, help="rounds of both, for the median")
    parser.add_argument("--concurrency", type=count, default=2, help="worker processes")
    parser.add_argument("--pdf-rounds", type=count, default=10, help="PDF renders to time")
    parser.add_argument("--target", type=float, default=TARGET_PERCENT, help="pass mark, %%")
    parser.add_argument(
        "--pdf", action="store_true", help="the whole task, PDF included, as in production"
    )
    args = parser.parse_args(argv)
    return in_scratch_dir(lambda tmp: run(args, tmp))


if __name__ == "__main__":
    sys.exit(main())
