"""Log-in lockouts (per account and address together, and per address at a much higher
limit), and limits on password resets and sign-ups, per address and per email address;
all of it with Redis down too."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from profiles.models import User
from profiles.throttle import client_ip
from tests import services
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 10  # LOGIN_FAILURE_LIMIT's default: one account from one address
ADDRESS_LIMIT = 100  # LOGIN_ADDRESS_FAILURE_LIMIT's default: any account from one address


def log_in(email, password, *, address="10.0.0.1", client=None):
    client = client or Client(REMOTE_ADDR=address)
    return client.post(reverse("login"), {"username": email, "password": password})


def test_ten_wrong_passwords_lock_the_account_from_that_address_even_against_the_right_one(
    alice,
):
    answers = [log_in(alice.email, "wrong").status_code for _ in range(10)]
    assert answers == [400] * (LIMIT - 1) + [429]
    response = log_in(alice.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in Client().session


def test_a_lockout_does_not_shut_out_the_office_behind_the_same_address(alice, bob):
    """Behind a company's or a mobile carrier's NAT, many people share one address."""
    for _ in range(LIMIT):
        log_in(alice.email, "wrong", address="10.8.8.8")
    assert log_in(alice.email, PASSWORD, address="10.8.8.8").status_code == 429
    assert log_in(bob.email, PASSWORD, address="10.8.8.8").status_code == 302


def test_nor_does_it_stop_alice_from_another_address(alice):
    """Anyone could otherwise lock any member out, by guessing at their account."""
    for _ in range(LIMIT):
        log_in(alice.email, "wrong", address="10.7.7.7")
    assert log_in(alice.email, PASSWORD, address="10.7.7.8").status_code == 302


def test_the_lockout_page_says_why_and_shows_the_way_back(alice):
    for _ in range(LIMIT):
        log_in(alice.email, "wrong-password")
    page = log_in(alice.email, PASSWORD).content.decode()
    assert "Too many failed log-ins" in page
    assert "Try again in 15 minutes" in page
    assert reverse("password_reset") in page


def test_the_lockout_page_is_in_chinese_for_a_chinese_reader(alice):
    for _ in range(LIMIT):
        log_in(alice.email, "wrong-password")
    client = Client(REMOTE_ADDR="10.0.0.1", headers={"accept-language": "zh-hans"})
    page = log_in(alice.email, PASSWORD, client=client).content.decode()
    assert "登录失败次数过多" in page


def test_any_case_of_the_email_counts_against_the_same_account(alice):
    for n in range(LIMIT):
        log_in(alice.email.upper() if n % 2 else alice.email, "wrong")
    assert log_in(alice.email, PASSWORD).status_code == 429


def test_an_address_is_locked_for_every_account_at_its_own_much_higher_limit(alice, bob):
    # Guessing at many accounts, each fewer times than would lock one of them.
    guesses = [log_in(f"nobody{n}@example.com", "guess", address="10.9.9.9") for n in range(100)]
    assert [r.status_code for r in guesses] == [400] * (ADDRESS_LIMIT - 1) + [429]
    assert log_in(bob.email, PASSWORD, address="10.9.9.9").status_code == 429
    assert log_in(bob.email, PASSWORD, address="10.9.9.8").status_code == 302


def test_bob_logging_in_does_not_clear_the_failures_against_alice(alice, bob):
    for _ in range(LIMIT - 1):
        log_in(alice.email, "wrong", address="10.4.4.4")
    assert log_in(bob.email, PASSWORD, address="10.4.4.4").status_code == 302
    log_in(alice.email, "wrong", address="10.4.4.4")
    assert log_in(alice.email, PASSWORD, address="10.4.4.4").status_code == 429


def test_the_lockout_ends_once_the_cool_off_has_passed(alice):
    for _ in range(LIMIT):
        log_in(alice.email, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(alice.email, PASSWORD).status_code == 302


def test_resetting_the_password_unlocks_the_account_at_once(client, alice, eager_tasks):
    for _ in range(LIMIT):
        log_in(alice.email, "wrong", address="10.0.5.1")
    client.post(reverse("password_reset"), {"email": alice.email})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[-1].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "a-brand-new-long-password"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert log_in(alice.email, new, address="10.0.5.1").status_code == 302


def test_a_lockout_is_logged_without_the_email(alice, caplog):
    for _ in range(LIMIT):
        log_in(alice.email, "wrong")
    with caplog.at_level("WARNING"):
        log_in(alice.email, PASSWORD)
    lines = [r.getMessage() for r in caplog.records if "locked out" in r.getMessage().lower()]
    assert lines
    assert all("10.0.0.1" in line and "alice" not in line for line in lines)


def test_the_admin_logs_in_through_the_same_throttled_form(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Password reset and sign-up ------------------------------------------------------


def reset(email, address="10.1.0.1"):
    return Client(REMOTE_ADDR=address).post(reverse("password_reset"), {"email": email})


def test_password_reset_is_limited_per_email_address(alice, eager_tasks):
    answers = [reset(alice.email, address=f"10.1.1.{n}").status_code for n in range(5)]
    assert answers == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_password_reset_is_limited_per_client_address(eager_tasks):
    answers = [reset(f"someone{n}@example.com").status_code for n in range(21)]
    assert answers.count(302) == 20
    assert answers[-1] == 429


def test_the_throttled_page_says_what_to_do():
    for _ in range(4):
        response = reset("nobody@example.com")
    assert response.status_code == 429
    assert "Please try again in an hour" in response.content.decode()


def signup(email, address="10.2.0.1"):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    return Client(REMOTE_ADDR=address).post(reverse("signup"), data)


def test_sign_up_is_limited_per_client_address():
    answers = [signup(f"new{n}@example.com").status_code for n in range(12)]
    assert answers == [302] * 10 + [429, 429]
    assert User.objects.count() == 10
    assert signup("another@example.com", address="10.2.0.2").status_code == 302


def test_sign_up_is_limited_per_email_address_tried(alice):
    answers = [signup(alice.email, address=f"10.2.1.{n}").status_code for n in range(6)]
    assert answers == [400] * 5 + [429]  # "already exists" five times, then no more asking


def test_behind_the_proxy_the_client_is_the_address_the_proxy_saw(rf, settings):
    settings.PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "203.0.113.7"  # the left part is the client's to write
    settings.PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"


@pytest.fixture
def redis_down(settings):
    """The cache on a port where no Redis listens: what an outage looks like."""
    settings.CACHES = {
        "default": {
            "BACKEND": "advisor.cache.ForgivingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{services.free_port()}/0",
        }
    }


def test_with_redis_down_sign_up_and_reset_go_on_unthrottled(alice, redis_down, eager_tasks):
    assert [signup(f"down{n}@example.com").status_code for n in range(12)] == [302] * 12
    assert [reset(alice.email).status_code for _ in range(5)] == [302] * 5


def test_with_redis_down_lockouts_still_hold(alice, redis_down):
    for _ in range(LIMIT):
        log_in(alice.email, "wrong")
    assert log_in(alice.email, PASSWORD).status_code == 429
