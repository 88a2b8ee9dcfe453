"""In Chromium: locked out and back in by a password reset; two-factor sign-in set up,
then used with a recovery code, in Chinese; consent to review withdrawn and given again
while a counsellor watches the queue."""

import re
from base64 import b32decode

import pytest
from django.core import mail
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from advisor.members.submit import submit
from profiles.models import Draft
from profiles.personas import LI_JING
from tests.browser import assert_no_axe_violations, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def type_password(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_alice_is_locked_out_and_gets_back_in_by_resetting_her_password(
    page: Page, alice, eager_tasks
):
    for _ in range(10):
        type_password(page, alice.email, "not-my-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed log-ins")
    type_password(page, alice.email, PASSWORD)  # even the right one waits
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed log-ins")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Reset my password").click()
    page.get_by_label("Email", exact=True).fill(alice.email)
    page.get_by_role("button", name="Send the link").click()
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[-1].body).group(1)
    page.goto(link)
    new = "a-brand-new-long-password"
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("New password confirmation").fill(new)
    page.get_by_role("button", name=re.compile("password", re.I)).click()

    type_password(page, alice.email, new)
    expect(page.get_by_role("link", name="My plans")).to_be_visible()


def test_a_counsellor_sets_up_two_factor_then_logs_in_with_a_recovery_code_in_chinese(
    page: Page, django_user_model
):
    dana = django_user_model.objects.create_user("dana@example.com", PASSWORD)
    dana.make_counsellor()
    page.goto("/counsel/")
    page.get_by_label("Email address").fill(dana.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_text("Counsellors and staff sign in with a second factor.")).to_be_visible()
    assert_no_axe_violations(page)
    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(f"{totp(b32decode(secret)):06d}")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_no_axe_violations(page)
    page.get_by_role("link", name="I have saved them: carry on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    page.get_by_role("button", name="Log out").click()

    type_password(page, dana.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your sign-in code")
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("登录验证码")
    assert_no_axe_violations(page)
    page.get_by_label("验证码").fill(codes[0])
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("你用掉了一个恢复码，还剩 9 个。")).to_be_visible()
    page.get_by_role("link", name="审阅队列").click()
    expect(page).to_have_url(re.compile("/counsel/$"))


def test_alice_withdraws_consent_and_the_counsellor_loses_sight_at_once(
    page: Page, browser, live_server, alice, carol_the_counsellor
):
    alices = submit(Draft.objects.create(owner=alice, answers=LI_JING), consent_review=True)
    carols = browser.new_context(base_url=live_server.url, locale="en-GB")
    counsellor = carols.new_page()
    counsellor.set_default_timeout(10_000)
    try:
        log_in(counsellor, carol_the_counsellor.email)
        counsellor.goto("/counsel/")
        expect(counsellor.get_by_role("link", name="alice@example.com")).to_be_visible()

        log_in(page, alice.email)
        page.goto(f"/submissions/{alices.pk}/")
        page.get_by_role("button", name="Stop counsellor review").click()
        expect(page.get_by_text("Consent withdrawn")).to_be_visible()
        assert_no_axe_violations(page)

        counsellor.reload()
        expect(counsellor.get_by_role("link", name="alice@example.com")).to_have_count(0)
        response = counsellor.goto(f"/counsel/{alices.pk}/")
        assert response.status == 404

        page.get_by_role("button", name="Let a counsellor review these answers").click()
        expect(page.get_by_text("A counsellor may now review these answers.")).to_be_visible()
        counsellor.goto("/counsel/")
        expect(counsellor.get_by_role("link", name="alice@example.com")).to_be_visible()
    finally:
        carols.close()
