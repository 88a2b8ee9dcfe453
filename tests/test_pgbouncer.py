"""Behind PgBouncer in transaction mode, as docs/deployment.md sets it up: the counsellors'
CSV export streams its rows with a server-side cursor, which lives only as long as its
transaction there."""

import shutil
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from advisor.counsel.models import Review
from profiles.models import Submission, User
from profiles.personas import LI_JING
from tests import services

pytestmark = pytest.mark.integration

THROUGH_PGBOUNCER = """
import django
django.setup()
from django.test import Client
from advisor.counsel.models import Review
from profiles.models import User
from tests.conftest import log_in_verified

client = Client(SERVER_NAME="localhost")
log_in_verified(client, User.objects.get(email="carol@example.com"))
response = client.get("/counsel/export.csv")
print("export", response.status_code, len(response.content.decode().splitlines()) - 1)
try:  # what the export did before: a cursor outside any transaction
    print("bare", sum(1 for _ in Review.objects.all().iterator(chunk_size=500)))
except Exception as exc:
    print("bare failed", type(exc).__name__)
"""


@pytest.fixture
def pgbouncer(transactional_db):
    services.need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    services.need(shutil.which(services.PGBOUNCER) is not None, "pgbouncer")
    bouncer = services.PrivatePgBouncer()
    bouncer.start()
    yield bouncer
    bouncer.stop()


def test_the_csv_export_works_behind_pgbouncer_in_transaction_mode(
    transactional_db, redis_required, pgbouncer, carol_the_counsellor
):
    members = User.objects.bulk_create(
        [User(email=f"member{n}@example.com", password="!") for n in range(1200)]
    )
    now = timezone.now()
    submissions = Submission.objects.bulk_create(
        [
            Submission(owner=m, answers=LI_JING, schema_version=1, consent_processing=True,
                       consent_review=True, draft_token=uuid.uuid4())
            for m in members
        ]
    )  # fmt: skip
    Review.objects.bulk_create(
        [Review(submission=s, archetype="sustainable_switcher", created_at=now - timedelta(hours=1))
         for s in submissions]
    )  # fmt: skip
    env = services.child_env(DATABASE_URL=pgbouncer.url(), DB_PREPARED_STATEMENTS="false")
    result = subprocess.run(
        [sys.executable, "-c", THROUGH_PGBOUNCER],
        cwd=services.ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert "export 200 1200" in result.stdout, result.stdout + result.stderr[-3000:]
    # The reset between transactions is real: a cursor kept past its transaction is lost.
    assert "bare failed" in result.stdout
