"""Phone first: every member page fits a 375 px phone, with the header on one row.

The page lists are plain paths, so a new page is one line; tests/browser.py has the
helpers (`phone`, `assert_fit_a_phone`) for other people's pages (the counsellor's).
"""

import re
import time

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from advisor.advice import catalogue
from advisor.advice import questionnaire as q
from advisor.members.submit import submit
from advisor.plans import worker
from advisor.plans.models import Plan
from bench import screenshots
from profiles.models import Draft, User
from profiles.personas import LI_JING
from tests.browser import assert_fit_a_phone, log_in, phone, phone_faults
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

STEPS = [f"/questionnaire/{step.slug}/" for step in q.STEPS]

VISITOR_PAGES = [
    "/",
    *[f"/stories/{archetype.slug}/" for archetype in catalogue.archetypes()],
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password-reset/",
    "/accounts/password-reset/sent/",
    *STEPS,
    "/questionnaire/review/",
    "/questionnaire/restart/",
]


def ready_plans(user, count: int) -> list:
    """`count` submissions of `user`'s, each with its plan written."""
    plans = []
    for _ in range(count):
        draft = Draft.objects.create(owner=user, answers=LI_JING)
        plan = submit(draft, consent_review=False).plans.get()
        worker.generate(plan.pk)  # here, unless a running test worker took it first
        deadline = time.monotonic() + 20
        while Plan.objects.get(pk=plan.pk).status != Plan.Status.READY:
            assert time.monotonic() < deadline, "the plan was not written"
            time.sleep(0.1)
        plans.append(plan)
    return plans


