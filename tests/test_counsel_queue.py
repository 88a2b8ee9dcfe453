"""The counsellors' queue grown up: age and due date, the orders, keyset pages at a
fixed number of queries, my caseload, and saved replies. Carol and Dave are counsellors."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advisor.counsel.models import Review, SavedReply
from profiles.models import Draft, Submission
from profiles.personas import LI_JING, LIU_CHEN, MEI_CHEN, ZHANG_YIFEI
from tests.conftest import log_in_verified
from tests.test_counsel import submit, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def counsellor(client, carol_the_counsellor):
    log_in_verified(client, carol_the_counsellor)
    return client


def emails_in_order(page: str) -> list[str]:
    return re.findall(r">([a-z0-9]+@example\.com)</a>", page)


def next_cursor(page: str) -> str | None:
    """Where the "Next" link's page starts, or None on the last page."""
    found = re.search(r'href="\?[^"]*after=([0-9a-f-]{36})[^"]*"[^>]*>Next →', page)
    return found.group(1) if found else None


def members(django_user_model, count: int, answers=MEI_CHEN) -> list[Submission]:
    return [
        submit(django_user_model.objects.create_user(f"m{n:03d}@example.com"), answers)
        for n in range(count)
    ]


def test_the_queue_shows_age_and_due_date(counsellor, alice, settings):
    settings.REVIEW_SLA_DAYS = 3
    alices = submit(alice)
    four_days_ago = timezone.now() - timedelta(days=4)
    Review.objects.filter(submission=alices).update(
        created_at=four_days_ago, clock_from=four_days_ago
    )
    page = counsellor.get(url("counsel_queue")).content.decode()
    assert '<td data-label="Age">4 days</td>' in page
    due = re.search(r'<td data-label="Due">(.*?)</td>', page).group(1)
    assert "Overdue" in due


def test_oldest_first_and_due_first(counsellor, django_user_model):
    made = {}
    for name, answers in [("li", LI_JING), ("mei", MEI_CHEN), ("liu", LIU_CHEN)]:
        made[name] = submit(django_user_model.objects.create_user(f"{name}@example.com"), answers)
    now = timezone.now()
    # Opened: liu first, then mei, then li; due: mei first (liu's clock was paused).
    times = {"liu": (10, 2), "mei": (5, 5), "li": (1, 1)}
    for name, (opened, clock) in times.items():
        Review.objects.filter(submission=made[name]).update(
            created_at=now - timedelta(days=opened), clock_from=now - timedelta(days=clock)
        )
    oldest = counsellor.get(url("counsel_queue"), {"sort": "oldest"}).content.decode()
    assert emails_in_order(oldest) == ["liu@example.com", "mei@example.com", "li@example.com"]
    due = counsellor.get(url("counsel_queue"), {"sort": "due"}).content.decode()
    assert emails_in_order(due) == ["mei@example.com", "liu@example.com", "li@example.com"]


@pytest.mark.parametrize("sort", ["", "oldest", "due"])
def test_keyset_pages_hold_every_review_once(counsellor, django_user_model, settings, sort):
    settings.COUNSEL_PAGE_SIZE = 4
    made = members(django_user_model, 7, MEI_CHEN) + members_of(django_user_model, 3)
    same_moment = timezone.now() - timedelta(days=1)
    Review.objects.update(created_at=same_moment, clock_from=same_moment)  # ties: by id
    seen, query = [], {"sort": sort}
    for _page in range(5):
        page = counsellor.get(url("counsel_queue"), query).content.decode()
        seen += emails_in_order(page)
        after = next_cursor(page)
        if not after:
            break
        query = {"sort": sort, "after": after}
    assert sorted(seen) == sorted(s.owner.email for s in made)
    assert len(seen) == len(set(seen))


def members_of(django_user_model, count: int) -> list[Submission]:
    return [
        submit(django_user_model.objects.create_user(f"z{n:03d}@example.com"), ZHANG_YIFEI)
        for n in range(count)
    ]


def test_a_fixed_number_of_queries_whatever_the_page_size_or_page(
    counsellor, django_user_model, settings
):
    members(django_user_model, 60)

    def queries(size: int, **query) -> tuple[int, str]:
        settings.COUNSEL_PAGE_SIZE = size
        with CaptureQueriesContext(connection) as captured:
            response = counsellor.get(url("counsel_queue"), query)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    one, _page = queries(1)
    # session, user, second factor, two permission look-ups, the count (up to 1,000),
    # the page
    assert one <= 7
    assert queries(50)[0] == one
    _count, page = queries(25)
    after = next_cursor(page)
    assert queries(25, after=after)[0] == one
    assert queries(50, sort="due", status="new", after=after)[0] == one


def test_my_caseload_is_what_i_claimed_by_status(
    counsellor, carol_the_counsellor, dave_the_counsellor, django_user_model
):
    made = members(django_user_model, 4)
    for submission in made[:3]:
        counsellor.post(url("counsel_claim", submission))
    counsellor.post(url("counsel_status", made[0]), {"status": "in_review"})
    Review.objects.filter(submission=made[3]).update(assignee=dave_the_counsellor)
    page = counsellor.get(reverse("counsel_caseload")).content.decode()
    assert "All (3)" in page and "New (2)" in page and "In review (1)" in page
    assert sorted(emails_in_order(page)) == ["m000@example.com", "m001@example.com",
                                             "m002@example.com"]  # fmt: skip
    in_review = counsellor.get(reverse("counsel_caseload"), {"status": "in_review"})
    assert emails_in_order(in_review.content.decode()) == ["m000@example.com"]


