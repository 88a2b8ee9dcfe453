import re

import pytest
from django.core import mail
from django.urls import reverse

from profiles.models import REVIEW_PERMISSION, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signup(client, email="dana@example.com", password=PASSWORD, password2=None):
    return client.post(
        reverse("signup"),
        {"email": email, "password1": password, "password2": password2 or password},
    )


def test_it_signs_up_and_logs_in(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="dana@example.com")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_stores_email_lower_cased(client):
    signup(client, email="Dana@Example.COM")
    assert User.objects.filter(email="dana@example.com").exists()


def test_it_rejects_a_duplicate_email_whatever_its_case(client, alice):
    response = signup(client, email="ALICE@example.com")
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_it_rejects_a_weak_password(client):
    response = signup(client, password="12345678")
    assert response.status_code == 400
    body = response.content.decode()
    assert "too short" in body or "too common" in body
    assert not User.objects.exists()


def test_it_rejects_mismatched_passwords(client):
    response = signup(client, password2="something-else-entirely")
    assert response.status_code == 400
    assert not User.objects.exists()
    # Under the confirmation, the field that differs, in words for people.
    assert response.context["form"].errors == {"password2": ["The two passwords are not the same."]}


def test_a_weak_password_is_faulted_under_the_password_not_its_confirmation(client):
    response = signup(client, password="12345678")
    errors = response.context["form"].errors
    assert "password2" not in errors
    assert "This password is too short." in " ".join(errors["password1"])
    body = response.content.decode()
    assert 'href="#id_password1"' in body  # the error summary leads to the password


def test_a_weak_new_password_is_faulted_under_it_too(client, alice):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    token = default_token_generator.make_token(alice)
    form_url = client.get(
        reverse("password_reset_confirm", args=[uid, token]), follow=True
    ).redirect_chain[-1][0]
    errors = (
        client.post(form_url, {"new_password1": "123", "new_password2": "123"})
        .context["form"]
        .errors
    )
    assert "new_password2" not in errors
    assert "This password is too short." in " ".join(errors["new_password1"])


def test_a_rejected_sign_up_keeps_the_way_back_to_the_review(client):
    review = reverse("questionnaire_review")
    data = {"email": "not-an-email", "password1": PASSWORD, "password2": PASSWORD, "next": review}
    body = client.post(reverse("signup"), data).content.decode()
    assert f'name="next" value="{review}"' in body
    data["email"] = "dana@example.com"
    assert client.post(reverse("signup"), {**data, "next": review})["Location"] == review


def test_the_header_s_log_in_and_sign_up_lead_back_to_the_page_they_were_on(client):
    # A visitor halfway through the questionnaire who uses the header's links comes back
    # to the step, not to the home page; on the account pages themselves, no loop.
    body = client.get(reverse("questionnaire_step", args=["work"])).content.decode()
    assert 'href="/accounts/login/?next=/questionnaire/work/"' in body
    assert 'href="/accounts/signup/?next=/questionnaire/work/"' in body
    body = client.get(reverse("story", args=["rest_first"])).content.decode()
    assert 'href="/accounts/signup/?next=/stories/rest_first/"' in body
    body = client.get(reverse("login")).content.decode()
    assert 'href="/accounts/signup/"' in body and "?next=/accounts/" not in body


def test_after_htmx_steps_the_header_links_lead_back_to_the_step_shown(client):
    # htmx swaps the step, not the header: the answer sends the links again, out of band.
    client.get(reverse("questionnaire_step", args=["situation"]))
    body = client.get(
        reverse("questionnaire_step", args=["work"]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="account-links" hx-swap-oob="true"' in body
    assert 'href="/accounts/signup/?next=/questionnaire/work/"' in body


def test_the_error_summary_links_to_the_field(client):
    body = signup(client, email="not-an-email").content.decode()
    assert 'role="alert"' in body
    assert 'href="#id_email"' in body


def test_it_logs_in_with_any_case_of_the_email(client, alice):
    response = client.post(
        reverse("login"), {"username": "Alice@Example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_wrong_password_gets_a_clear_400(client, alice):
    response = client.post(reverse("login"), {"username": alice.email, "password": "wrong-one"})
    assert response.status_code == 400
    assert "Please enter a correct email address and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_logs_out_on_post(client, alice):
    client.force_login(alice)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_ignores_an_offsite_next(client):
    response = client.post(
        reverse("signup") + "?next=https://evil.example/",
        {"email": "eve@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_missing_csrf_token_gets_a_clear_403(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_password_reset_emails_a_link_that_sets_a_new_password(client, alice, eager_tasks):
    response = client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)

    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new_password = "a-brand-new-long-password"
    weak = client.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 400

    done = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new_password)


def test_password_reset_does_not_reveal_unknown_addresses(client, eager_tasks):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_the_counsellor_role_carries_the_review_permission(carol_the_counsellor, alice):
    assert carol_the_counsellor.is_counsellor
    assert not alice.is_counsellor
    assert list(User.objects.counsellors()) == [carol_the_counsellor]


@pytest.mark.parametrize(
    "who",
    ["member", "in the group", "given the permission", "superuser", "inactive counsellor"],
)
def test_is_counsellor_answers_as_has_perm_in_one_query(who, django_assert_num_queries):
    from django.contrib.auth.models import Permission

    user = User.objects.create_user(f"{who.replace(' ', '-')}@example.com", "x" * 12)
    if who in ("in the group", "inactive counsellor"):
        user.make_counsellor()
    if who == "given the permission":
        user.user_permissions.add(Permission.objects.get(codename="review"))
    if who == "superuser":
        User.objects.filter(pk=user.pk).update(is_superuser=True)
    if who == "inactive counsellor":
        User.objects.filter(pk=user.pk).update(is_active=False)
    fresh = User.objects.get(pk=user.pk)
    with django_assert_num_queries(0 if who in ("superuser", "inactive counsellor") else 1):
        answer = fresh.is_counsellor
        assert fresh.is_counsellor == answer  # asked again: no query
    assert answer == User.objects.get(pk=user.pk).has_perm(REVIEW_PERMISSION)
    assert answer == (who in ("in the group", "given the permission", "superuser"))
