"""10,000 hostile requests to gunicorn (DEBUG off): how many answer 5xx? Target: none.

Run from the project root:  .venv/bin/python bench/fuzz.py [--requests 10000] [--seed 17]
See bench/README.md. Exit status: 0 when no request got a 5xx, 2 when some did, 1 when
the benchmark could not run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    HOST,
    BenchError,
    Client,
    count,
    database,
    free_port,
    in_scratch_dir,
    manage,
    recovery_codes,
    setup_django,
)
from bench.step_save import (  # noqa: E402
    server_env,
    start_server,
    stop_server,
    wait_until_ready,
)

PASSWORD = "bench-fuzz-password-long"  # noqa: S105
RELOG_EVERY = 200  # requests between fresh log-ins (the fuzz logs people out)


class Session(Client):
    """One person's connection and cookies, as a browser would keep them."""

    def send(self, method: str, path: str, body: bytes = b"", headers=None, content_type=""):
        headers = dict(headers or {})
        if method not in ("GET", "HEAD", "OPTIONS") and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]  # as htmx sends it
        if content_type:
            headers["Content-Type"] = content_type
        reply = self._send(method, path, body or None, headers)
        return reply.status, reply.body

    def log_in(self, email: str, code: str | None) -> None:
        self.send("GET", "/accounts/login/")
        form = {"username": email, "password": PASSWORD}
        status, _ = self.send("POST", "/accounts/login/", urlencode(form).encode(), None, FORM)
        if status != 302:
            raise BenchError(f"log-in of {email} answered {status}")
        if code:
            body = urlencode({"code": code}).encode()
            status, page = self.send("POST", "/accounts/login/code/", body, None, FORM)
            if status != 302:
                raise BenchError(f"second factor of {email} answered {status}: {page[-2000:]!r}")


FORM = "application/x-www-form-urlencoded"


def seed() -> dict[str, list[str]]:
    """Alice and Bob with a submission each, a counsellor and an admin with two-factor
    sign-in. Returns the ids to fuzz with."""
    from advisor.members.submit import submit
    from advisor.plans.models import Plan
    from profiles.models import Draft, User
    from profiles.personas import LI_JING, MEI_CHEN

    ids: dict[str, list[str]] = {"submission_id": [], "plan_id": []}
    for email, answers in [("alice@example.com", LI_JING), ("bob@example.com", MEI_CHEN)]:
        member = User.objects.create_user(email, PASSWORD)
        submission = submit(
            Draft.objects.create(owner=member, answers=answers), consent_review=True
        )
        ids["submission_id"].append(str(submission.pk))
        plans = Plan.objects.filter(submission=submission).values_list("pk", flat=True)
        ids["plan_id"] += [str(pk) for pk in plans]
    counsellor = User.objects.create_user("carol@example.com", PASSWORD)
    counsellor.make_counsellor()
    admin = User.objects.create_superuser("admin@example.com", PASSWORD)
    recovery_codes(counsellor, 1)
    recovery_codes(admin, 1)
    return ids


