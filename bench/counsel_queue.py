"""The counsellor queue with 100,000 reviews under gunicorn, as a ratio of a bare view.

Run from the project root:  .venv/bin/python bench/counsel_queue.py [--submissions 100000]
See bench/README.md. Exit status: 0 when it ran (the figure is reported, not judged), 1 when
it could not run or a request got a wrong answer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    count,
    database,
    in_scratch_dir,
    manage,
    recovery_codes,
    setup_django,
)
from bench.step_save import (  # noqa: E402
    Client,
    Request,
    Result,
    _csrf_token,
    _expect,
    bare_request,
    combined,
    measure_on_server,
    print_table,
    server_env,
)

QUEUE_PATH = "/counsel/"
FLOOR_PATH = "/counsel/replies/"
COUNSELLOR = ("bench-counsellor@example.com", "bench-counsellor-password")
CODES: list[str] = []  # one recovery code for each client's log-in (two-factor sign-in)
BATCH = 1000


def seed(count: int, logins: int) -> None:
    """`count` members, each with a submission under review, spread over statuses,
    archetypes, priorities and ages: what a busy queue holds; and a counsellor with a
    recovery code for each of `logins` log-ins."""
    from django.utils import timezone

    from advisor.advice import catalogue
    from advisor.counsel import rules
    from advisor.counsel.models import Review
    from profiles.models import Submission, User
    from profiles.personas import LI_JING, LIU_CHEN, MEI_CHEN, ZHANG_YIFEI

    counsellor = User.objects.create_user(*COUNSELLOR)
    counsellor.make_counsellor()
    CODES.extend(recovery_codes(counsellor, logins))
    people = [LI_JING, MEI_CHEN, LIU_CHEN, ZHANG_YIFEI]
    slugs = [a.slug for a in catalogue.archetypes()]
    statuses = list(Review.Status.values)
    now = timezone.now()
    for start in range(0, count, BATCH):
        numbers = range(start, min(count, start + BATCH))
        members = User.objects.bulk_create(
            [User(email=f"member{n}@example.com", password="!") for n in numbers]  # noqa: S106
        )
        submissions = Submission.objects.bulk_create(
            [
                Submission(
                    owner=member,
                    answers=people[n % 4],
                    schema_version=1,
                    consent_processing=True,
                    consent_review=True,
                    draft_token=uuid.uuid4(),
                )
                for n, member in zip(numbers, members, strict=True)
            ]
        )
        reviews = []
        for n, submission in zip(numbers, submissions, strict=True):
            priority, high_strain = rules.priority_of(submission.answers)
            opened = now - timedelta(hours=n % 500)
            reviews.append(
                Review(
                    submission=submission,
                    status=statuses[n % len(statuses)],
                    archetype=slugs[n % len(slugs)],
                    priority=priority,
                    high_strain=high_strain,
                    assignee=counsellor if n % 3 == 0 else None,
                    created_at=opened,
                    clock_from=opened,
                )
            )
        Review.objects.bulk_create(reviews)
    settle()


def settle() -> None:
    """Vacuum and analyse what was just loaded, as a database in service is: otherwise
    autovacuum wakes up on the new rows in the middle of the measurement, on the same
    two cores, and the planner works without statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def queue_request(client: Client) -> Request:
    """Log the counsellor in, then GET the queue's first page."""
    return counsellor_request(client, QUEUE_PATH, b"member")


def floor_request(client: Client) -> Request:
    """Log the counsellor in, then GET the cheapest page behind the same log-in: their
    saved replies, none. What any counsellor page costs before it shows anything (the
    session, two factors, the permission, the layout): the queue cannot be cheaper."""
    return counsellor_request(client, FLOOR_PATH, b"saved")


def counsellor_request(client: Client, path: str, expected: bytes) -> Request:
    page = _expect(client.get("/accounts/login/"), 200, "GET the login page").body
    form = {
        "username": COUNSELLOR[0],
        "password": COUNSELLOR[1],
        "csrfmiddlewaretoken": _csrf_token(client, page),
    }
    _expect(client.post("/accounts/login/", form), 302, "log in")
    form = {"code": CODES.pop(), "csrfmiddlewaretoken": form["csrfmiddlewaretoken"]}
    _expect(client.post("/accounts/login/code/", form), 302, "log in: the second factor")

    def run() -> str | None:
        reply = client.get(path)
        if reply.status == 200 and expected in reply.body:
            return None
        return f"GET {path} -> {reply.status}"

    return run


def run(args: argparse.Namespace, tmp: Path) -> int:
    with database(tmp) as (database_url, described):
        env = server_env(database_url, tmp / "static")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        setup_django(env)
        # Each client logs in afresh for each signed-in target in each round.
        seed(args.submissions, logins=args.clients * 2 * args.rounds)
        described += f", {args.submissions} submissions under review"
        targets = {"bare": bare_request, "floor": floor_request, "queue": queue_request}
        rounds = measure_on_server(args, env, tmp, described, targets)
    return report(rounds)


def report(rounds: list[list[Result]]) -> int:
    """Each round's rates and ratios, then all rounds together; the figures are the median
    rounds', which a slow spell of a shared machine in one round does not move."""
    ratios = {"queue / bare": [], "floor / bare": [], "queue / floor": []}
    print(f"{'round':>5} {'bare':>9} {'floor':>9} {'queue':>9}   req/s; queue / bare")
    for number, (bare, floor, queue) in enumerate(rounds, 1):
        ratios["queue / bare"].append(100 * queue.rate / bare.rate)
        ratios["floor / bare"].append(100 * floor.rate / bare.rate)
        ratios["queue / floor"].append(100 * queue.rate / floor.rate)
        print(
            f"{number:>5} {bare.rate:>9.1f} {floor.rate:>9.1f} {queue.rate:>9.1f}"
            f"   {ratios['queue / bare'][-1]:.1f}%"
        )
    totals = [combined(r[0].name, list(r)) for r in zip(*rounds, strict=True)]
    print("\nall rounds together:")
    print_table(totals)
    notes = {
        "queue / bare": "(issue 26 asks for 20%)",
        "floor / bare": "(a counsellor page showing nothing)",
        "queue / floor": "",
    }
    print()
    for name, values in ratios.items():
        print(f"median {name} = {statistics.median(values):.1f}%  {notes[name]}".rstrip())
    errors = [e for r in totals for e in r.errors]
    for error in errors[:5]:
        print(f"  {error}", file=sys.stderr)
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--submissions", type=count, default=100_000, help="reviews to seed (one submission each)"
    )
    parser.add_argument("--clients", type=count, default=4, help="concurrent clients (threads)")
    parser.add_argument("--requests", type=count, default=100, help="measured requests per client")
    parser.add_argument("--workers", type=count, default=2, help="gunicorn workers")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per client")
    parser.add_argument("--rounds", type=count, default=5, help="rounds of the three targets")
    args = parser.parse_args(argv)
    return in_scratch_dir(lambda tmp: run(args, tmp))


if __name__ == "__main__":
    sys.exit(main())
