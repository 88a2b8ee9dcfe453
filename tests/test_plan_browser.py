"""In Chromium: submit, and watch the plan arrive without reloading the page."""

import pytest
from playwright.sync_api import Page, expect

from advisor.plans import worker as plan_worker
from advisor.plans.models import Plan
from profiles.models import Draft
from profiles.personas import LI_JING
from tests.browser import assert_no_axe_violations, log_in
from tests.test_plan_worker import queued_but_not_sent

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_a_member_submits_and_watches_the_plan_arrive(page: Page, alice, worker):
    Draft.objects.create(owner=alice, answers=LI_JING)
    log_in(page, alice.email)
    page.goto("/questionnaire/review/")
    page.get_by_label("I agree that Leap may process my answers").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    # The result page asks for the plan's status in place, never reloading: a mark
    # left on the window survives.
    page.evaluate("window.stillThisPage = true")
    expect(page.get_by_text("Your plan (version 1): Ready.")).to_be_visible(timeout=60_000)
    assert page.evaluate("window.stillThisPage") is True

    page.get_by_role("link", name="Open the plan").click()
    expect(page.get_by_text("Ready.")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Rest and reflection first")).to_be_visible()
    expect(page.get_by_text("Rest from savings: 6 months.", exact=False)).to_be_visible()
    assert_no_axe_violations(page)

    expect(page.get_by_role("link", name="Download PDF")).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == "leap-plan-v1.pdf"

    page.get_by_role("link", name="← My plans").click()
    expect(page.get_by_role("cell", name="Ready")).to_be_visible()
    assert Plan.objects.get().status == "ready"
    assert_no_axe_violations(page)


def test_the_plan_then_its_pdf_appear_on_the_open_pages_by_themselves(page: Page, alice, pdfs):
    """Each step is run here, between looks at the pages, so that the member is seen
    waiting on each: the result page for the plan, then the plan page for its PDF. The
    plan is not sent to a worker: this test writes it."""
    submission = queued_but_not_sent(alice)
    plan = submission.plans.get()
    log_in(page, alice.email)
    page.goto(f"/submissions/{submission.pk}/")
    expect(page.get_by_text("Your plan (version 1): Queued.")).to_be_visible()
    page.evaluate("window.stillThisPage = true")
    assert plan_worker.generate(plan.pk) == "ready"
    expect(page.get_by_text("Your plan (version 1): Ready.")).to_be_visible()

    page.get_by_role("link", name="Open the plan").click()
    expect(page.get_by_role("heading", name="The match and why")).to_be_visible()
    expect(page.get_by_text("PDF being prepared…")).to_be_visible()
    page.evaluate("window.stillThisPage = true")
    plan_worker.deliver(plan.pk)
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    assert page.evaluate("window.stillThisPage") is True  # never reloaded
    assert_no_axe_violations(page)
