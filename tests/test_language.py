"""The language: from the browser, switched anywhere, kept for the member, never an error."""

import re

import pytest
from django.urls import reverse

from profiles.models import Draft
from profiles.personas import LI_JING
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_browsers_language_is_used(client):
    page = client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录" in page


@pytest.mark.parametrize("header", ["xx-YY", "fr-FR,fr;q=0.9", ""])
def test_an_unknown_language_falls_back_to_english(client, header):
    response = client.get("/", headers={"accept-language": header})
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_switching_to_an_unknown_code_is_english_and_no_error(client):
    response = client.post(reverse("set_language"), {"language": "klingon", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").content.decode()


def test_a_switch_never_redirects_off_the_site(client):
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_a_members_choice_follows_them_to_another_device(client, alice):
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    alice.refresh_from_db()
    assert alice.language == "zh-hans"

    from django.test import Client

    other_device = Client()
    other_device.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    assert '<html lang="zh-hans">' in other_device.get("/").content.decode()


def test_switching_mid_step_keeps_what_was_typed(client):
    client.get(reverse("questionnaire_step", args=["work"]))
    step = {k: LI_JING[k] for k in ("role", "years_experience", "hours_per_week")}
    response = client.post(
        reverse("questionnaire_step", args=["work"]), {**step, "language": "zh-hans"}
    )
    assert response["Location"] == reverse("questionnaire_step", args=["work"])
    draft = Draft.objects.get()
    assert draft.answers == {"role": "data", "years_experience": 8, "hours_per_week": 72}
    page = client.get(response["Location"]).content.decode()
    assert '<html lang="zh-hans">' in page
    assert 'value="72"' in page


def test_the_step_page_ties_the_switcher_to_the_step_form(client):
    page = client.get(reverse("questionnaire_step", args=["work"])).content.decode()
    # No formaction: the switch posts to the step form's own action, the step shown.
    assert re.search(r'form="step-form" formnovalidate\s+name="language" value="zh-hans"', page)
    # Enter presses the form's first button in the page: a hidden "next", before the switch.
    assert page.index('form="step-form" name="nav" value="next" hidden') < page.index("zh-hans")


def test_mixed_language_answers_are_kept_intact(client, alice):
    notes = "想做 data consulting，先休息半年 😊"
    draft = Draft.objects.create(owner=alice, answers={**LI_JING, "notes": notes})
    client.force_login(alice)
    page = client.get(reverse("questionnaire_review")).content.decode()
    assert notes in page
    assert Draft.objects.get(pk=draft.pk).answers["notes"] == notes
