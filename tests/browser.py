"""Helpers for the Playwright tests."""

from playwright.sync_api import Page

from tests.conftest import PASSWORD


def log_in(page: Page, email: str, *, base_url: str = "") -> None:
    """Through the login form, as a person would (everyone in the tests has PASSWORD)."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def assert_no_axe_violations(page: Page) -> None:
    """Run axe-core (served from the Python package, not a CDN) on the page as it is."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
