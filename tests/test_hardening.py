"""Ready for the open internet: hostile values answered with 4xx, CSV cells no spreadsheet
runs, HTTPS from the environment, and pages with a person's answers never cached."""

import csv
import io
import logging
import os
import re
import secrets
import subprocess
import sys
import uuid

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from advisor.checkins import sweep
from advisor.checkins.models import CheckIn
from advisor.counsel.models import SavedReply
from advisor.counsel.views import csv_cell
from advisor.members.submit import submit
from advisor.plans import worker
from profiles.models import Draft
from profiles.personas import LI_JING
from tests.conftest import log_in_verified
from tests.services import ROOT
from tests.test_compose import COMPOSE, interpolate

pytestmark = pytest.mark.django_db


# --- Hostile values --------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "no-such-charset"])
def test_a_form_in_another_charset_is_a_400_not_a_500(charset):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(reverse("login"))
    response = client.generic(
        "POST",
        reverse("login"),
        b"username=a%E9&password=b",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 400


def test_a_multipart_without_a_boundary_on_an_unknown_page_is_a_404(client):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post("/no-such-page/", b"\xb5", content_type="multipart/form-data")
    assert response.status_code == 404


def test_submit_with_a_draft_id_that_is_no_uuid_is_a_400(client, alice):
    client.force_login(alice)
    Draft.objects.create(owner=alice, answers=LI_JING)
    response = client.post(reverse("questionnaire_review"), {"draft_id": "not-a-uuid"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "name", ["a" * 250 + "@example.com", "u" * 300], ids=["262-character email", "300 characters"]
)
def test_a_log_in_name_longer_than_any_account_is_a_400_not_a_500(name):
    """django-axes keeps the name of each failed log-in in a 255-character column:
    PostgreSQL refused a longer one (a 500), SQLite kept it whole."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(reverse("login"))
    token = client.cookies["csrftoken"].value
    data = {"username": name, "password": "any password", "csrfmiddlewaretoken": token}
    assert client.post(reverse("login"), data).status_code == 400
    # Still counted, as the account it could be at most.
    assert [len(a.username) for a in AccessAttempt.objects.all()] == [255]


def _files(count: int) -> bytes:
    part = '--leap\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nx\r\n'
    return (part * count + "--leap--\r\n").encode()


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("&".join(f"f{n}=1" for n in range(1001)).encode(), FORM),  # TooManyFieldsSent
        (b"f=" + b"x" * (3 * 1024 * 1024), FORM),  # RequestDataTooBig
        (_files(101), "multipart/form-data; boundary=leap"),  # TooManyFilesSent
    ],
    ids=["1001 fields", "3 MB", "101 files"],
)
def test_a_body_too_big_to_read_is_a_400_logged_as_a_warning_not_an_error(
    body, content_type, caplog
):
    """Django refuses it and logs an error under django.security, which would wake whoever
    watches the error alerts for what is a client's mistake (or a fuzzer's)."""
    client = Client(raise_request_exception=False)
    with caplog.at_level("INFO"):
        response = client.generic("POST", reverse("login"), body, content_type=content_type)
    assert response.status_code == 400
    security = [r for r in caplog.records if r.name.startswith("django.security.")]
    assert security, "Django logs the refusal"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert {r.levelname for r in security} == {"WARNING"}


@pytest.mark.parametrize("target", ["abc", "plans", "javascript:alert(1)", "//evil.example/"])
def test_the_language_switch_goes_home_for_a_next_that_is_no_path(client, target):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_sign_up_with_next_abc_makes_the_account_and_goes_home(client):
    data = {"email": "dana@example.com", "password1": "a-long-password-1", "next": "abc"}
    response = client.post(reverse("signup"), {**data, "password2": data["password1"]})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_next_path_on_the_site_is_kept(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/plans/"})
    assert response["Location"] == "/plans/"


# --- CSV ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=cmd|'/c calc'!A0", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_is_made_text(value):
    assert csv_cell(value) == "'" + value


def test_a_plain_cell_is_left_alone():
    assert csv_cell("alice@example.com") == "alice@example.com"
    assert csv_cell(3) == "3"


def test_every_cell_of_the_queue_export_is_safe(django_user_model, carol_the_counsellor):
    mallory = django_user_model.objects.create_user("=cmd|'/c calc'!a0.x@example.com", "x" * 12)
    submit(Draft.objects.create(owner=mallory, answers=LI_JING), consent_review=True)
    client = Client()
    log_in_verified(client, carol_the_counsellor)
    rows = list(csv.reader(io.StringIO(client.get(reverse("counsel_export")).content.decode())))
    assert rows[1][1] == "'=cmd|'/c calc'!a0.x@example.com"
    dangerous = re.compile(r"^[=+\-@\t\r]")
    assert not [cell for row in rows for cell in row if dangerous.match(cell)]


# --- HTTPS ---------------------------------------------------------------------------------


def production_env() -> dict[str, str]:
    """docker-compose.yml's environment for the app, as it is deployed: what it sets,
    with its defaults, a real secret and a public host name."""
    env = {k: interpolate(str(v)) for k, v in COMPOSE["x-app"]["environment"].items()}
    env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="leap.example.com")
    # Not the tests' own switches (DJANGO_ALLOW_ASYNC_UNSAFE, for Playwright's sake).
    ours = ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    return {**{k: v for k, v in os.environ.items() if k not in ours}, **env}


def test_check_deploy_finds_nothing_to_warn_about_under_compose_settings():
    env = production_env()
    env.pop("DATABASE_URL")  # the check needs no database
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_settings_come_from_the_environment(settings):
    assert COMPOSE["x-app"]["environment"]["SECURE_SSL_REDIRECT"].endswith(":-true}")
    assert settings.LANGUAGE_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_the_language_cookie_is_secure_and_same_site_when_cookies_are(client, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True


def test_plain_http_is_sent_to_https_but_the_health_checks_are_not(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    assert client.get("/")["Location"] == "https://testserver/"
    assert client.get("/livez").status_code == 200
    assert client.get("/healthz").status_code != 301
    secure = client.get("/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


# --- Nothing personal in a cache ---------------------------------------------------------

# Pages that show no one's answers, plans or notes.
PUBLIC = {"story", "login", "signup", "password_reset", "password_reset_done",
          "password_reset_complete", "password_reset_confirm", "healthz", "set_language",
          "logout", "questionnaire_start", "questionnaire_restart", "bench_bare"}  # fmt: skip


def _named_urls() -> list[URLPattern]:
    found = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if not str(pattern.pattern).startswith("admin/"):
                    walk(pattern.url_patterns)
            elif pattern.name:
                found.append(pattern)

    walk(get_resolver().url_patterns)
    return found


@pytest.fixture
def alice_with_a_plan(alice):
    submission = submit(Draft.objects.create(owner=alice, answers=LI_JING), consent_review=True)
    plan = submission.plans.get()
    worker.generate(str(plan.pk))  # as the worker writes it
    Draft.objects.create(owner=alice, answers={"hours_per_week": 70})
    return submission, plan


def test_every_page_with_a_persons_data_says_no_store(
    alice, alice_with_a_plan, carol_the_counsellor
):
    submission, plan = alice_with_a_plan
    member, counsellor = Client(), Client()
    member.force_login(alice)
    log_in_verified(counsellor, carol_the_counsellor)
    checkin = CheckIn.objects.create(
        member=alice, series=submission, day=30, due_on=timezone.localdate()
    )
    saved = SavedReply.objects.create(
        owner=carol_the_counsellor, title="Notice", text_en="When?", text_zh_hans="什么时候？"
    )
    values = {
        "submission_id": submission.pk,
        "plan_id": plan.pk,
        "slug": "work",
        "checkin_id": checkin.pk,
        "token": sweep.token_for(alice),
        "table": "paths",
        "reply_id": saved.pk,
    }
    walked = []
    for pattern in _named_urls():
        if pattern.name in PUBLIC:
            continue
        names = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
        url = reverse(pattern.name, kwargs={name: values[name] for name in names})
        client = counsellor if pattern.name.startswith(("counsel", "outcomes")) else member
        response = client.get(url)
        if response.status_code in (302, 405):  # an action, or on to another page
            continue
        walked.append(pattern.name)
        assert "no-store" in response.get("Cache-Control", ""), url
    assert {"home", "questionnaire_step", "questionnaire_review", "submission", "plan", "plans",
            "counsel_submission", "counsel_export", "account_export", "checkin",
            "checkin_unsubscribe", "outcomes", "outcomes_export", "conversation",
            "counsel_caseload", "counsel_saved_replies", "counsel_saved_reply",
            } <= set(walked)  # fmt: skip


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        ("questionnaire_step", ["work"], {"hours_per_week": "999"}),  # back with errors
        ("questionnaire_review", [], {}),
        ("two_factor", [], {"code": "1"}),
        ("account_delete", [], {"password": "wrong"}),
    ],
)
def test_a_form_sent_back_with_its_answers_says_no_store(client, alice, name, args, data):
    client.force_login(alice)
    draft = Draft.objects.create(owner=alice, answers=LI_JING)
    response = client.post(reverse(name, args=args), {**data, "draft_id": draft.pk})
    assert response.status_code == 400
    assert "no-store" in response["Cache-Control"]


def test_the_walk_is_not_fooled_by_a_missing_page(client, alice):
    client.force_login(alice)
    response = client.get(reverse("submission", args=[uuid.uuid4()]))
    assert response.status_code == 404