def member_pages(first, second) -> list[str]:
    return [
        "/",
        *STEPS,
        "/questionnaire/review/",
        f"/submissions/{first.submission_id}/",
        f"/plans/{first.pk}/",
        "/plans/",
        f"/plans/compare/?pick={first.pk}&pick={second.pk}",
        "/account/",
        "/accounts/two-factor/",
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_visitor_page_fits_a_phone(browser, live_server, transactional_db, language):
    with phone(browser, live_server.url) as page:
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        assert_fit_a_phone(page, VISITOR_PAGES)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_member_page_fits_a_phone(browser, live_server, transactional_db, alice, language):
    alice.language = language
    alice.save(update_fields=["language"])
    first, second = ready_plans(alice, 2)
    Draft.objects.create(owner=alice, answers=LI_JING)
    with phone(browser, live_server.url) as page:
        log_in(page, alice.email)
        assert_fit_a_phone(page, member_pages(first, second))


def test_the_pages_on_the_way_in_fit_a_phone(browser, live_server, transactional_db, alice, bob):
    """Choosing which answers to keep, the code of two-factor sign-in, a new password."""
    Draft.objects.create(owner=alice, answers={"role": "design"})
    TOTPDevice.objects.create(user=bob, name="Authenticator app", confirmed=True)
    with phone(browser, live_server.url) as page:
        page.goto("/questionnaire/work/")
        page.get_by_label("Years of experience in tech").fill("8")
        page.get_by_role("button", name="Back").click()  # saves what is valid
        expect(page.get_by_role("heading", level=1)).to_have_text("Your situation")
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(alice.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/questionnaire/choose/"))
        assert_fit_a_phone(page, ["/questionnaire/choose/"])

    with phone(browser, live_server.url) as page:
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(bob.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/accounts/login/code/")
        assert_fit_a_phone(page, ["/accounts/login/code/"])

    uid = urlsafe_base64_encode(force_bytes(bob.pk))
    token = default_token_generator.make_token(bob)
    with phone(browser, live_server.url) as page:
        page.goto(f"/accounts/password-reset/{uid}/{token}/")  # on to the form, by redirect
        assert_fit_a_phone(page, [page.url.removeprefix(live_server.url)])


def test_a_members_menu_opens_on_a_phone_and_stays_on_the_page(
    browser, live_server, transactional_db, alice
):
    with phone(browser, live_server.url) as page:
        log_in(page, alice.email)
        page.get_by_text("Menu").click()
        page.get_by_role("link", name="My plans", exact=True).click()
        assert page.url.endswith("/plans/")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 375


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_screenshots_pages_fit_a_phone_and_break_no_word(
    browser, live_server, transactional_db, language
):
    """bench/screenshots.py's pages, seeded as it seeds them, at 375 px: none scrolls
    sideways, and no word is broken across lines (tests/browser.py, BROKEN_WORDS)."""
    demo = screenshots.seed()  # its plans written, here or by a running test worker
    User.objects.filter(email__in=[demo.member, demo.counsellor]).update(language=language)
    faults = []
    for who, names in screenshots.PAGES.items():
        with phone(browser, live_server.url) as page:
            page.context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            if who == "member":
                screenshots.log_in(page, demo.member)
            elif who == "counsellor":
                screenshots.log_in(page, demo.counsellor, demo.codes.pop())
            for name in names:
                faults += phone_faults(page, screenshots.path_of(demo, name, language))
    assert not faults, "\n".join(faults)


# --- What repeats is folded on a phone (issue 25) ----------------------------------------

UNFOLD = "document.querySelectorAll('details').forEach((d) => { d.open = true; })"


def folded_and_unfolded(page) -> tuple[int, int]:
    """The page's height as it opens, and with every fold opened."""
    folded = page.evaluate("document.scrollingElement.scrollHeight")
    page.evaluate(UNFOLD)
    return folded, page.evaluate("document.scrollingElement.scrollHeight")


def test_the_questionnaires_steps_take_one_row_on_a_phone(browser, live_server, transactional_db):
    with phone(browser, live_server.url) as page:
        page.goto("/questionnaire/work/")
        progress = page.get_by_role("navigation", name="Questionnaire progress")
        assert progress.bounding_box()["height"] <= 48  # four rows of buttons before
        expect(progress.get_by_role("link", name="Strain")).to_be_hidden()
        progress.get_by_text("All steps").click()
        progress.get_by_role("link", name="Strain").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Strain")


def test_on_a_desktop_the_questionnaires_steps_show(page):
    page.goto("/questionnaire/work/")
    expect(page.get_by_role("link", name="Strain")).to_be_visible()
    expect(page.get_by_text("All steps")).to_be_hidden()


def test_on_a_phone_the_result_opens_the_first_match_and_folds_the_rest(
    browser, live_server, transactional_db, alice
):
    (plan,) = ready_plans(alice, 1)
    with phone(browser, live_server.url) as page:
        log_in(page, alice.email)
        page.goto(f"/submissions/{plan.submission_id}/")
        matches = page.locator(".match")
        paths = len(catalogue.archetypes())
        assert matches.count() == paths
        expect(matches.first.get_by_text("What points to it")).to_be_visible()
        for n in range(1, paths):
            expect(matches.nth(n).get_by_role("heading", level=3)).to_be_visible()
            expect(matches.nth(n).locator("p").first).to_be_hidden()
        expect(page.get_by_role("heading", name="Your answers")).to_be_visible()
        expect(page.get_by_text("Years of experience in tech")).to_be_hidden()
        folded, unfolded = folded_and_unfolded(page)
        assert folded < unfolded / 2, (folded, unfolded)


def test_on_a_phone_a_comparison_shows_a_section_the_same_in_both_once_and_folded(
    browser, live_server, transactional_db, alice
):
    from advisor.advice import matching
    from advisor.plans import lifecycle

    (plan,) = ready_plans(alice, 1)
    runner_up = matching.rank(plan.submission.answers).matches[1].archetype.slug
    other = lifecycle.start(plan.submission, language="en", archetype=runner_up, by_counsellor=True)
    worker.generate(other.pk)
    with phone(browser, live_server.url) as page:
        log_in(page, alice.email)
        page.goto(f"/plans/compare/?pick={plan.pk}&pick={other.pk}")
        same = page.locator("details.compare-row")
        changed = page.locator("section.compare-row.changed")
        assert same.count() and changed.count()
        resources = same.filter(has_text="Resources")
        expect(resources.get_by_role("heading", level=2)).to_contain_text("(the same)")
        expect(resources.get_by_role("listitem").first).to_be_hidden()
        expect(resources.get_by_role("heading", level=3)).to_have_count(0)  # once, not twice
        expect(changed.first.get_by_role("heading", level=3)).to_have_count(2)  # both
        folded, unfolded = folded_and_unfolded(page)
        assert folded < unfolded, (folded, unfolded)
