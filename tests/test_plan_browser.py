"""In Chromium: submit, and watch the plan arrive without reloading the page."""

import pytest
from playwright.sync_api import Page, expect

from advisor.plans.models import Plan
from profiles.models import Draft
from profiles.personas import LI_JING
from tests.browser import assert_no_axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_a_member_submits_and_watches_the_plan_arrive(page: Page, alice, worker):
    Draft.objects.create(owner=alice, answers=LI_JING)
    log_in(page, alice.email)
    page.goto("/questionnaire/review/")
    page.get_by_label("I agree that Leap may process my answers").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")

    page.get_by_role("link", name="Open the plan").click()
    url = page.url
    # htmx polls the status in place; the page is never reloaded.
    expect(page.get_by_text("Ready.")).to_be_visible(timeout=60_000)
    assert page.url == url
    expect(page.get_by_role("heading", name="Rest and reflection first")).to_be_visible()
    expect(page.get_by_text("Rest from savings: 6 months.", exact=False)).to_be_visible()
    assert_no_axe_violations(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == "leap-plan-v1.pdf"

    page.get_by_role("link", name="← My plans").click()
    expect(page.get_by_role("cell", name="Ready")).to_be_visible()
    assert Plan.objects.get().status == "ready"
    assert_no_axe_violations(page)
