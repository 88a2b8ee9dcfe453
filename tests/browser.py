"""Helpers for the Playwright tests."""

from playwright.sync_api import Page


def assert_no_axe_violations(page: Page) -> None:
    """Run axe-core (served from the Python package, not a CDN) on the page as it is."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
