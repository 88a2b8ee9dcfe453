"""Plans under faults: members submit through the real HTTP flow while workers are killed
and Redis is stopped, wiped and frozen; lost, doubled and failed plans, and how long
members waited, beside a run without faults on the same stack.

Run from the project root:  .venv/bin/python bench/chaos.py [--submissions 200] [--rate 1.5]
See bench/README.md. Exit status: 0 when nothing is lost or doubled and the p95 wait under
faults is within 60 s of the one without, 2 when not, 1 when it could not run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    HOST,
    BenchError,
    Client,
    Processes,
    count,
    database,
    django_env,
    free_port,
    in_scratch_dir,
    manage,
    percentile,
    setup_django,
    start_redis,
    wait_for,
    web_answers,
)

BIN = Path(sys.executable).parent
TARGET_P95_GAP = 60.0  # seconds: faults may add this much to the members' p95 wait
MEMBERS = 20  # members submitting, each in turn; the rate is theirs together
WARM_UP = 6  # submissions before the measured phases (fonts, connections, caches)
PASSWORD = "chaos-bench-password-1234"  # noqa: S105 (scratch accounts in a scratch database)
DRAIN_POLL = 0.5


# --- Processes --------------------------------------------------------------------


def pool_children(pid: int) -> list[int]:
    """The pool processes of a Celery worker's main process (Linux's /proc)."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Stack:
    """Redis of its own, gunicorn, two Celery workers and beat, as docker-compose runs
    them (workers scaled to two), on a scratch database."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.redis_dir = folder / "redis"
        self.redis_dir.mkdir()
        self.redis_port = int(env["REDIS_URL"].rsplit(":", 1)[1].split("/")[0])
        self.web_port = free_port()
        self.procs = Processes(folder, env)

    # Redis, with an append-only file as compose keeps it: a stop keeps its data.
    def start_redis(self) -> None:
        start_redis(self.procs, self.redis_port, self.redis_dir, appendonly=True)

    def start(self) -> None:
        self.start_redis()
        celery = [str(BIN / "celery"), "-A", "advisor"]
        self.procs.start(
            "web",
            [
                str(BIN / "gunicorn"), "advisor.wsgi:application",
                "--bind", f"{HOST}:{self.web_port}", "--workers", "3",
            ],
        )  # fmt: skip
        for name in ("worker1", "worker2"):
            self.procs.start(
                name,
                [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2", "-n", f"{name}@%h"],
            )
        self.procs.start("beat", [*celery, "beat", "--loglevel", "INFO"])
        wait_for("gunicorn", lambda: web_answers(self.web_port), 60)
        for name in ("worker1", "worker2"):
            wait_for(name, lambda n=name: "ready." in self.procs.log(n), 60)

    def stop(self) -> None:
        self.procs.stop_all()


# --- Faults -------------------------------------------------------------------------


@dataclass
class Fault:
    at: float  # share of the phase's length
    name: str
    act: Callable[[Stack], str]


def busy(pid: int) -> bool:
    """Running on a CPU right now (Linux's /proc): a pool process at work on a task."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "R"
    except (OSError, IndexError):
        return False


def kill_pool_process(worker: str, look: float = 5.0) -> Callable[[Stack], str]:
    """SIGKILL one pool process of `worker`, as the OOM killer would; one at work on a
    task if one is seen working within `look` seconds."""

    def act(stack: Stack) -> str:
        deadline = time.monotonic() + look
        children: list[int] = []
        while time.monotonic() < deadline:
            children = pool_children(stack.procs.running[worker].pid)
            working = [child for child in children if busy(child)]
            if working:
                os.kill(working[0], signal.SIGKILL)
                return f"SIGKILL pool process {working[0]} of {worker}, at work"
            time.sleep(0.01)
        if not children:
            return f"{worker} had no pool process to kill"
        victim = random.choice(children)  # noqa: S311 (not cryptography)
        os.kill(victim, signal.SIGKILL)
        return f"SIGKILL pool process {victim} of {worker}, idle"

    return act


def kill_worker(worker: str, down: float = 3.0) -> Callable[[Stack], str]:
    def act(stack: Stack) -> str:
        pid = stack.procs.running[worker].pid
        stack.procs.signal(worker, signal.SIGKILL)  # main process and pool, at once
        stack.procs.running[worker].wait()
        time.sleep(down)  # compose's restart policy brings it back
        stack.procs.restart(worker)
        return f"SIGKILL {worker} (main {pid} and its pool), restarted {down:.0f} s later"

    return act


def stop_redis(down: float = 5.0) -> Callable[[Stack], str]:
    def act(stack: Stack) -> str:
        stack.procs.stop("redis")  # SIGTERM: it writes its append-only file
        time.sleep(down)
        stack.start_redis()
        return f"Redis stopped for {down:.0f} s, its data kept"

    return act


def wipe_redis(down: float = 3.0) -> Callable[[Stack], str]:
    def act(stack: Stack) -> str:
        stack.procs.signal("redis", signal.SIGKILL)
        stack.procs.running["redis"].wait()
        stack.procs.running.pop("redis")
        for path in stack.redis_dir.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        time.sleep(down)
        stack.start_redis()
        return f"Redis killed and wiped, empty again {down:.0f} s later"

    return act


def freeze_redis(frozen: float = 10.0) -> Callable[[Stack], str]:
    def act(stack: Stack) -> str:
        stack.procs.signal("redis", signal.SIGSTOP)
        time.sleep(frozen)
        stack.procs.signal("redis", signal.SIGCONT)
        return f"Redis frozen (SIGSTOP) for {frozen:.0f} s"

    return act


SCHEDULE = [
    Fault(0.08, "pool", kill_pool_process("worker1")),
    Fault(0.16, "freeze", freeze_redis()),
    Fault(0.30, "worker", kill_worker("worker2")),
    Fault(0.40, "pool", kill_pool_process("worker2")),
    Fault(0.50, "stop", stop_redis()),
    Fault(0.62, "pool", kill_pool_process("worker1")),
    Fault(0.72, "wipe", wipe_redis()),
    Fault(0.84, "worker", kill_worker("worker1")),
]


def inject(stack: Stack, schedule: list[Fault], length: float, began: float, done: list) -> None:
    for fault in schedule:
        delay = began + fault.at * length - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        at = time.monotonic() - began
        try:
            done.append((at, fault.act(stack)))
        except Exception as exc:  # reported, and the run goes on
            done.append((at, f"{fault.name} could not be injected: {exc!r}"))


# --- Members --------------------------------------------------------------------------


@dataclass
class Member:
    email: str
    client: Client
    sent: dict[str, float] = field(default_factory=dict)  # draft id -> time.time() of submit
    answered: list[float] = field(default_factory=list)  # seconds: submit to result page
    errors: list[str] = field(default_factory=list)

    def log_in(self) -> None:
        self.client.get("/accounts/login/")
        form = {
            "username": self.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": self.client.cookies["csrftoken"],
        }
        reply = self.client.post("/accounts/login/", form)
        if reply.status != 302:
            raise BenchError(f"{self.email} could not log in: {reply.status}")

    def submit(self, owner, answers: dict) -> None:
        """Open the review page with a complete draft, submit it, land on the result."""
        from profiles.models import Draft

        Draft.objects.filter(owner=owner).delete()  # left by a submit that failed
        draft = Draft.objects.create(owner=owner, answers=answers)
        try:
            self.client.get("/questionnaire/review/")
            form = {
                "draft_id": str(draft.pk),
                "consent_processing": "on",
                "csrfmiddlewaretoken": self.client.cookies["csrftoken"],
            }
            self.sent[str(draft.pk)] = time.time()
            began = time.monotonic()
            reply = self.client.post("/questionnaire/review/", form)
            if reply.status != 302:
                self.errors.append(f"submit answered {reply.status}")
                return
            result = self.client.get(reply.location)
            if result.status != 200:
                self.errors.append(f"result page answered {result.status}")
            self.answered.append(time.monotonic() - began)
        except OSError as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")


def submit_all(members: list[Member], owners: list, total: int, rate: float) -> float:
    """`total` submissions at `rate` a second, member after member; returns the seconds
    from the first to the last."""
    from profiles import personas

    people = [personas.LI_JING, personas.LIU_CHEN, personas.MEI_CHEN, personas.ZHANG_YIFEI]
    began = time.monotonic()

    def member_loop(index: int) -> None:
        for n in range(index, total, len(members)):
            delay = began + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            members[index].submit(owners[index], people[n % len(people)])

    threads = [threading.Thread(target=member_loop, args=(i,)) for i in range(len(members))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - began


# --- Measuring ----------------------------------------------------------------------


def everything_done(drafts: set[str]) -> bool:
    """Every submission made of these drafts has its plan finished, emailed and its PDF."""
    from advisor.plans.models import Plan

    plans = Plan.objects.filter(submission__draft_token__in=drafts)
    return not (plans.unfinished().exists() or plans.undelivered().exists())


def drain(drafts: set[str], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if everything_done(drafts):
            return True
        time.sleep(DRAIN_POLL)
    return False


@dataclass
class Outcome:
    name: str
    submits: int
    http_failures: int
    lost: int
    doubled: int
    failed_plans: int
    not_emailed: int
    retaken: int
    answered: list[float]
    waits: list[float]
    task_times: list[float]
    pdf_after: list[float]

    def wait(self, percent: float) -> float:
        return percentile(self.waits, percent)


def emails_by_plan(mail_dir: Path) -> Counter:
    """How many emails announced each plan (the file backend writes one file a batch)."""
    import re

    found: Counter = Counter()
    pattern = re.compile(r"/plans/([0-9a-f-]{36})/")
    for path in mail_dir.glob("*.log"):
        found.update(pattern.findall(path.read_text(errors="replace")))
    return found


def assess(name: str, members: list[Member], mail_dir: Path) -> Outcome:
    from advisor.plans.models import Plan
    from profiles.models import Submission

    sent = {draft: at for member in members for draft, at in member.sent.items()}
    submissions = Submission.objects.filter(draft_token__in=sent).prefetch_related("plans")
    emails = emails_by_plan(mail_dir)
    lost = doubled = failed = not_emailed = retaken = 0
    waits, task_times, pdf_after = [], [], []
    for submission in submissions:
        plans = list(submission.plans.all())
        doubled += len(plans) > 1
        plan = plans[0]
        if plan.status == Plan.Status.FAILED:
            failed += 1
            continue
        if plan.status != Plan.Status.READY:
            lost += 1
            continue
        retaken += plan.attempts > 1
        doubled += emails[str(plan.pk)] > 1
        not_emailed += emails[str(plan.pk)] == 0
        waits.append(plan.finished_at.timestamp() - sent[str(submission.draft_token)])
        if plan.attempts == 1:
            task_times.append((plan.finished_at - plan.started_at).total_seconds())
        if plan.has_pdf:
            pdf_after.append((plan.pdf.created_at - plan.finished_at).total_seconds())
    http_failures = sum(len(member.errors) for member in members)
    # A submit that failed before its submission was saved: the member saw an error.
    http_failures = max(http_failures, len(sent) - len(submissions))
    return Outcome(
        name,
        len(sent),
        http_failures,
        lost,
        doubled,
        failed,
        not_emailed,
        retaken,
        [seconds for member in members for seconds in member.answered],
        waits,
        task_times,
        pdf_after,
    )


def run_phase(
    name: str,
    stack: Stack,
    members: list[Member],
    owners: list,
    args: argparse.Namespace,
    schedule: list[Fault],
    mail_dir: Path,
) -> tuple[Outcome, list, bool]:
    for member in members:
        member.sent.clear()
        member.answered.clear()
        member.errors.clear()
    length = args.submissions / args.rate
    injected: list = []
    injector = threading.Thread(
        target=inject, args=(stack, schedule, length, time.monotonic(), injected)
    )
    injector.start()
    submit_all(members, owners, args.submissions, args.rate)
    injector.join()
    drafts = {draft for member in members for draft in member.sent}
    drained = drain(drafts, args.drain)
    return assess(name, members, mail_dir), injected, drained


# --- Report ---------------------------------------------------------------------------


def report(outcomes: list[Outcome], injected: list, drained: bool) -> int:
    print(
        f"{'phase':<10} {'submits':>7} {'failed':>7} {'lost':>5} {'doubled':>7} "
        f"{'no email':>8} {'wait p50':>9} {'p95':>7} {'max':>7}"
    )
    for o in outcomes:
        print(
            f"{o.name:<10} {o.submits:>7} {o.http_failures + o.failed_plans:>7} {o.lost:>5}"
            f" {o.doubled:>7} {o.not_emailed:>8} {o.wait(50):>8.1f}s {o.wait(95):>6.1f}s"
            f" {max(o.waits, default=float('nan')):>6.1f}s"
        )
    base, chaos = outcomes
    print(
        f"\n(failed: {chaos.http_failures} submits without a normal answer and "
        f"{chaos.failed_plans} plans failed under faults; {base.http_failures} and "
        f"{base.failed_plans} without. Plans written more than once because a run "
        f"died: {chaos.retaken} under faults, {base.retaken} without.)"
    )
    print(
        "\nsubmit to result page, as the member's browser waits for it: "
        + "; ".join(
            f"{o.name} p50 {percentile(o.answered, 50):.2f} s, "
            f"p95 {percentile(o.answered, 95):.2f} s, max {max(o.answered, default=0):.2f} s"
            for o in outcomes
        )
    )
    print("\nfaults, in seconds from the start of the phase:")
    for at, what in injected:
        print(f"  {at:6.1f}  {what}")
    print(
        "\nwithout faults, one run of the plan task (claim to ready): "
        f"p50 {percentile(base.task_times, 50) * 1000:.0f} ms, "
        f"p99 {percentile(base.task_times, 99) * 1000:.0f} ms, "
        f"max {max(base.task_times, default=float('nan')) * 1000:.0f} ms; "
        f"the PDF after the plan: p50 {percentile(base.pdf_after, 50):.2f} s, "
        f"p99 {percentile(base.pdf_after, 99):.2f} s"
    )
    gap = chaos.wait(95) - base.wait(95)
    ok = chaos.lost == base.lost == 0 and chaos.doubled == base.doubled == 0
    ok = ok and gap <= TARGET_P95_GAP and drained
    print(
        f"\np95 wait under faults - without = {gap:.1f} s (target <= {TARGET_P95_GAP:.0f} s); "
        f"lost {chaos.lost}, doubled {chaos.doubled}"
        f"{'' if drained else '; NOT ALL DONE before --drain ran out'}: "
        f"{'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 2


# --- Main -----------------------------------------------------------------------------


def run(args: argparse.Namespace, tmp: Path) -> int:
    mail_dir = tmp / "mail"
    mail_dir.mkdir()
    with database(tmp) as (database_url, described):
        env = django_env(
            database_url,
            DJANGO_SETTINGS_MODULE="bench.settings",
            BENCH_STATIC_ROOT=str(tmp / "static"),
            REDIS_URL=f"redis://{HOST}:{free_port()}/0",
            CELERY_QUEUE=f"leap-chaos-{os.getpid()}",
            CELERY_BEAT_SCHEDULE=str(tmp / "celerybeat-schedule"),
            # One file an email, to count each plan's (emails_by_plan).
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail_dir),
            PYTHONPATH=str(ROOT),
        )
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        setup_django(env)
        from django.contrib.auth.hashers import make_password

        from profiles.models import User

        password = make_password(PASSWORD)
        owners = [
            User.objects.create(email=f"member{n}@chaos.example", password=password)
            for n in range(MEMBERS)
        ]
        stack = Stack(tmp, env)
        try:
            stack.start()
            print(f"database: {described}; redis-server {HOST}:{stack.redis_port} (append-only)")
            print(
                f"gunicorn 3 workers, 2 Celery workers x 2 processes, beat; {args.submissions}"
                f" submissions a phase at {args.rate:g}/s from {MEMBERS} members; "
                f"CPUs: {os.cpu_count()}\n"
            )
            members = [Member(o.email, Client(stack.web_port, timeout=60)) for o in owners]
            for member in members:
                member.log_in()
            warm = argparse.Namespace(**{**vars(args), "submissions": WARM_UP})
            run_phase("warm-up", stack, members, owners, warm, [], mail_dir)
            base, _, drained = run_phase("no faults", stack, members, owners, args, [], mail_dir)
            chaos, injected, drained_too = run_phase(
                "faults", stack, members, owners, args, SCHEDULE, mail_dir
            )
            if args.logs:
                shutil.copytree(tmp, args.logs, dirs_exist_ok=True, ignore=_not_logs)
        finally:
            stack.stop()
    return report([base, chaos], injected, drained and drained_too)


def _not_logs(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if not n.endswith(".log") and n != "mail"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=count, default=200, help="per phase")
    parser.add_argument("--rate", type=float, default=1.5, help="submissions a second")
    parser.add_argument(
        "--drain", type=float, default=300, help="seconds to wait for the last plans"
    )
    parser.add_argument("--logs", type=Path, help="copy every process's log here")
    args = parser.parse_args(argv)
    if args.rate <= 0:
        parser.error("--rate must be above 0")
    return in_scratch_dir(lambda tmp: run(args, tmp))


if __name__ == "__main__":
    sys.exit(main())
