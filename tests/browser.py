"""Helpers for the Playwright tests."""

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page

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


# --- A phone's width (issue 16) ----------------------------------------------------------

PHONE = {"width": 375, "height": 740}
# One row of the header: its tallest control (44 px, a finger's width) and its padding.
HEADER_ONE_ROW = 72


@contextmanager
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    """A page on a 375 px phone, in a context of its own."""
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="en-GB")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def phone_fit(page: Page, path: str) -> dict:
    """Open `path` and measure what a phone cares about: the page's width and the header's
    height. The caller asserts, so that one test can report every page that does not fit."""
    response = page.goto(path)
    return page.evaluate(
        """([path, status]) => ({
            path, status, url: location.pathname,
            width: document.scrollingElement.scrollWidth,
            header: document.querySelector('.site-header').getBoundingClientRect().height,
        })""",
        [path, response.status if response else None],
    )


def assert_fit_a_phone(page: Page, paths: list[str]) -> None:
    """Each of `paths` answers 200 on its own URL (not a redirect to another page), fits
    375 px without scrolling sideways, and keeps the header to one row."""
    measured = [phone_fit(page, path) for path in paths]
    misfits = [
        m
        for m in measured
        if m["status"] != 200
        or m["url"] != m["path"].split("?")[0]
        or m["width"] > PHONE["width"]
        or m["header"] > HEADER_ONE_ROW
    ]
    assert not misfits, misfits
