"""Two-factor sign-in: set up with an authenticator app, required of counsellors and the
admin, a code after the password, recovery codes for a lost phone."""

import time
from base64 import b32decode
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from profiles import two_factor
from tests.conftest import PASSWORD, code_for

pytestmark = pytest.mark.django_db


def password_step(client, user, next_url=""):
    data = {"username": user.email, "password": PASSWORD, "next": next_url}
    return client.post(reverse("login"), data)


def code_step(client, code):
    return client.post(reverse("login_verify"), {"code": code})


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_a_counsellor_with_a_password_alone_is_sent_to_set_up_two_factor(client, django_user_model):
    dana = django_user_model.objects.create_user("dana@example.com", PASSWORD)
    dana.make_counsellor()
    response = password_step(client, dana, next_url="/counsel/")
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor") + "?next=%2Fcounsel%2F"
    # The queue is out of reach until it is set up.
    queue = client.get("/counsel/")
    assert queue.status_code == 302 and queue["Location"].startswith(reverse("two_factor"))


def test_setting_it_up_takes_a_code_from_the_app_and_gives_ten_recovery_codes(client, alice):
    client.force_login(alice)
    page = client.get(reverse("two_factor")).content.decode()
    assert "data:image/svg+xml" in page  # the QR code, inline (the CSP allows data: images)
    secret = page.split("data-secret>")[1].split("<")[0].replace(" ", "")
    wrong = client.post(reverse("two_factor"), {"code": "000000"})
    assert wrong.status_code == 400
    assert not two_factor.is_enabled(alice)

    code = f"{totp(b32decode(secret)):06d}"  # at once: a typo is no reason to wait
    done = client.post(reverse("two_factor"), {"code": code})
    assert done.status_code == 200
    assert two_factor.is_enabled(alice)
    codes = list(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(c in done.content.decode() for c in codes)
    assert done["Cache-Control"].count("no-store")  # shown once, kept by no cache


def test_logging_in_takes_the_password_then_the_code(client, carol_the_counsellor):
    response = password_step(client, carol_the_counsellor, next_url="/counsel/")
    assert response["Location"] == reverse("login_verify")
    assert not logged_in_as(client)  # the password alone logs nobody in
    done = code_step(client, code_for(carol_the_counsellor))
    assert done["Location"] == "/counsel/"
    assert logged_in_as(client) == str(carol_the_counsellor.pk)
    assert client.get("/counsel/").status_code == 200


def last_wrong_code_was(user, ago: timedelta) -> None:
    for model in (TOTPDevice, StaticDevice):  # a code is tried against both
        model.objects.filter(user=user).update(throttling_failure_timestamp=timezone.now() - ago)


def test_a_mistyped_code_can_be_typed_again_at_once(client, carol_the_counsellor):
    password_step(client, carol_the_counsellor, next_url="/counsel/")
    first = code_step(client, "123456")
    assert first.status_code == 400
    assert "That code is not right" in first.content.decode()
    assert code_step(client, code_for(carol_the_counsellor))["Location"] == "/counsel/"
    assert logged_in_as(client) == str(carol_the_counsellor.pk)


def test_after_five_wrong_codes_even_the_right_one_waits_a_minute(client, carol_the_counsellor):
    password_step(client, carol_the_counsellor)
    for _ in range(two_factor.FREE_TRIES):
        wrong = code_step(client, "123456")
        assert "That code is not right" in wrong.content.decode()
    too_soon = code_step(client, code_for(carol_the_counsellor))
    assert too_soon.status_code == 400
    assert "Too many wrong codes. Try again in 1 minute." in too_soon.content.decode()
    assert not logged_in_as(client)

    last_wrong_code_was(carol_the_counsellor, timedelta(minutes=1, seconds=1))
    assert code_step(client, code_for(carol_the_counsellor)).status_code == 302
    assert logged_in_as(client)


def test_each_further_wrong_code_doubles_the_wait(client, carol_the_counsellor):
    password_step(client, carol_the_counsellor)
    for _ in range(two_factor.FREE_TRIES):
        code_step(client, "123456")
    last_wrong_code_was(carol_the_counsellor, timedelta(minutes=1, seconds=1))
    code_step(client, "123456")  # the sixth: two minutes to wait now
    answer = code_step(client, code_for(carol_the_counsellor)).content.decode()
    assert "Too many wrong codes. Try again in 2 minutes." in answer


def test_a_recovery_code_logs_in_once(carol_the_counsellor):
    [code, *_] = two_factor.new_recovery_codes(carol_the_counsellor)
    first = Client()
    password_step(first, carol_the_counsellor)
    assert code_step(first, code.upper()).status_code == 302
    assert logged_in_as(first)
    again = Client()
    password_step(again, carol_the_counsellor)
    assert code_step(again, code).status_code == 400
    assert two_factor.recovery_codes_left(carol_the_counsellor) == 9


def test_the_code_step_lapses_after_a_few_minutes(client, carol_the_counsellor, settings):
    password_step(client, carol_the_counsellor)
    session = client.session
    session[two_factor.PENDING]["since"] = time.time() - 6 * 60
    session.save()
    response = code_step(client, code_for(carol_the_counsellor))
    assert response["Location"] == reverse("login")
    assert not logged_in_as(client)


def test_the_code_step_without_a_password_first_sends_you_to_log_in(client):
    assert client.get(reverse("login_verify"))["Location"] == reverse("login")


def test_the_admin_needs_the_second_factor(client, admin_user):
    client.force_login(admin_user)  # a password-only session, for staff
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow["Location"].startswith(reverse("two_factor"))
    TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=True)
    asked = client.get("/admin/login/?next=/admin/")
    assert asked["Location"] == reverse("login_verify")
    assert code_step(client, code_for(admin_user))["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_member_may_turn_it_on_and_off_but_a_counsellor_may_not(
    client, alice, carol_the_counsellor
):
    TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)
    password_step(client, alice)
    code_step(client, code_for(alice))
    assert client.post(reverse("two_factor_off"))["Location"] == reverse("account")
    assert not two_factor.is_enabled(alice)

    carols = Client()
    password_step(carols, carol_the_counsellor)
    code_step(carols, code_for(carol_the_counsellor))
    carols.post(reverse("two_factor_off"))
    assert two_factor.is_enabled(carol_the_counsellor)


def test_new_recovery_codes_void_the_old_ones(client, carol_the_counsellor):
    old = two_factor.new_recovery_codes(carol_the_counsellor)
    password_step(client, carol_the_counsellor)
    code_step(client, code_for(carol_the_counsellor))
    page = client.post(reverse("two_factor_recovery_codes")).content.decode()
    new = StaticToken.objects.filter(device__user=carol_the_counsellor)
    assert all(token.token in page for token in new)
    assert not new.filter(token__in=old).exists()


def test_the_code_page_speaks_chinese(carol_the_counsellor):
    client = Client(headers={"accept-language": "zh-hans"})
    password_step(client, carol_the_counsellor)
    page = client.get(reverse("login_verify")).content.decode()
    assert "登录验证码" in page
