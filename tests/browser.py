"""Helpers for the Playwright tests."""

from playwright.sync_api import Page

from profiles.models import User
from profiles.two_factor import is_enabled
from tests.conftest import PASSWORD, code_for


def log_in(page: Page, email: str, *, base_url: str = "") -> None:
    """Through the login form, as a person would (everyone in the tests has PASSWORD),
    then, for an account with two-factor sign-in, the code its app shows now."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    user = User.objects.get(email=email)
    if is_enabled(user):
        page.get_by_label("Code").fill(code_for(user))
        page.get_by_role("button", name="Log in").click()


def assert_no_axe_violations(page: Page) -> None:
    """Run axe-core (served from the Python package, not a CDN) on the page as it is."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