def fresh_code(email: str) -> str:
    """A recovery code to log in with, written to the database now: the fuzz may have
    made new codes (which voids the old ones) since the last log-in."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from profiles.models import User

    user = User.objects.get(email=email)
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    return StaticToken.objects.create(device=device, token=StaticToken.random_token()).token


def run(args: argparse.Namespace, tmp: Path) -> int:
    with database(tmp) as (database_url, described):
        # Lockouts would soon lock out the address the run comes from (the fuzz fails
        # many log-ins); they are not what this measures.
        env = server_env(database_url, tmp / "static")
        env["LOGIN_FAILURE_LIMIT"] = env["LOGIN_ADDRESS_FAILURE_LIMIT"] = "1000000"
        env["CELERY_QUEUE"] = f"leap-fuzz-{args.seed}-{int(time.time())}"
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        setup_django(env)
        from advisor.celery import app
        from bench.hostile import Generator

        ids = seed()
        port = free_port()
        log = tmp / "gunicorn.log"
        server = start_server(env, port, args.workers, log)
        try:
            wait_until_ready(server, port, log)
            print(f"database: {described}")
            print(f"gunicorn: {HOST}:{port}, {args.workers} sync workers, DEBUG off")
            statuses, failures, seconds = fuzz(args, port, ids, Generator)
        finally:
            stop_server(server)
            app.control.purge()  # the emails and plans the fuzz asked for: no worker runs
    return report(args, statuses, failures, seconds, log)


def fuzz(args, port, ids, generator_class):
    generator = generator_class(args.seed, ids=ids)
    statuses: Counter = Counter()
    failures: list[str] = []
    sessions: list[Session] = []
    started = time.monotonic()
    for number in range(args.requests):
        if number % RELOG_EVERY == 0:
            sessions = [Session(port) for _ in range(4)]
            sessions[0].send("GET", "/")  # a visitor, with a CSRF cookie
            sessions[1].log_in("alice@example.com", None)
            sessions[2].log_in("carol@example.com", fresh_code("carol@example.com"))
            sessions[3].log_in("admin@example.com", fresh_code("admin@example.com"))
        request = generator.request()
        session = sessions[0 if request.by_visitor else number % len(sessions)]
        try:
            status, _ = session.send(
                request.method, request.path, request.body, request.headers, request.content_type
            )
        except (OSError, http.client.HTTPException) as exc:
            statuses["no answer"] += 1
            failures.append(f"no answer ({exc!r}): {request}")
            continue
        healthz = request.path.startswith("/healthz")
        key = "503 /healthz" if status == 503 and healthz else status
        statuses[key] += 1
        if status >= 500 and not healthz:
            failures.append(f"{status}: {request}")
    return statuses, failures, time.monotonic() - started


def report(args, statuses: Counter, failures: list[str], seconds: float, log: Path) -> int:
    print(f"{args.requests} hostile requests (seed {args.seed}) in {seconds:.0f} s\n")
    for status, number in sorted(statuses.items(), key=lambda item: str(item[0])):
        print(f"  {status!s:>14}  {number}")
    print(
        "\n  (/healthz answers 503 by design here: no Celery worker runs, so none answers its ping)"
    )
    print(f"\n5xx (or no answer): {len(failures)} of {args.requests}  (target 0)")
    for failure in failures[:10]:
        print(f"  {failure}", file=sys.stderr)
    errors = [
        entry
        for entry in map(_entry, log.read_text().splitlines())
        if entry.get("level") == "ERROR" and "/healthz" not in str(entry.get("request"))
    ]
    by_logger = Counter(str(entry.get("logger")) for entry in errors)
    print(f"\nserver log lines at ERROR: {len(errors)}")
    for logger, number in by_logger.most_common():
        print(f"  {number:>6}  {logger}")
    for entry in errors[:3]:
        # The message, and the end of the traceback: where it broke, not how it got there.
        print(f"\nserver log, an error: {entry.get('logger')}: {entry.get('message')}\n"
              f"{entry.get('request')}\n...{str(entry.get('exception', ''))[-3000:]}",
              file=sys.stderr)  # fmt: skip
    return 2 if failures else 0


def _entry(line: str) -> dict:
    """A JSON line of the server's log as a dict; anything else as its text."""
    try:
        entry = json.loads(line)
    except ValueError:
        return {"message": line}
    return entry if isinstance(entry, dict) else {"message": line}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=count, default=10_000, help="hostile requests")
    parser.add_argument("--seed", type=int, default=17, help="the generator's seed")
    parser.add_argument("--workers", type=count, default=2, help="gunicorn workers")
    args = parser.parse_args(argv)
    return in_scratch_dir(lambda tmp: run(args, tmp))


if __name__ == "__main__":
    sys.exit(main())
