"""The conversation's emails on a real Celery worker, PostgreSQL and the broker, as in
production: the question reaches the member once, in Chinese for a Chinese reader, and
the reply reaches the counsellor once."""

import email
import time
import uuid
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from advisor.counsel.models import Review
from tests.conftest import log_in_verified
from tests.test_counsel import submit

pytestmark = pytest.mark.integration


def emails(outbox: Path, address: str, title: str) -> list:
    """The emails to `address` with the subject `title` that the worker wrote so far."""
    found = []
    for path in sorted(outbox.iterdir()):
        text = path.read_text()
        if not text.rstrip().endswith("-" * 79):
            continue  # still being written
        for part in text.split("-" * 79):
            if part.strip():
                message = email.message_from_string(part.lstrip())
                if message["To"] == address and subject(message) == title:
                    found.append(message)
    return found


def emails_once_there(outbox: Path, address: str, title: str, *, seconds: float = 60) -> list:
    """As `emails`, once there is one, and a moment more: a second copy, if one were
    sent, would be there by then."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if emails(outbox, address, title):
            time.sleep(2)
            return emails(outbox, address, title)
        time.sleep(0.2)
    raise AssertionError(f"no email “{title}” to {address} after {seconds}s")


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_question_and_reply_are_each_emailed_once_by_a_real_worker(
    transactional_db, worker, worker_outbox, alice, carol_the_counsellor
):
    # This run's addresses: the outbox is the session's, and other tests' members reply
    # to Carol too.
    alice.email = f"alice-{uuid.uuid4().hex[:8]}@example.com"
    alice.language = "zh-hans"
    alice.save(update_fields=["email", "language"])
    carol_the_counsellor.email = f"carol-{uuid.uuid4().hex[:8]}@example.com"
    carol_the_counsellor.save(update_fields=["email"])
    alices = submit(alice)
    counsellor = Client()
    log_in_verified(counsellor, carol_the_counsellor)
    counsellor.post(reverse("counsel_claim", args=[alices.pk]))
    counsellor.post(reverse("counsel_status", args=[alices.pk]), {"status": "in_review"})
    question = {"text": "你的竞业限制协议什么时候签的？", "token": uuid.uuid4()}
    for _twice in range(2):  # a double click: one question, one email
        response = counsellor.post(reverse("counsel_ask", args=[alices.pk]), question)
        assert response.status_code == 302

    [asked] = emails_once_there(worker_outbox, alice.email, "你的顾问有一个问题想问你")
    assert "#conversation" in asked.get_payload(decode=True).decode()

    member = Client()
    member.force_login(alice)
    answer = {"text": "去年三月。", "token": uuid.uuid4()}
    for _twice in range(2):
        reply = member.post(reverse("conversation", args=[alices.pk]), answer)
        assert reply.status_code == 302
    assert Review.objects.get(submission=alices).status == "in_review"

    title = "A member replied to your question"
    [replied] = emails_once_there(worker_outbox, carol_the_counsellor.email, title)
    assert "去年三月" not in replied.get_payload(decode=True).decode()
