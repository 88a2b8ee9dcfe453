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
    expect(
        page.get_by_text("The plan gives you 6 months of rest, the break you said", exact=False)
    ).to_be_visible()
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


def test_the_plan_page_shows_the_plan_by_itself_with_its_pictures_on_a_phone(
    page: Page, alice, pdfs
):
    """Opened while the plan is still queued: the plan appears without a reload, with
    its three pictures and their figures, and fits a 375 px phone; the PDF follows."""
    submission = queued_but_not_sent(alice)
    plan = submission.plans.get()
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, alice.email)
    page.goto(f"/plans/{plan.pk}/")
    expect(page.get_by_text("Queued: your plan is waiting for a worker.")).to_be_visible()
    page.evaluate("window.stillThisPage = true")
    assert plan_worker.generate(plan.pk) == "ready"

    runway = page.get_by_role("img", name="Your runway: 18 months", exact=True)
    expect(runway).to_be_visible()
    expect(page.get_by_role("img", name="Overtime against the legal limit")).to_be_visible()
    expect(page.get_by_role("img", name="The steps, day by day")).to_be_visible()
    expect(
        page.get_by_text("Reserve kept untouched: 3 months, 36,000 yuan", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("103 hours over the limit, 3.9 times it", exact=True)).to_be_visible()
    box = runway.bounding_box()
    assert box["width"] > 300 and box["x"] + box["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.get_by_text("PDF being prepared…")).to_be_visible()  # the plan first
    assert page.evaluate("window.stillThisPage") is True  # never reloaded
    assert_no_axe_violations(page)

    plan_worker.deliver(plan.pk)
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()


def test_the_pictures_speak_chinese_in_a_chinese_plan(page: Page, alice):
    submission = queued_but_not_sent(alice)
    plan = submission.plans.get()
    Plan.objects.filter(pk=plan.pk).update(language="zh-hans")
    assert plan_worker.generate(plan.pk) == "ready"
    log_in(page, alice.email)
    page.goto(f"/plans/{plan.pk}/")
    expect(page.get_by_role("img", name="存款能撑多久：18个月")).to_be_visible()
    expect(page.get_by_text("留着不动的备用金：3个月，3.6万元", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="加班时长与法定上限")).to_be_visible()


def test_deleting_a_version_asks_first_without_javascript(browser, live_server, alice):
    submission = queued_but_not_sent(alice)
    plan = submission.plans.get()
    assert plan_worker.generate(plan.pk) == "ready"
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, alice.email)
    page.goto("/plans/")
    page.get_by_role("link", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", name="Delete this plan version?")).to_be_visible()
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("heading", name="My plans")).to_be_visible()
    assert Plan.objects.filter(pk=plan.pk).exists()

    page.get_by_role("link", name="Delete", exact=True).click()
    page.get_by_role("button", name="Delete version 1").click()
    expect(page.get_by_text("The plan is deleted.")).to_be_visible()
    assert not Plan.objects.filter(pk=plan.pk).exists()
    context.close()


def test_comparing_with_one_version_ticked_says_what_to_do_on_my_plans(page: Page, alice):
    submission = queued_but_not_sent(alice)
    first = submission.plans.get()
    assert plan_worker.generate(first.pk) == "ready"
    second = Plan.objects.create(
        submission=submission, version=2, archetype="influencer_founder", language="zh-hans"
    )
    assert plan_worker.generate(second.pk) == "ready"
    log_in(page, alice.email)
    page.goto("/plans/")
    page.get_by_label("Compare version 1").check()
    page.get_by_role("button", name="Compare the two ticked plans").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My plans")
    expect(page.get_by_role("alert")).to_contain_text("You ticked one plan version.")
    expect(page.get_by_label("Compare version 1")).to_be_checked()
    assert_no_axe_violations(page)
    page.get_by_label("Compare version 2").check()
    page.get_by_role("button", name="Compare the two ticked plans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two plans, section by section")
    expect(page.get_by_text("These plans are written in two languages")).to_be_visible()
    expect(page.get_by_text("(changed)")).to_have_count(0)
