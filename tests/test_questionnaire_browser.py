import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from profiles import questionnaire as q
from profiles.models import Submission
from tests.conftest import PASSWORD
from tests.personas import LI_JING

pytestmark = pytest.mark.browser


def fill_step(page: Page, slug: str, answers: dict) -> None:
    for question in q.STEPS_BY_SLUG[slug].questions:
        if question.key not in answers:
            continue
        value = answers[question.key]
        labels = dict(question.choices)
        if question.kind == "integer" or question.kind == "text":
            page.get_by_label(str(question.label)).fill(str(value))
        elif question.kind == "choice" and len(question.choices) > 5:
            page.get_by_label(str(question.label)).select_option(value)
        else:
            group = page.get_by_role("group", name=str(question.label))
            for choice in value if isinstance(value, list) else [value]:
                group.get_by_label(str(labels[choice]), exact=True).check()


def save_and_expect(page: Page, next_title: str) -> None:
    page.get_by_role("button", name="Save and").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(next_title)


def test_a_visitor_completes_edits_resumes_signs_up_and_submits(page: Page, live_server):
    page.goto("/")
    page.get_by_role("link", name="Start the questionnaire").click()
    expect(page.get_by_text("Step 1 of 7")).to_be_visible()

    # The first three steps, through htmx swaps: the URL follows the step.
    for index, slug in enumerate(["work", "strain", "pulls"]):
        fill_step(page, slug, LI_JING)
        save_and_expect(page, str(q.STEPS[index + 1].title))
    expect(page).to_have_url(f"{live_server.url}/questionnaire/skills/")

    # An inline error, without a reload, and branching: an audience brings its questions.
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What pulls you")
    page.get_by_role("button", name="Back").click()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Work now")
    hours = page.get_by_label("Hours you actually work in a typical week")
    expect(hours).to_have_value("72")
    hours.fill("200")
    hours.press("Tab")
    expect(page.locator("#id_hours_per_week_error")).to_contain_text("less than or equal to 120")
    hours.fill("60")
    save_and_expect(page, "Strain")

    # Reload mid-way: the draft lives with the session, and resuming finds the first gap.
    page.reload()
    page.goto("/questionnaire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skills and assets")
    fill_step(page, "skills", LI_JING)
    page.get_by_role("group", name="Do you have an audience online?").get_by_label("Yes").check()
    expect(page.get_by_role("group", name="Where is your audience?")).to_be_visible()
    page.get_by_role("group", name="Where is your audience?").get_by_label("Xiaohongshu").check()
    page.get_by_role("group", name="How many followers, all platforms together?").get_by_label(
        "1,000 to 10,000"
    ).check()
    save_and_expect(page, "Money and risk")
    for slug, following in [
        ("money", "Place"),
        ("place", "Horizon"),
        ("horizon", "Review your answers"),
    ]:
        fill_step(page, slug, LI_JING)
        save_and_expect(page, following)

    review = page.locator("#questionnaire")
    expect(review).to_contain_text("60 hours")
    expect(review).to_contain_text("Xiaohongshu")

    # Edit one step from the review and come straight back.
    page.get_by_role("link", name="Edit Money and risk").click()
    page.get_by_label("How many months of expenses could your savings cover?").fill("24")
    save_and_expect(page, "Review your answers")
    expect(page.locator("#questionnaire")).to_contain_text("24 months")

    # Sign up at the end; the answers come along, then submit with consent.
    page.get_by_role("link", name="Sign up and submit").click()
    page.get_by_label("Email address").fill("luna@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")
    page.get_by_label("I agree that Leap may process my answers").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your submission")
    expect(page.get_by_text("No counsellor will see it.")).to_be_visible()

    submission = Submission.objects.get()
    assert submission.owner.email == "luna@example.com"
    assert submission.answers["hours_per_week"] == 60
    assert submission.answers["savings_months"] == 24
    assert submission.answers["audience_size"] == "1k_10k"


def test_without_javascript_the_flow_works_by_plain_post(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/questionnaire/work/")
    fill_step(page, "work", LI_JING)
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(f"{live_server.url}/questionnaire/strain/")
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_label("Years of experience in tech")).to_have_value("8")
    context.close()


def test_a_step_page_has_no_accessibility_violations(page: Page):
    from axe_playwright_python.sync_playwright import Axe

    page.goto("/questionnaire/work/")
    page.get_by_role("button", name="Save and continue").click()  # with errors showing
    expect(page.get_by_role("alert")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_quick_change_of_answer_wins_over_a_slow_check(page: Page):
    held = []

    def hold_the_first_check(route):
        if not held:
            held.append(route)  # answered only after the second answer is given
        else:
            route.continue_()

    page.route("**/questionnaire/skills/check/", hold_the_first_check)
    page.goto("/questionnaire/skills/")
    group = page.get_by_role("group", name="Do you have an audience online?")
    group.get_by_label("No").check()
    page.wait_for_timeout(200)
    group.get_by_label("Yes").check()
    assert len(held) == 1, "the first check was not held: the race was not exercised"
    with contextlib.suppress(PlaywrightError):  # htmx has aborted it by now
        held[0].continue_()
    expect(page.get_by_role("group", name="Where is your audience?")).to_be_visible()
    page.wait_for_timeout(500)
    expect(page.get_by_role("group", name="Where is your audience?")).to_be_visible()
