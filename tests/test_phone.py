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
from advisor.plans import worker
from advisor.plans.models import Plan
from profiles import questionnaire as q
from profiles.models import Draft
from profiles.personas import LI_JING
from profiles.submit import submit
from tests.browser import assert_fit_a_phone, log_in, phone
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
