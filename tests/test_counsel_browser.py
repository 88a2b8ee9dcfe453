"""In Chromium: a counsellor filters, opens, writes a shared note; the member reads it."""

import csv

import pytest
from playwright.sync_api import Page, expect

from advisor.advice import questionnaire as q
from advisor.members.submit import submit
from profiles.models import Draft
from profiles.personas import LI_JING, LIU_CHEN
from tests.browser import assert_no_axe_violations, log_in
from tests.test_plan_worker import queued_but_not_sent
from tests.test_questionnaire_browser import fill_step, save_and_expect

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


def test_a_counsellor_asks_and_the_member_replies_on_their_plan(
    page: Page, browser, live_server, alice, carol_the_counsellor
):
    alices = submit(Draft.objects.create(owner=alice, answers=LI_JING), consent_review=True)

    log_in(page, carol_the_counsellor.email)
    page.goto(f"/counsel/{alices.pk}/")
    page.get_by_role("button", name="Claim it").click()
    page.get_by_role("button", name="Mark: In review").click()
    question = "Has your employer put the non-compete in writing?"
    page.get_by_role("textbox", name="Your question").fill(question)
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_text("Your question is sent.")).to_be_visible()
    expect(page.locator(".review-status")).to_contain_text("Awaiting member")

    # Alice, in a browser of her own (the counsellor's code is used once a minute).
    member = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    log_in(member, alice.email)
    member.get_by_role("link", name="My plans").click()
    member.get_by_role("link", name="Version 1").click()
    conversation = member.get_by_role("region", name="From your counsellor")
    expect(conversation).to_contain_text(question)
    expect(conversation).to_contain_text("Your counsellor is waiting for your answer.")
    assert_no_axe_violations(member)
    answer = "Yes, signed last March, twelve months."
    conversation.get_by_role("textbox", name="Your reply").fill(answer)
    conversation.get_by_role("button", name="Send my reply").click()
    expect(member.get_by_text("Your reply is sent to your counsellor.")).to_be_visible()
    expect(conversation).to_contain_text(answer)
    expect(conversation.get_by_role("button", name="Send my reply")).to_have_count(0)
    member.context.close()

    page.reload()
    expect(page.locator(".review-status")).to_contain_text("In review")
    thread = page.get_by_role("region", name="Conversation with the member")
    expect(thread).to_contain_text(question)
    expect(thread).to_contain_text(answer)
    expect(page.locator(".history")).to_contain_text("The member replied")
    assert_no_axe_violations(page)


def exported_members(page: Page) -> list[str]:
    """Click "Export these as CSV": the members in the file downloaded."""
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these as CSV").click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as exported:
        return [row[1] for row in csv.reader(exported)][1:]


def test_the_csv_export_holds_what_the_filters_show_and_no_more(
    page: Page, alice, bob, carol_the_counsellor
):
    for member, answers in [(alice, LI_JING), (bob, LIU_CHEN)]:
        submit(Draft.objects.create(owner=member, answers=answers), consent_review=True)
    log_in(page, carol_the_counsellor.email)
    page.goto("/counsel/")
    page.get_by_label("Flag").select_option("high_strain")  # htmx swaps the results
    expect(page.get_by_role("status")).to_have_text("1 submission")
    assert exported_members(page) == ["alice@example.com"]

    page.get_by_label("Flag").select_option("")  # and back: all of them again
    expect(page.get_by_role("status")).to_have_text("2 submissions")
    assert sorted(exported_members(page)) == ["alice@example.com", "bob@example.com"]


# --- The workspace at a glance, at phone width, and without a word from the CSP -------

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


def submitted_for_review(member, answers=LI_JING):
    return submit(Draft.objects.create(owner=member, answers=answers), consent_review=True)


