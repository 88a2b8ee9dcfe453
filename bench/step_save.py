"""Questionnaire step-save throughput under gunicorn, as a ratio of a bare Django view.

Run from the project root:  .venv/bin/python bench/step_save.py
See bench/README.md for what is measured and how to read the result.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    HOST,
    BenchError,
    Client,
    Reply,
    count,
    database,
    django_env,
    free_port,
    in_scratch_dir,
    manage,
    stop_process,
)

BIN = Path(sys.executable).parent
TARGET_PERCENT = 40.0
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
BARE_PATH = "/bench/bare"
STEP_PATH = "/questionnaire/work/"
STEP_NEXT = "/questionnaire/strain/"
STEP_FIELDS = {
    "role": "engineer",
    "years_experience": "8",
    "employer_type": "big_tech",
    "hours_per_week": "72",
    "weekend_days_worked": "1",
    "online_after_six": "every_day",
    "layoff_worry": "high",
    "nav": "next",
}
DRAFT_RE = re.compile(r'<input[^>]*name="draft_id"[^>]*>')
VALUE_RE = re.compile(r'value="([^"]*)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- Targets: what one client does, once set up ---------------------------------

Request = Callable[[], str | None]  # returns None when the answer is right, else a description


def bare_request(client: Client) -> Request:
    def run() -> str | None:
        reply = client.get(BARE_PATH)
        return None if reply.status == 200 else f"GET {BARE_PATH} -> {reply.status}"

    return run


def _expect(reply: Reply, status: int, what: str) -> Reply:
    if reply.status != status:
        raise BenchError(f"{what}: expected {status}, got {reply.status}: {reply.body[:300]!r}")
    return reply


def _csrf_token(client: Client, page: bytes) -> str:
    found = CSRF_RE.search(page.decode())
    token = found.group(1) if found else client.cookies.get("csrftoken", "")
    if not token:
        raise BenchError("no CSRF token in the step page nor in the cookies")
    return token


def _draft_id(page: bytes) -> str:
    tag = DRAFT_RE.search(page.decode())
    value = VALUE_RE.search(tag.group(0)) if tag else None
    if value is None or not value.group(1):
        raise BenchError("no draft_id in the step page after the first save")
    return value.group(1)


def step_save_request(client: Client) -> Request:
    """GET the step, POST it once to create the draft, GET again to read the draft id."""
    page = _expect(client.get(STEP_PATH), 200, f"first GET {STEP_PATH}").body
    token = _csrf_token(client, page)
    first = {**STEP_FIELDS, "draft_id": "", "csrfmiddlewaretoken": token}
    _expect(client.post(STEP_PATH, first), 302, f"first POST {STEP_PATH}")
    if "sessionid" not in client.cookies:
        raise BenchError("the first step save set no session cookie")
    page = _expect(client.get(STEP_PATH), 200, f"second GET {STEP_PATH}").body
    form = {**STEP_FIELDS, "draft_id": _draft_id(page), "csrfmiddlewaretoken": token}
    # Every save changes an answer (72 hours, then 73, ...), as an autosave does.
    forms = [form, {**form, "hours_per_week": str(int(form["hours_per_week"]) + 1)}]
    sent = 0

    def run() -> str | None:
        nonlocal sent
        reply = client.post(STEP_PATH, forms[sent % 2])
        sent += 1
        if reply.status == 302 and reply.location.endswith(STEP_NEXT):
            return None
        return f"POST {STEP_PATH} -> {reply.status} {reply.location or reply.body[:120]!r}"

    return run


TARGETS: dict[str, Callable[[Client], Request]] = {
    "bare": bare_request,
    "step_save": step_save_request,
}


# --- Measuring ----------------------------------------------------------------


@dataclass
class Worker:
    run: Request
    count: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def loop(self, start: threading.Barrier) -> None:
        start.wait()
        for _ in range(self.count):
            began = time.perf_counter()
            try:
                problem = self.run()
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            self.latencies.append(time.perf_counter() - began)
            if problem is not None:
                self.errors.append(problem)


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    client_cpu: float
    latencies: list[float]
    errors: list[str]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, percent: float) -> float:
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))
        return ordered[index] * 1000 if ordered else 0.0


def warm_up(runs: list[Request], count: int) -> None:
    for run in runs:
        for _ in range(count):
            problem = run()
            if problem is not None:
                raise BenchError(f"warm-up: {problem}")


def measure(
    name: str,
    make: Callable[[Client], Request],
    port: int,
    clients: int,
    requests: int,
    warmup: int,
) -> Result:
    """`clients` threads, each with its own connection set up by `make`, all at once."""
    connections = [Client(port) for _ in range(clients)]
    try:
        runs = [make(client) for client in connections]
        warm_up(runs, warmup)
        workers = [Worker(run, requests) for run in runs]
        start = threading.Barrier(clients + 1)
        threads = [threading.Thread(target=w.loop, args=(start,), daemon=True) for w in workers]
        for thread in threads:
            thread.start()
        start.wait()
        began, cpu_began = time.perf_counter(), time.process_time()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - began
        client_cpu = time.process_time() - cpu_began
    finally:
        for client in connections:
            client.close()
    return Result(
        name=name,
        requests=clients * requests,
        seconds=seconds,
        client_cpu=client_cpu,
        latencies=[t for w in workers for t in w.latencies],
        errors=[e for w in workers for e in w.errors],
    )


# --- Server -------------------------------------------------------------------


def server_env(database_url: str, static_root: Path) -> dict[str, str]:
    return django_env(
        database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_STATIC_ROOT=str(static_root),
        # gunicorn.conf.py recycles a worker every ~2,000 requests: its start-up (a second
        # of CPU) would land on whichever target runs then, in a run of a few thousand.
        GUNICORN_MAX_REQUESTS="0",
    )


def start_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "advisor.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        "--log-level=warning",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)


def wait_until_ready(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            client = Client(port)
            status = client.get(BARE_PATH).status
            client.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer within {READY_TIMEOUT}s:\n{log.read_text()}")


def stop_server(server: subprocess.Popen) -> None:
    stop_process(server, timeout=STOP_TIMEOUT)


# --- Report -------------------------------------------------------------------


def print_table(results: list[Result]) -> None:
    print(
        f"{'target':<10} {'requests':>8} {'seconds':>8} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'client CPU s':>12}"
    )
    for r in results:
        print(
            f"{r.name:<10} {r.requests:>8} {r.seconds:>8.2f} {r.rate:>9.1f}"
            f" {r.percentile_ms(50):>8.1f} {r.percentile_ms(95):>8.1f} {r.client_cpu:>12.2f}"
        )


def combined(name: str, results: list[Result]) -> Result:
    """One target's rounds as one: all their requests over all their time."""
    return Result(
        name=name,
        requests=sum(r.requests for r in results),
        seconds=sum(r.seconds for r in results),
        client_cpu=sum(r.client_cpu for r in results),
        latencies=[t for r in results for t in r.latencies],
        errors=[e for r in results for e in r.errors],
    )


