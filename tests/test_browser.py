import pytest
from playwright.sync_api import expect

from advisor.members.submit import submit
from profiles.models import Draft
from profiles.personas import LI_JING
from tests.browser import assert_no_axe_violations, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_visitor_signs_up_logs_out_and_logs_in_again(page):
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()

    page.get_by_label("Email address").fill("li.jing@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")
    expect(page.get_by_text("li.jing@example.com")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email address").fill("li.jing@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct email address and password")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_the_language_switcher_turns_the_page_chinese(page):
    page.goto("/")
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Leaving 996")


def test_the_home_page_has_no_accessibility_violations(page):
    page.goto("/")
    assert_no_axe_violations(page)


def test_the_home_page_fits_a_phone(browser, live_server, transactional_db):
    context = browser.new_context(viewport={"width": 375, "height": 740}, base_url=live_server.url)
    page = context.new_page()
    page.goto("/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert scroll_width <= 375


def background(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_secondary_and_danger_buttons_do_not_look_primary(page, alice):
    log_in(page, alice.email)
    page.goto("/questionnaire/work/")
    primary = background(page.get_by_role("button", name="Save and continue"))
    assert background(page.get_by_role("button", name="Back")) == "rgba(0, 0, 0, 0)"
    page.goto("/account/")
    danger = background(page.get_by_role("button", name="Delete my account for good"))
    assert danger == "rgb(179, 38, 30)"  # --danger
    assert primary == "rgb(11, 110, 95)"  # --accent


def test_a_story_card_opens_its_story(page):
    page.goto("/")
    page.get_by_role("link", name="Training pivot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training pivot")
    expect(page.get_by_role("heading", level=2)).to_contain_text("The story: Mei Chen (PMMei)")
    assert_no_axe_violations(page)


def test_a_members_home_page_has_no_accessibility_violations(page, alice):
    draft = Draft.objects.create(owner=alice, answers=LI_JING)
    submit(draft, consent_review=False)
    Draft.objects.create(owner=alice, answers={"hours_per_week": 70})
    log_in(page, alice.email)
    page.goto("/")
    expect(page.get_by_role("link", name="Continue where you left off (step 1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Your latest plan")).to_be_visible()
    assert_no_axe_violations(page)