@pytest.fixture
def dave_the_counsellor(django_user_model):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    dave = django_user_model.objects.create_user("dave@example.com")
    dave.make_counsellor()
    TOTPDevice.objects.create(user=dave, name="Authenticator app", confirmed=True)
    return dave


def test_saved_replies_are_made_changed_and_deleted_by_their_owner_only(
    client, counsellor, carol_the_counsellor, dave_the_counsellor
):
    data = {"title": "Notice", "text_en": "When does it end?", "text_zh_hans": "什么时候结束？"}
    assert counsellor.post(reverse("counsel_saved_replies"), data).status_code == 302
    saved = SavedReply.objects.get()
    assert saved.owner == carol_the_counsellor
    edit = reverse("counsel_saved_reply", args=[saved.pk])
    assert counsellor.post(edit, {**data, "title": "Notice period"}).status_code == 302
    saved.refresh_from_db()
    assert saved.title == "Notice period"
    assert counsellor.post(reverse("counsel_saved_replies"), {"title": ""}).status_code == 400

    log_in_verified(client, dave_the_counsellor)
    assert client.get(edit).status_code == 404
    assert client.post(edit, data).status_code == 404
    delete = reverse("counsel_delete_saved_reply", args=[saved.pk])
    assert client.post(delete).status_code == 404
    assert "Notice period" not in client.get(reverse("counsel_saved_replies")).content.decode()

    log_in_verified(client, carol_the_counsellor)
    assert client.post(delete).status_code == 302
    assert not SavedReply.objects.exists()


@pytest.mark.parametrize(
    ("language", "expected"), [("", "When does it end?"), ("zh-hans", "什么时候结束？")]
)
def test_a_saved_reply_goes_into_the_question_box_in_the_members_language(
    counsellor, carol_the_counsellor, alice, language, expected
):
    alice.language = language
    alice.save(update_fields=["language"])
    alices = submit(alice)
    saved = SavedReply.objects.create(
        owner=carol_the_counsellor, title="Notice", text_en="When does it end?",
        text_zh_hans="什么时候结束？",
    )  # fmt: skip
    counsellor.post(url("counsel_status", alices), {"status": "in_review"})
    page = counsellor.get(url("counsel_submission", alices), {"reply": saved.pk, "into": "ask"})
    box = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', page.content.decode(), re.S)
    assert box.group(1).strip() == expected


def test_another_counsellors_saved_reply_is_not_inserted(counsellor, dave_the_counsellor, alice):
    alices = submit(alice)
    daves = SavedReply.objects.create(
        owner=dave_the_counsellor, title="Dave's", text_en="Dave's secret", text_zh_hans="秘密"
    )
    page = counsellor.get(url("counsel_submission", alices), {"reply": daves.pk, "into": "note"})
    assert "Dave&#x27;s secret" not in page.content.decode()
    assert "Dave's secret" not in page.content.decode()


@pytest.mark.parametrize("consent", [True, False])
def test_editing_the_answers_keeps_the_review_consent_as_it_was(client, alice, consent):
    first = submit(alice, LI_JING, consent_review=consent)
    client.force_login(alice)
    draft = first.start_revision()
    Draft.objects.filter(pk=draft.pk).update(answers={**first.answers, "dependants": 2})
    page = client.get(reverse("questionnaire_review")).content.decode()
    box = re.search(r'<input type="checkbox" name="consent_review"[^>]*>', page).group(0)
    assert ("checked" in box) is consent


def test_unticking_the_box_on_an_edit_withdraws_the_consent_for_the_new_version(client, alice):
    first = submit(alice, LI_JING, consent_review=True)
    client.force_login(alice)
    draft = first.start_revision()
    Draft.objects.filter(pk=draft.pk).update(answers={**first.answers, "dependants": 2})
    response = client.post(
        reverse("questionnaire_review"),
        {"draft_id": str(draft.pk), "consent_processing": "on"},  # the review box unticked
    )
    assert response.status_code == 302
    newest = Submission.objects.for_owner(alice).first()
    assert newest.previous == first
    assert newest.consent_review is False
    assert not Review.objects.filter(submission=newest).exists()


def test_keeping_the_ticked_box_on_an_edit_opens_a_review_of_the_new_version(client, alice):
    first = submit(alice, LI_JING, consent_review=True)
    client.force_login(alice)
    draft = first.start_revision()
    Draft.objects.filter(pk=draft.pk).update(answers={**first.answers, "dependants": 2})
    page = client.get(reverse("questionnaire_review")).content.decode()
    assert re.search(r'name="consent_review"[^>]*checked', page)
    client.post(
        reverse("questionnaire_review"),
        {"draft_id": str(draft.pk), "consent_processing": "on", "consent_review": "on"},
    )
    newest = Submission.objects.for_owner(alice).first()
    assert newest.consent_review is True
    assert Review.objects.filter(submission=newest).exists()


def test_a_forged_cursor_is_400_not_500(counsellor):
    assert counsellor.get(url("counsel_queue"), {"after": "not-a-uuid"}).status_code == 400
    empty = counsellor.get(url("counsel_queue"), {"after": str(uuid.uuid4())})
    assert empty.status_code == 200


def test_past_the_count_limit_the_queue_says_more_than(counsellor, django_user_model, monkeypatch):
    from advisor.counsel import views

    monkeypatch.setattr(views, "COUNT_LIMIT", 2)
    members(django_user_model, 3)
    page = counsellor.get(url("counsel_queue")).content.decode()
    assert "More than 2 submissions" in page
    assert len(emails_in_order(page)) == 3  # the page itself is whole
