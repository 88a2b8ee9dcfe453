"""A database made before the re-cut (plans and counsel in the `advisor` app) migrates to
the new layout with every row intact, on SQLite and on PostgreSQL.

Each database is a scratch one of its own, migrated by `manage.py` in a child process:
first to where `main` stood (advisor 0003, profiles 0004), filled with one of every row
through the models as they were then, then to the end.
"""

import json
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from tests import services

BEFORE = [("advisor", "0003_plan_indexes"), ("profiles", "0004_user_language")]
MOVED = {"plan": "plans", "planpdf": "plans", "review": "counsel", "note": "counsel"}
MOVED["auditevent"] = "counsel"

# Run at the old state: the models as they were, from the migrations themselves.
FILL = """
import uuid
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

apps = MigrationExecutor(connection).loader.project_state(%(before)r).apps
get = apps.get_model
# The content types and permissions `main` made for its models, the advisor app's.
for model in %(moved)r:
    kind = get("contenttypes", "ContentType").objects.create(app_label="advisor", model=model)
    for action in ("add", "change", "delete", "view"):
        get("auth", "Permission").objects.create(
            content_type=kind, codename=f"{action}_{model}", name=f"Can {action} {model}"
        )
ann = get("profiles", "User").objects.create(email="ann@example.com", password="x")
cat = get("profiles", "User").objects.create(email="cat@example.com", password="x")
reviewers = get("auth", "Group").objects.create(name="Reviewers")
reviewers.permissions.add(
    get("auth", "Permission").objects.get(content_type__app_label="advisor", codename="view_plan")
)
submission = get("profiles", "Submission").objects.create(
    id=uuid.UUID("%(submission)s"), owner=ann, answers={"hours_per_week": 72},
    schema_version=1, consent_processing=True, consent_review=True, draft_token=uuid.uuid4(),
)
plan = get("advisor", "Plan").objects.create(
    id=uuid.UUID("%(plan)s"), submission=submission, version=1, status="ready",
    archetype="influencer_founder", language="zh-hans", content={"sections": []},
    attempts=1, finished_at=timezone.now(),
)
get("advisor", "PlanPDF").objects.create(plan=plan, data=b"%%PDF-1.7 old")
get("advisor", "Review").objects.create(
    submission=submission, status="in_review", assignee=cat, archetype="influencer_founder",
    priority=3, high_strain=True,
)
get("advisor", "Note").objects.create(submission=submission, author=cat, text="Rest.", shared=True)
get("advisor", "AuditEvent").objects.create(submission=submission, actor=cat, action="claimed")
"""

# Run at the end, through today's models.
READ = """
import json
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from advisor.counsel.models import AuditEvent, Note, Review
from advisor.plans.models import Plan

plan = Plan.objects.select_related("submission__owner", "pdf").get()
review = Review.objects.select_related("assignee").get()
print(json.dumps({
    "plan": [str(plan.pk), plan.version, plan.status, plan.language, plan.content],
    "follow_up": [plan.pdf_status, plan.emailed_at == plan.finished_at],
    "undelivered": Plan.objects.undelivered().count(),
    "owner": plan.submission.owner.email,
    "pdf": bytes(plan.pdf.data).decode(),
    "review": [review.status, review.assignee.email, review.priority, review.high_strain],
    "notes": list(Note.objects.values_list("text", "shared", "author__email")),
    "audit": list(AuditEvent.objects.values_list("action", "actor__email")),
    "content_types": sorted(ContentType.objects.filter(
        model__in=%(moved)r).values_list("app_label", "model")),
    "permissions": sorted(Group.objects.get(name="Reviewers").permissions.values_list(
        "content_type__app_label", "codename")),
}))
"""


def _manage(database_url: str, *args: str) -> str:
    env = services.child_env(DATABASE_URL=database_url, DB_CONN_MAX_AGE="0")
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=services.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@contextmanager
def _scratch_postgres():
    """A database of its own on the tests' PostgreSQL server, dropped afterwards."""
    import psycopg

    settings = connection.settings_dict
    name = f"leap_migrate_{uuid.uuid4().hex[:8]}"
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = services.database_url().rsplit("/", 1)[0] + f"/{name}"
            yield url
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _scratch_sqlite(tmp_path: Path):
    yield f"sqlite:///{tmp_path / 'before.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request, tmp_path, django_db_blocker):
    if request.param == "postgresql":
        services.need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
        scratch = _scratch_postgres()
    else:
        scratch = _scratch_sqlite(tmp_path)
    with django_db_blocker.unblock(), scratch as url:
        yield url


def test_a_database_from_before_the_recut_keeps_every_row(old_database):
    submission, plan = uuid.uuid4(), uuid.uuid4()
    for app, migration in BEFORE:
        _manage(old_database, "migrate", app, migration, "--no-input")
    values = {"before": BEFORE, "moved": list(MOVED), "submission": submission, "plan": plan}
    _manage(old_database, "shell", "-v", "0", "-c", FILL % values)

    _manage(old_database, "migrate", "--no-input")
    after = json.loads(_manage(old_database, "shell", "-v", "0", "-c", READ % values))

    assert after["plan"] == [str(plan), 1, "ready", "zh-hans", {"sections": []}]
    assert after["owner"] == "ann@example.com"
    assert after["pdf"] == "%PDF-1.7 old"
    # It was emailed and given its PDF then: the sweeper must not follow it up again.
    assert after["follow_up"] == ["ready", True]
    assert after["undelivered"] == 0
    assert after["review"] == ["in_review", "cat@example.com", 3, True]
    assert after["notes"] == [["Rest.", True, "cat@example.com"]]
    assert after["audit"] == [["claimed", "cat@example.com"]]
    assert after["content_types"] == sorted([app, model] for model, app in MOVED.items())
    assert after["permissions"] == [["plans", "view_plan"]]


@pytest.mark.django_db
def test_a_plans_content_is_compressed_with_lz4_on_postgresql():
    services.need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'advisor_plan'::regclass AND attname = 'content'"
        )
        assert cursor.fetchone() == ("l",)
