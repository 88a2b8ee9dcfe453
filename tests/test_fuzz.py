"""Hostile input answers 4xx, never 5xx: a bounded, seeded fuzz of every URL and form.

bench/hostile.py makes the requests (every URL pattern, forged and real ids, hostile
values, odd charsets and bodies); bench/fuzz.py sends 10,000 of them to gunicorn.
"""

import os
import traceback

import pytest
from django.test import Client

from advisor.members.submit import submit
from advisor.plans.models import Plan
from bench.hostile import Generator
from profiles.models import Draft
from profiles.personas import LI_JING, MEI_CHEN
from tests.conftest import log_in_verified

REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "800"))
SEED = int(os.environ.get("FUZZ_SEED", "17"))


@pytest.fixture
def people(alice, bob, carol_the_counsellor, admin_user, django_user_model):
    """Alice and Bob with a submission and a plan each, a counsellor and an admin, each
    logged in on a client of their own, and a visitor."""
    ids = {"submission_id": [], "plan_id": []}
    for member, answers in [(alice, LI_JING), (bob, MEI_CHEN)]:
        submission = submit(
            Draft.objects.create(owner=member, answers=answers), consent_review=True
        )
        ids["submission_id"].append(str(submission.pk))
        ids["plan_id"] += [
            str(pk)
            for pk in Plan.objects.filter(submission=submission).values_list("pk", flat=True)
        ]
    Draft.objects.create(owner=alice, answers={"hours_per_week": 70})
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=True)

    def clients():
        # Checking CSRF tokens as in production: the check reads the body, and a body
        # that cannot be read must not break it (nor the error pages after it).
        people = [Client(enforce_csrf_checks=True) for _ in range(4)]
        _visitor, member, counsellor, admin = people
        member.force_login(alice)
        log_in_verified(counsellor, carol_the_counsellor)
        log_in_verified(admin, admin_user)
        for client in people:
            client.get("/")  # the CSRF cookie, sent back in X-CSRFToken as htmx does
        return people

    return ids, clients


def test_hostile_requests_get_no_5xx(people, eager_tasks):
    ids, clients = people
    generator = Generator(SEED, ids=ids)
    failures, statuses = [], {}
    sessions = clients()
    for number in range(REQUESTS):
        if number % 100 == 0:
            sessions = clients()  # a fuzzed log-out or deletion must not end the run
        request = generator.request()
        client = sessions[0 if request.by_visitor else number % len(sessions)]
        token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
        try:
            response = client.generic(
                request.method,
                request.path,
                data=request.body,
                content_type=request.content_type or "application/octet-stream",
                headers={**request.headers, "X-CSRFToken": token},
            )
        except Exception:
            failures.append(f"{request}\n{traceback.format_exc(limit=-3)}")
            continue
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        # /healthz answers 503 by design here: no worker is running to answer its ping.
        if response.status_code >= 500 and not request.path.startswith("/healthz"):
            failures.append(f"{response.status_code}: {request}")
    print(f"statuses of {REQUESTS} hostile requests: {sorted(statuses.items())}")
    assert not failures, f"{len(failures)} of {REQUESTS} failed:\n" + "\n\n".join(failures[:10])
