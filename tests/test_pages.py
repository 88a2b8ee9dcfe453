import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_serves_htmx_from_the_package_and_csrf_in_hx_headers(client):
    body = client.get(reverse("home")).content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in body
    assert 'hx-headers=\'{"X-CSRFToken": "' in body
    assert "https://" not in body.split("<body")[0], "nothing is loaded from another origin"


def test_pages_send_a_content_security_policy(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy


def test_an_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_seed_demo_makes_a_member_a_counsellor_and_sample_submissions(settings):
    from django.core.management import call_command

    from advisor.plans.models import Plan
    from profiles.models import Submission, User

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    assert not User.objects.get(email="member@example.com").is_counsellor
    assert User.objects.get(email="counsellor@example.com").is_counsellor
    assert Submission.objects.count() == 4
    assert Submission.objects.filter(consent_review=True).count() == 3
    assert Plan.objects.filter(status="queued").count() == 4
    assert not User.objects.get(email="mei.chen@example.com").has_usable_password()


def test_seed_demo_refuses_without_debug(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="public passwords"):
        call_command("seed_demo")


def test_the_switcher_names_each_language_in_itself(client):
    body = client.get("/", headers={"accept-language": "zh-CN"}).content.decode()
    assert ">English</button>" in body
    assert ">简体中文</span>" in body
