"""In Chromium, a member's weeks after the plan (issue 26): they tick a milestone, answer
the day-30 check-in the plan page offers, open the new version with what changed at its
top and their progress carried over, and answer their counsellor's question there."""

import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from advisor.checkins import sweep
from advisor.checkins.models import CheckIn
from advisor.counsel import rules
from advisor.counsel.models import Review
from advisor.plans import checklist
from advisor.plans import worker as plan_worker
from advisor.plans.models import MilestoneProgress, Plan
from profiles.models import Submission
from tests.browser import assert_no_axe_violations, log_in
from tests.test_checkins import rest_days
from tests.test_checklist_browser import written_plan

pytestmark = pytest.mark.browser


def test_a_member_ticks_a_milestone_checks_in_and_replies_to_the_counsellor(
    page: Page, alice, carol_the_counsellor
):
    # A first plan written, not sent (a worker the suite runs would take it), its day 30 come.
    plan = written_plan(alice)
    Plan.objects.filter(pk=plan.pk).update(
        finished_at=timezone.now() - timedelta(days=rest_days(plan) + 30)
    )
    sweep.schedule()
    checkin = CheckIn.objects.get(member=alice, day=30)
    first = checklist.steps(plan.content)[0]
    log_in(page, alice.email)
    page.goto(f"/plans/{plan.pk}/")

    page.locator(f"#milestone-{first['key']}").get_by_label("Done").check()
    expect(page.locator(f"#milestone-{first['key']}").get_by_text("Saved.")).to_be_visible()

    expect(page.get_by_role("heading", name="Day 30: how is it going?")).to_be_visible()
    page.get_by_role("link", name="Answer your check-in").click()
    expect(page.get_by_role("heading", name="Check-in, day 30")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("I am working on it").check()
    page.get_by_role("group", name="Do you have an income now?").get_by_label("No").check()
    page.get_by_label("Savings you could live on now", exact=False).fill("30000")
    page.get_by_label("In a few words (optional)").fill("Two interviews, no offer yet.")
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_text("Thank you: you checked in on")).to_be_visible()

    checkin.refresh_from_db()
    assert checkin.answers["story"] == "Two interviews, no offer yet."
    # Written here, as a worker would, unless a worker of the suite's has taken it already.
    plan_worker.generate(checkin.new_plan_id)
    deadline = time.monotonic() + 30
    while Plan.objects.get(pk=checkin.new_plan_id).status != Plan.Status.READY:
        assert time.monotonic() < deadline, "the new version was never written"
        time.sleep(0.1)
    assert sweep.carry_over() == 1  # beat's sweep carries the progress over
    page.get_by_role("link", name="Open the new plan").click()
    expect(page.get_by_role("heading", name="What changed and why")).to_be_visible()
    expect(page.locator(f"#milestone-{first['key']}").get_by_label("Done")).to_be_checked()
    assert (
        MilestoneProgress.objects.get(plan=checkin.new_plan_id, key=first["key"]).status == "done"
    )
    # Answered: the new plan offers no check-in of day 30 again.
    expect(page.get_by_role("heading", name="Day 30: how is it going?")).to_have_count(0)
    assert CheckIn.objects.get(pk=checkin.pk).answered

    # The counsellor, reviewing the new version, asks a question (her side is
    # tests/test_counsel_browser.py); the member answers it on the plan she is reading.
    new = Plan.objects.get(pk=checkin.new_plan_id)
    Submission.objects.filter(pk=new.submission_id).update(consent_review=True)
    review = rules.open_review(new.submission, archetype=new.archetype)
    rules.claim(review, counsellor=carol_the_counsellor)
    rules.set_status(review, by=carol_the_counsellor, status=Review.Status.IN_REVIEW)
    question = "Which of the two interviews would you take, if both made an offer?"
    rules.ask(review, by=carol_the_counsellor, text=question, token=uuid.uuid4())
    page.reload()
    conversation = page.get_by_role("region", name="From your counsellor")
    expect(conversation).to_contain_text(question)
    conversation.get_by_role("textbox", name="Your reply").fill("The smaller one, nearer home.")
    conversation.get_by_role("button", name="Send my reply").click()
    expect(page.get_by_text("Your reply is sent to your counsellor.")).to_be_visible()
    review.refresh_from_db()
    assert review.status == Review.Status.IN_REVIEW
    assert_no_axe_violations(page)
