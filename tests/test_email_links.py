"""The links in Leap's emails lead to the site's public address (SITE_URL), whatever
address the worker that writes them runs beside, and open the right page."""

import email
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import leap
from advisor.counsel import rules
from advisor.counsel.models import Review
from advisor.members.submit import submit
from profiles.models import Draft
from profiles.personas import LI_JING
from tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def next_email(outbox: Path, seen: set[Path], subject: str, *, seconds: float = 60) -> str:
    """The body of the first email with `subject` that the worker writes from now on."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in sorted(set(outbox.iterdir()) - seen):
            text = path.read_text()
            if not text.rstrip().endswith("-" * 79):
                continue  # still being written
            seen.add(path)
            message = email.message_from_string(text.lstrip())
            if subject in message["Subject"]:
                return message.get_payload(decode=True).decode()
        time.sleep(0.2)
    raise AssertionError(f"no email “{subject}” after {seconds}s")


def the_link(body: str) -> str:
    [link] = re.findall(r"https?://\S+", body)
    return link


def test_every_emailed_link_leads_to_the_public_address_and_opens_its_page(
    page: Page, live_server, worker, worker_outbox, alice, carol_the_counsellor
):
    assert live_server.url != "http://127.0.0.1:8000"  # the default would hide a dead link
    seen = set(worker_outbox.iterdir())

    page.goto("/accounts/password-reset/")
    page.get_by_label("Email", exact=True).fill(alice.email)
    page.get_by_role("button", name="Send the link").click()
    link = the_link(next_email(worker_outbox, seen, "Reset your Leap password"))
    assert link.startswith(live_server.url + "/accounts/password-reset/")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a new password")

    submission = submit(Draft.objects.create(owner=alice, answers=LI_JING), consent_review=True)
    plan_link = the_link(next_email(worker_outbox, seen, "Your Leap plan is ready"))
    assert plan_link == f"{live_server.url}/plans/{submission.plans.get().pk}/"
    log_in(page, alice.email)
    page.goto(plan_link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("plan")

    review = Review.objects.get(submission=submission)
    rules.add_note(review, author=carol_the_counsellor, text="Rest first.", shared=True)
    assert the_link(next_email(worker_outbox, seen, "left you a note")) == plan_link
    rules.set_status(review, by=carol_the_counsellor, status=Review.Status.IN_REVIEW)
    rules.set_status(review, by=carol_the_counsellor, status=Review.Status.REVIEWED)
    assert the_link(next_email(worker_outbox, seen, "reviewed your plan")) == plan_link
    page.goto(plan_link)
    expect(page.get_by_role("region", name="From your counsellor")).to_contain_text("Rest first.")


@pytest.mark.parametrize(
    ("environment", "env_file", "expected"),
    [
        ({}, "", "http://127.0.0.1:8123"),  # nothing configured: this server's address
        ({}, "DEBUG=true\nSITE_URL=https://leap.example.org/\n", "https://leap.example.org"),
        ({"SITE_URL": "https://public.example.org"}, "SITE_URL=https://old.example.org\n",
         "https://public.example.org"),
    ],
)  # fmt: skip
def test_leap_py_gives_the_workers_the_configured_address_or_its_own(
    monkeypatch, tmp_path, environment, env_file, expected
):
    """`python3 leap.py` with PORT=8123: emails link to that server, unless SITE_URL is
    set, in the environment or in .env (which it once overrode with 127.0.0.1)."""
    monkeypatch.delenv("SITE_URL", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    (tmp_path / ".env").write_text(env_file)
    assert leap.site_url("8123", env_file=tmp_path / ".env") == expected