def report(rounds: list[list[Result]], target: float) -> int:
    """Every round's rates and ratio, then all rounds together; the verdict is the median
    round's ratio, which a slow spell of a shared machine in a few rounds does not move."""
    percents = []
    print(f"{'round':>5} {'bare req/s':>11} {'step_save req/s':>16} {'ratio':>7}")
    for number, results in enumerate(rounds, 1):
        by_name = {r.name: r for r in results}
        percents.append(100 * by_name["step_save"].rate / by_name["bare"].rate)
        print(
            f"{number:>5} {by_name['bare'].rate:>11.1f} {by_name['step_save'].rate:>16.1f}"
            f" {percents[-1]:>6.1f}%"
        )
    names = [r.name for r in rounds[0]]
    totals = [
        combined(name, [r for results in rounds for r in results if r.name == name])
        for name in names
    ]
    print("\nall rounds together:")
    print_table(totals)
    percent = statistics.median(percents)
    verdict = "PASS" if percent >= target else "FAIL"
    print(f"\nmedian step_save / bare = {percent:.1f}%  (target >= {target:.0f}%): {verdict}")
    failed = False
    for r in totals:
        if r.errors:
            failed = True
            print(f"\n{r.name}: {len(r.errors)} errors; first ones:", file=sys.stderr)
            for error in r.errors[:5]:
                print(f"  {error}", file=sys.stderr)
    if failed:
        return 1
    return 0 if verdict == "PASS" else 2


# --- Main ---------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=count, default=8, help="concurrent clients (threads)")
    parser.add_argument("--requests", type=count, default=60, help="measured requests per client")
    parser.add_argument(
        "--rounds", type=count, default=21, help="rounds of both targets, back to back"
    )
    parser.add_argument("--workers", type=count, default=2, help="gunicorn workers")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up requests per client")
    parser.add_argument("--target", type=float, default=TARGET_PERCENT, help="pass mark, %%")
    args = parser.parse_args(argv)
    return args


def measure_on_server(
    args: argparse.Namespace,
    env: dict[str, str],
    tmp: Path,
    described: str,
    targets: dict[str, Callable[[Client], Request]],
) -> list[list[Result]]:
    """Start gunicorn; each round, measure each target in turn; stop it. Rounds make a
    shared machine's slow spells lower both rates of a round rather than the ratio."""
    port = free_port()
    log = tmp / "gunicorn.log"
    server = start_server(env, port, args.workers, log)
    try:
        wait_until_ready(server, port, log)
        print(f"database: {described}")
        print(
            f"gunicorn: {HOST}:{port}, {args.workers} sync workers; clients: {args.clients}"
            f" threads x {args.requests} requests (+{args.warmup} warm-up), {args.rounds}"
            f" rounds; CPUs: {os.cpu_count()}\n"
        )
        return [
            [
                measure(name, make, port, args.clients, args.requests, args.warmup)
                for name, make in targets.items()
            ]
            for _round in range(args.rounds)
        ]
    finally:
        stop_server(server)


def run(args: argparse.Namespace, tmp: Path) -> int:
    with database(tmp) as (database_url, described):
        env = server_env(database_url, tmp / "static")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        rounds = measure_on_server(args, env, tmp, described, TARGETS)
    return report(rounds, args.target)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return in_scratch_dir(lambda tmp: run(args, tmp))


if __name__ == "__main__":
    sys.exit(main())