def scroll_width(page: Page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def listen_for_complaints(page: Page) -> list[str]:
    """Every console error or warning and every CSP violation the page reports, from now
    on (a style or script the CSP refuses shows up as both)."""
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: (
            complaints.append(f"{message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda error: complaints.append(f"page error: {error}"))
    return complaints


def watch_csp(page: Page) -> None:
    """Log every CSP violation to the console, where `listen_for_complaints` hears it,
    including those of the pages loaded later in this tab."""
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )


def is_htmx(response) -> bool:
    return response.request.headers.get("hx-request") == "true"


def test_the_essentials_are_in_the_first_screen_and_the_page_is_short(
    page: Page, alice, carol_the_counsellor
):
    submission = submitted_for_review(alice)
    page.set_viewport_size(DESKTOP)
    log_in(page, carol_the_counsellor.email)
    page.goto(f"/counsel/{submission.pk}/")

    essentials = [
        page.get_by_role("heading", level=1, name="Submission of alice@example.com"),
        page.locator(".review-status").get_by_text("New"),
        page.get_by_role("link", name="Your health comes first"),  # the triage
        page.locator(".best-match").get_by_text("Influencer-services founder"),
        page.get_by_role("button", name="Claim it"),
        page.get_by_role("button", name="Mark: In review"),
    ]
    for essential in essentials:
        box = essential.bounding_box()
        assert box is not None and box["y"] + box["height"] <= DESKTOP["height"], essential
    # Sections to jump to; the long parts (every answer, every path, each plan) fold away.
    nav = page.get_by_role("navigation", name="On this page")
    for section in ("Situation", "Answers", "Match", "Plans (1)", "Notes (0)", "History"):
        expect(nav.get_by_role("link", name=section, exact=True)).to_be_visible()
    height = page.evaluate("document.scrollingElement.scrollHeight")
    assert height < 2 * 1600, f"the page is {height} px tall"  # it was about 7,700
    assert_no_axe_violations(page)


def test_the_workspace_works_without_javascript(browser, live_server, alice, carol_the_counsellor):
    submission = submitted_for_review(alice)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=DESKTOP, locale="en-GB"
    )
    page = context.new_page()
    try:
        log_in(page, carol_the_counsellor.email)
        page.goto(f"/counsel/{submission.pk}/")
        page.get_by_role("navigation", name="On this page").get_by_role(
            "link", name="Answers"
        ).click()
        assert page.url.endswith("#answers")
        answer = page.get_by_text("What is your role?")
        expect(answer).to_be_hidden()
        page.get_by_text("Work now", exact=True).click()  # a <details>: no script needed
        expect(answer).to_be_visible()
        page.get_by_role("button", name="Claim it").click()
        expect(page.get_by_text("You have claimed this submission.")).to_be_visible()
    finally:
        context.close()


def test_the_counsellor_pages_fit_a_phone(page: Page, alice, bob, carol_the_counsellor):
    alices = submitted_for_review(alice)
    submitted_for_review(bob, LIU_CHEN)
    page.set_viewport_size(PHONE)
    log_in(page, carol_the_counsellor.email)
    pages = [
        "/counsel/",
        "/counsel/?flag=high_strain&assigned=none&overdue=on",
        f"/counsel/{alices.pk}/",
    ]
    for path in pages:
        page.goto(path)
        assert scroll_width(page) <= PHONE["width"], path
    # With every fold open, the plan and the matches too (the first match opens open).
    for summary in page.locator("details > summary").all():
        if not summary.evaluate("summary => summary.parentElement.open"):
            summary.click()
    assert scroll_width(page) <= PHONE["width"], "the submission, unfolded"
    # After actions: a history, a note, an error.
    page.get_by_role("button", name="Claim it").click()
    page.get_by_role("textbox", name="Note").fill("A long word: " + "x" * 120)
    page.get_by_role("button", name="Save the note").click()
    page.get_by_role("button", name="Save the note").click()  # empty: 400, with the error
    expect(page.get_by_role("link", name="Note — Please fill this in.")).to_be_visible()
    assert scroll_width(page) <= PHONE["width"], "the submission with notes and an error"


def test_htmx_pages_raise_no_csp_violation_or_console_error(
    page: Page, alice, bob, carol_the_counsellor
):
    watch_csp(page)
    complaints = listen_for_complaints(page)

    # Questionnaire steps, swapped by htmx.
    page.goto("/questionnaire/")
    for index, slug in enumerate(["situation", "work"]):
        fill_step(page, slug, LI_JING)
        save_and_expect(page, str(q.STEPS[index + 1].title))

    # A plan still queued: its page polls for the status.
    submission = queued_but_not_sent(alice)
    log_in(page, alice.email)
    for path in (f"/plans/{submission.plans.get().pk}/", f"/submissions/{submission.pk}/"):
        with page.expect_response(is_htmx):
            page.goto(path)
    page.get_by_role("button", name="Log out").click()

    # The counsellor's filters, swapped by htmx, then an action.
    submitted_for_review(bob)
    log_in(page, carol_the_counsellor.email)
    page.goto("/counsel/")
    page.get_by_label("Flag").select_option("high_strain")
    expect(page.get_by_role("status")).to_have_text("1 submission")
    page.get_by_role("link", name="bob@example.com").click()
    page.get_by_role("button", name="Claim it").click()
    expect(page.get_by_text("You have claimed this submission.")).to_be_visible()

    assert complaints == []
