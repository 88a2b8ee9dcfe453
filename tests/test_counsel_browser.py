"""In Chromium: a counsellor filters, opens, writes a shared note; the member reads it."""

import pytest
from playwright.sync_api import Page, expect

from profiles.models import Draft
from profiles.personas import LI_JING, LIU_CHEN
from profiles.submit import submit
from tests.browser import assert_no_axe_violations, log_in

pytestmark = pytest.mark.browser


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()


def test_a_counsellors_shared_note_reaches_the_member(page: Page, alice, bob, carol_the_counsellor):
    for member, answers in [(alice, LI_JING), (bob, LIU_CHEN)]:
        draft = Draft.objects.create(owner=member, answers=answers)
        submit(draft, consent_review=True)

    log_in(page, carol_the_counsellor.email)
    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("status")).to_have_text("2 submissions")
    assert_no_axe_violations(page)
    page.get_by_label("Flag").select_option("high_strain")  # htmx swaps the results
    expect(page.get_by_role("status")).to_have_text("1 submission")
    assert "flag=high_strain" in page.url  # the filters are in the URL, to share
    expect(page.get_by_role("link", name="bob@example.com")).to_have_count(0)
    page.get_by_role("link", name="alice@example.com").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Submission of alice@example.com")
    page.get_by_role("button", name="Claim it").click()
    expect(page.get_by_text("You have claimed this submission.")).to_be_visible()
    advice = "Rest first: six months, as you planned. Then call me."
    page.get_by_role("textbox", name="Note").fill(advice)
    page.get_by_label("Share with the member").check()
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("Note saved and shared with the member.")).to_be_visible()
    expect(page.locator(".history")).to_contain_text("Wrote a note: shared with the member")
    assert_no_axe_violations(page)
    log_out(page)

    log_in(page, alice.email)
    page.get_by_role("link", name="My plans").click()
    page.get_by_role("link", name="Version 1").click()
    notes = page.get_by_role("region", name="From your counsellor")
    expect(notes).to_contain_text(advice)
