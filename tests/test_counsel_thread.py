"""The conversation between a counsellor and a member: a question moves the review to
"awaiting member", the member replies on their plan, the review comes back. Alice is the
member, Bob another member, Carol and Dave counsellors."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advisor.counsel.models import AuditEvent, Message, Review
from advisor.plans.models import Plan
from profiles.personas import ZHANG_YIFEI
from tests.conftest import log_in_verified
from tests.test_counsel import submit, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices(alice):
    return submit(alice)


@pytest.fixture
def counsellor(client, carol_the_counsellor):
    log_in_verified(client, carol_the_counsellor)
    return client


@pytest.fixture
def member(alice):
    from django.test import Client

    member = Client()
    member.force_login(alice)
    return member


def in_review(counsellor, submission):
    counsellor.post(url("counsel_claim", submission))
    counsellor.post(url("counsel_status", submission), {"status": "in_review"})


def ask(counsellor, submission, text="When does your notice period end?", token=None):
    data = {"text": text, "token": token or uuid.uuid4()}
    return counsellor.post(url("counsel_ask", submission), data)


def reply(member, submission, text="On 31 January.", token=None):
    data = {"text": text, "token": token or uuid.uuid4()}
    return member.post(reverse("conversation", args=[submission.pk]), data)


def plan_page(member, submission) -> str:
    plan = Plan.objects.filter(submission=submission).order_by("-version").first()
    return member.get(reverse("plan", args=[plan.pk])).content.decode()


def test_a_question_waits_for_the_member_who_sees_it_on_their_plan_and_is_emailed(
    counsellor,
    member,
    alices,
    mailoutbox,
    django_capture_on_commit_callbacks,
    eager_tasks,
):
    in_review(counsellor, alices)
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(counsellor, alices).status_code == 302
    review = Review.objects.get()
    assert review.status == "awaiting_member"
    [mail] = mailoutbox
    assert (mail.to, mail.subject) == (
        ["alice@example.com"],
        "Your counsellor has a question for you",
    )
    assert "#conversation" in mail.body
    page = plan_page(member, alices)
    assert "When does your notice period end?" in page
    assert "Your counsellor is waiting for your answer." in page
    assert reverse("conversation", args=[alices.pk]) in page  # the reply form


def test_the_question_email_speaks_the_members_language(
    counsellor, alice, alices, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    in_review(counsellor, alices)
    with django_capture_on_commit_callbacks(execute=True):
        ask(counsellor, alices)
    [mail] = mailoutbox
    assert mail.subject == "你的顾问有一个问题想问你"


def test_the_reply_returns_the_review_and_tells_its_counsellor(
    counsellor,
    member,
    alices,
    mailoutbox,
    django_capture_on_commit_callbacks,
    eager_tasks,
):
    in_review(counsellor, alices)
    ask(counsellor, alices)
    with django_capture_on_commit_callbacks(execute=True):
        response = reply(member, alices)
    assert response.status_code == 302
    assert response["Location"].endswith("#conversation")
    assert Review.objects.get().status == "in_review"
    [mail] = mailoutbox
    assert (mail.to, mail.subject) == (["carol@example.com"], "A member replied to your question")
    assert "On 31 January." not in mail.body  # the reply stays in Leap
    assert reverse("counsel_submission", args=[alices.pk]) in mail.body


def test_the_whole_thread_shows_on_both_sides_in_order_and_in_the_trail(counsellor, member, alices):
    in_review(counsellor, alices)
    ask(counsellor, alices, "First question?")
    reply(member, alices, "First answer.")
    ask(counsellor, alices, "Second question?")
    reply(member, alices, "Second answer.")
    turns = ["First question?", "First answer.", "Second question?", "Second answer."]
    for page in (
        plan_page(member, alices),
        counsellor.get(url("counsel_submission", alices)).content.decode(),
    ):
        positions = [page.index(turn) for turn in turns]
        assert positions == sorted(positions)
    actions = AuditEvent.objects.order_by("created_at", "id").values_list("action", flat=True)
    assert [a for a in actions if a in ("asked", "replied")] == [
        "asked",
        "replied",
        "asked",
        "replied",
    ]
    history = counsellor.get(url("counsel_submission", alices)).content.decode()
    assert "alice@example.com · The member replied" in history
    assert "carol@example.com · Asked the member a question" in history


def test_sending_the_same_form_twice_asks_and_replies_once(counsellor, member, alices):
    in_review(counsellor, alices)
    token = uuid.uuid4()
    assert ask(counsellor, alices, token=token).status_code == 302
    assert ask(counsellor, alices, token=token).status_code == 302
    assert Message.objects.filter(from_member=False).count() == 1
    token = uuid.uuid4()
    assert reply(member, alices, token=token).status_code == 302
    assert reply(member, alices, token=token).status_code == 302
    assert Message.objects.filter(from_member=True).count() == 1
    assert AuditEvent.objects.filter(action__in=["asked", "replied"]).count() == 2


def test_a_member_cannot_reply_when_nothing_is_asked(member, alices):
    response = reply(member, alices)
    assert response.status_code == 409
    assert "Your counsellor has no question waiting for you." in response.content.decode()
    assert not Message.objects.exists()


def test_an_empty_question_or_reply_is_400_and_changes_nothing(counsellor, member, alices):
    in_review(counsellor, alices)
    assert ask(counsellor, alices, text="").status_code == 400
    assert Review.objects.get().status == "in_review"
    ask(counsellor, alices)
    assert reply(member, alices, text="").status_code == 400
    assert Review.objects.get().status == "awaiting_member"


def test_bob_cannot_read_or_answer_alices_thread(client, bob, counsellor, alices):
    in_review(counsellor, alices)
    ask(counsellor, alices, "Private question for Alice?")
    client.force_login(bob)
    page = reverse("conversation", args=[alices.pk])
    assert client.get(page).status_code == 404
    assert reply(client, alices).status_code == 404
    assert client.get(reverse("conversation", args=[uuid.uuid4()])).status_code == 404
    assert Review.objects.get().status == "awaiting_member"


def test_a_member_cannot_ask_and_a_visitor_is_sent_to_log_in(client, member, alices):
    assert ask(member, alices).status_code == 403
    response = reply(client, alices)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_counsellors_reach_only_what_members_shared(counsellor, bob):
    bobs = submit(bob, ZHANG_YIFEI, consent_review=False)
    assert ask(counsellor, bobs).status_code == 404
    forged = reverse("counsel_ask", args=[uuid.uuid4()])
    assert counsellor.post(forged, {"text": "?", "token": uuid.uuid4()}).status_code == 404
    assert not Message.objects.exists()


def test_replying_needs_the_csrf_token(alice, alices, counsellor):
    from django.test import Client

    in_review(counsellor, alices)
    ask(counsellor, alices)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert reply(strict, alices).status_code == 403
    assert Review.objects.get().status == "awaiting_member"


def test_time_awaiting_the_member_does_not_count_against_the_response_time(
    counsellor, member, alices, settings
):
    settings.REVIEW_SLA_DAYS = 3
    in_review(counsellor, alices)
    a_week_ago = timezone.now() - timedelta(days=7)
    Review.objects.update(created_at=a_week_ago, clock_from=a_week_ago)
    ask(counsellor, alices)
    # Asked two days after it opened, and the member took five days to answer: without
    # the pause the review would be a week old and overdue; with it, it has used two of
    # its three days.
    Review.objects.update(awaiting_since=timezone.now() - timedelta(days=5))
    assert not Review.objects.overdue().exists()
    reply(member, alices)
    review = Review.objects.get()
    assert not review.is_overdue
    assert not Review.objects.overdue().exists()
    assert abs(review.due_at - timezone.now() - timedelta(days=1)) < timedelta(minutes=1)
    queue = counsellor.get(url("counsel_queue"), {"overdue": "on"}).content.decode()
    assert "alice@example.com" not in queue


def test_a_review_waiting_for_the_member_shows_paused_in_the_queue(counsellor, alices):
    in_review(counsellor, alices)
    ask(counsellor, alices)
    page = counsellor.get(url("counsel_queue")).content.decode()
    assert "Paused: waiting for the member" in page


def test_the_members_export_has_the_conversation(counsellor, member, alices):
    in_review(counsellor, alices)
    ask(counsellor, alices, "Question?")
    reply(member, alices, "Answer.")
    [submission] = member.get(reverse("account_export")).json()["submissions"]
    assert [(m["text"], m["from_you"]) for m in submission["conversation"]] == [
        ("Question?", False),
        ("Answer.", True),
    ]
