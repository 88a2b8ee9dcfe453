"""In Chromium: a member ticks the milestones of their plan, with JavaScript (htmx saves
each change in place) and without it (a plain form, then back to the milestone)."""

import pytest
from playwright.sync_api import Page, expect

from advisor.plans import checklist
from advisor.plans import worker as plan_worker
from advisor.plans.models import MilestoneProgress, Plan
from tests.browser import assert_no_axe_violations, log_in
from tests.test_plan_worker import queued_but_not_sent

pytestmark = pytest.mark.browser


def written_plan(member) -> Plan:
    plan = queued_but_not_sent(member).plans.get()
    assert plan_worker.generate(plan.pk) == "ready"
    plan.refresh_from_db()
    return plan


def test_a_member_ticks_a_milestone_and_the_page_saves_it_in_place(page: Page, alice):
    plan = written_plan(alice)
    steps = checklist.steps(plan.content)
    first, second = steps[0], steps[1]
    log_in(page, alice.email)
    page.goto(f"/plans/{plan.pk}/")
    expect(page.get_by_text(f"0 of {len(steps)} steps done", exact=True)).to_be_visible()
    page.evaluate("window.stillThisPage = true")

    milestone = page.locator(f"#milestone-{first['key']}")
    expect(milestone.get_by_role("group")).to_contain_text(first["text"][:40])
    milestone.get_by_label("Done").check()
    # htmx sent the change and swapped the count in place: no reload, focus kept.
    expect(page.get_by_text(f"1 of {len(steps)} steps done", exact=True)).to_be_visible()
    expect(milestone.get_by_text("Saved.")).to_be_visible()
    expect(milestone.get_by_label("Done")).to_be_focused()
    assert page.evaluate("window.stillThisPage") is True
    assert MilestoneProgress.objects.get(plan=plan, key=first["key"]).status == "done"

    other = page.locator(f"#milestone-{second['key']}")
    other.get_by_label("Your note (optional)").fill("Waiting for two replies")
    other.get_by_label("Skipped").check()  # the note goes with the change
    expect(page.get_by_text(f"1 of {len(steps)} steps done, 1 skipped", exact=True)).to_be_visible()
    saved = MilestoneProgress.objects.get(plan=plan, key=second["key"])
    assert (saved.status, saved.note) == ("skipped", "Waiting for two replies")
    assert page.evaluate("window.stillThisPage") is True
    assert_no_axe_violations(page)

    page.reload()
    expect(page.locator(f"#milestone-{first['key']}").get_by_label("Done")).to_be_checked()
    note = page.locator(f"#milestone-{second['key']}").get_by_label("Your note (optional)")
    expect(note).to_have_value("Waiting for two replies")
    page.get_by_role("link", name="← My plans").click()
    expect(page.get_by_text(f"1 of {len(steps)} steps done, 1 skipped")).to_be_visible()


def test_a_member_without_javascript_ticks_a_milestone_with_a_plain_form(
    browser, live_server, alice
):
    plan = written_plan(alice)
    steps = checklist.steps(plan.content)
    key = steps[0]["key"]
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, alice.email)
        page.goto(f"/plans/{plan.pk}/")
        milestone = page.locator(f"#milestone-{key}")
        milestone.get_by_label("Done").check()
        milestone.get_by_label("Your note (optional)").fill("Done on Monday")
        milestone.get_by_role("button", name="Save").click()

        # Post, redirect, get: back on the plan, at the milestone, saved.
        expect(page.get_by_text("Your progress is saved.")).to_be_visible()
        assert page.url.endswith(f"/plans/{plan.pk}/#milestone-{key}")
        expect(page.get_by_text(f"1 of {len(steps)} steps done", exact=True)).to_be_visible()
        milestone = page.locator(f"#milestone-{key}")
        expect(milestone.get_by_label("Done")).to_be_checked()
        expect(milestone.get_by_label("Your note (optional)")).to_have_value("Done on Monday")
        saved = MilestoneProgress.objects.get(plan=plan, key=key)
        assert (saved.status, saved.note) == ("done", "Done on Monday")

        page.goto("/plans/")
        expect(page.get_by_text(f"1 of {len(steps)} steps done")).to_be_visible()
    finally:
        context.close()
