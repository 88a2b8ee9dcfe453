"""In Chromium, in Chinese: the whole questionnaire, then a Chinese plan to read."""

import os

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from playwright.sync_api import Page, expect

from advisor.advice import questionnaire as q
from advisor.plans.models import Plan
from profiles.personas import LI_JING
from tests.browser import assert_no_axe_violations
from tests.conftest import PASSWORD
from tests.test_questionnaire_browser import fill_step

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture
def chinese_page(browser, live_server, transactional_db):
    """A browser that asks for Chinese first, as a Chinese system would."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1100, "height": 900}
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_chinese_reader_answers_everything_and_reads_a_chinese_plan(chinese_page: Page, worker):
    page = chinese_page
    page.goto("/questionnaire/")
    with translation.override("zh-hans"):  # the labels the page shows
        expect(page.get_by_role("heading", level=1)).to_have_text(str(q.STEPS[0].title))
        for step in q.STEPS:
            fill_step(page, step.slug, {**LI_JING, "notes": "想先休息，再做 data consulting。"})
            page.get_by_role("button", name="保存").click()
            page.wait_for_load_state()
    with translation.override("zh-hans"):
        expect(page.get_by_role("heading", level=1)).to_have_text(_("Review your answers"))
        expect(page.get_by_text("每月1.2万元")).to_be_visible()  # monthly expenses, in 万

        page.get_by_role("link", name=_("Sign up and submit")).click()
        page.get_by_label(_("email address")).fill("luna@example.com")
        page.get_by_label(_("Password"), exact=True).fill(PASSWORD)
        page.get_by_label(_("Password confirmation")).fill(PASSWORD)
        page.get_by_role("button", name=_("Sign up")).click()
        page.get_by_label(
            _("I agree that Leap may process my answers to match me and write my plan.")
        ).check()
        page.get_by_role("button", name=_("Submit my answers")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("你的结果")
        expect(page.locator(".match h3").first).to_contain_text("网红服务创业者")
    page.get_by_role("link", name="打开计划").click()
    expect(page.get_by_text("已完成。")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="先休整和反思")).to_be_visible()
    expect(page.get_by_text("21.6万元 ÷ 1.2万元 = 18个月", exact=False)).to_be_visible()
    assert Plan.objects.get().language == "zh-hans"
    assert_no_axe_violations(page)
    if os.environ.get("LEAP_SCREENSHOT"):  # to refresh docs/plan-zh.png by hand
        page.screenshot(path=os.environ["LEAP_SCREENSHOT"], full_page=False)
