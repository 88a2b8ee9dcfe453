"""Check-ins at day 30, 60 and 90: made once, emailed once to members who still want
them, answered by the member into a new plan version; the unsubscribe link needs no
log-in."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advisor.checkins import sweep
from advisor.checkins.models import CheckIn, Unsubscribed
from advisor.members.submit import submit as submit_draft
from advisor.plans import worker
from advisor.plans.models import Plan
from profiles.models import Draft, Submission
from profiles.personas import LI_JING, ZHANG_YIFEI

pytestmark = pytest.mark.django_db


def plan_written(user, answers=LI_JING, *, days_ago: int = 0) -> Plan:
    """A member's first plan, written `days_ago` days ago."""
    draft = Draft.objects.create(owner=user, answers=answers)
    plan = submit_draft(draft, consent_review=False).plans.get()
    assert worker.generate(plan.pk) == "ready"
    Plan.objects.filter(pk=plan.pk).update(finished_at=timezone.now() - timedelta(days=days_ago))
    plan.refresh_from_db()
    return plan


def checkin_emails() -> list:
    """The check-in emails sent in this test (the plans' own emails left out)."""
    return [m for m in mail.outbox if "/check-ins/" in m.body]


def rest_days(plan: Plan) -> int:
    return 30 * plan.content["rest_months"]


def due_checkin(user, day: int = 30, answers=LI_JING) -> CheckIn:
    """A member whose check-in of `day` has just come."""
    plan = plan_written(user, answers)
    Plan.objects.filter(pk=plan.pk).update(
        finished_at=timezone.now() - timedelta(days=rest_days(plan) + day)
    )
    sweep.schedule()
    return CheckIn.objects.get(member=user, day=day)


def test_a_first_plan_gets_check_ins_at_day_30_60_and_90_after_its_rest(alice):
    plan = plan_written(alice)
    assert plan.content["rest_months"] == 6  # Li Jing rests first: the days count after
    assert sweep.schedule() == 3
    start = timezone.localdate(plan.finished_at) + timedelta(days=180)
    checkins = CheckIn.objects.filter(member=alice).order_by("day")
    assert [(c.day, c.due_on) for c in checkins] == [
        (day, start + timedelta(days=day)) for day in (30, 60, 90)
    ]
    assert all(c.series_id == plan.submission_id and c.skipped == "" for c in checkins)


def test_sweeping_again_makes_no_second_set(alice):
    plan_written(alice)
    assert sweep.schedule() == 3
    assert sweep.schedule() == 0
    assert CheckIn.objects.count() == 3


def test_the_database_refuses_a_second_check_in_for_the_same_day(alice):
    plan = plan_written(alice)
    sweep.schedule()
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(
            member=alice, series=plan.submission, day=30, due_on=timezone.localdate()
        )


def test_an_edit_of_the_answers_continues_the_same_check_ins(alice):
    plan = plan_written(alice)
    edit = Draft.objects.create(
        owner=alice, answers={**LI_JING, "savings": 100_000}, based_on=plan.submission
    )
    worker.generate(submit_draft(edit, consent_review=False).plans.get().pk)
    assert sweep.schedule() == 3
    assert set(CheckIn.objects.values_list("series", flat=True)) == {plan.submission_id}


def test_days_long_past_when_check_ins_began_are_set_aside(alice):
    plan = plan_written(alice, days_ago=400)  # written before there were check-ins
    sweep.schedule()
    assert set(CheckIn.objects.values_list("skipped", flat=True)) == {"late"}
    assert sweep.send_due() == 0
    assert plan.content and checkin_emails() == []


def test_a_due_check_in_is_emailed_once_in_the_members_language(alice):
    alice.language = "zh-hans"
    alice.save()
    checkin = due_checkin(alice, day=30)

    assert sweep.send_due() == 1
    assert sweep.send_due() == 0
    [email] = checkin_emails()
    assert email.to == [alice.email]
    assert "第30天" in email.subject
    assert "(网红服务创业者)" in email.body  # the path, named in her language
    assert f"/check-ins/{checkin.pk}/" in email.body
    unsubscribe = reverse("checkin_unsubscribe", args=[sweep.token_for(alice)])
    assert unsubscribe in email.body
    assert email.extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe}>")
    checkin.refresh_from_db()
    assert checkin.emailed_at is not None
    # Day 60 and 90 are still ahead.
    assert CheckIn.objects.filter(emailed_at=None).count() == 2


def test_an_english_member_gets_it_in_english(alice):
    due_checkin(alice, day=60)
    sweep.send_due()
    assert [m.subject for m in checkin_emails()] == ["Day 60 of your Leap plan: how is it going?"]


def test_a_claimed_check_in_is_not_claimed_again(alice):
    due_checkin(alice)
    now, today = timezone.now(), timezone.localdate()
    assert len(CheckIn.objects.claim_due(today=today, now=now, limit=10)) == 1
    assert CheckIn.objects.claim_due(today=today, now=now, limit=10) == []


def test_no_email_to_a_member_who_unsubscribed_or_whose_account_is_closed(alice, bob):
    due_checkin(alice)
    due_checkin(bob)
    Unsubscribed.objects.create(member=alice)
    bob.is_active = False
    bob.save()
    assert sweep.send_due() == 0
    assert checkin_emails() == []


def test_a_deleted_member_leaves_no_check_ins_to_send(alice):
    from advisor.members import privacy

    due_checkin(alice)
    privacy.delete_account(alice)
    assert CheckIn.objects.count() == 0
    assert sweep.send_due() == 0


def test_a_mail_server_that_refuses_gives_the_check_in_back_for_the_next_sweep(
    alice, settings, monkeypatch
):
    checkin = due_checkin(alice)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    assert sweep.send_due() == 0
    checkin.refresh_from_db()
    assert checkin.emailed_at is None
    monkeypatch.undo()
    assert sweep.send_due() == 1


def test_the_unsubscribe_link_works_without_logging_in(alice):
    due_checkin(alice)
    client = Client(enforce_csrf_checks=True)
    url = reverse("checkin_unsubscribe", args=[sweep.token_for(alice)])

    page = client.get(url)
    assert page.status_code == 200
    assert not Unsubscribed.objects.exists()  # a link followed changes nothing
    assert "Stop check-in emails" in page.text

    # A mail client's one-click unsubscribe (RFC 8058) posts with no CSRF token.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 302
    assert Unsubscribed.objects.filter(member=alice).exists()
    assert sweep.send_due() == 0
    assert "no more check-in emails" in client.get(url).text

    client.post(url, {"again": "1"})
    assert not Unsubscribed.objects.exists()
    assert sweep.send_due() == 1


def test_a_forged_unsubscribe_token_is_404(alice):
    token = sweep.token_for(alice)
    forged = token.replace(str(alice.pk), str(alice.pk + 1), 1)
    assert Client().get(reverse("checkin_unsubscribe", args=[forged])).status_code == 404
    assert Client().post(reverse("checkin_unsubscribe", args=["nonsense"])).status_code == 404


def answers_form(**changes) -> dict:
    form = {
        "progress": "working",
        "story": "Talked to six creators.",
        "earning": "no",
        "savings": "30000",
        "strain_signals": ["sleep"],
        "changed": "",
    }
    form.update(changes)
    return form


def test_a_member_answers_a_check_in_and_gets_a_new_plan_version(client, alice):
    checkin = due_checkin(alice, day=90)
    client.force_login(alice)
    url = reverse("checkin", args=[checkin.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="216000"' in page.text  # the savings as she last gave them

    response = client.post(url, answers_form())
    assert response.status_code == 302
    checkin.refresh_from_db()
    first = checkin.plan
    assert checkin.answers["savings"] == 30000 and checkin.answers["earning"] is False
    new = checkin.new_plan
    assert new.status == "queued"
    assert new.submission.previous_id == first.submission_id
    assert new.submission.answers["savings"] == 30000
    assert new.submission.answers["strain_signals"] == ["sleep"]
    # More signs of strain when the plan was written than now: counted as strain down.
    assert len(first.submission.answers["strain_signals"]) > 1
    assert checkin.answers["strain_down"] is True

    # Sent twice (a second tab): still one new submission and plan.
    client.post(url, answers_form(savings="1"))
    assert Submission.objects.count() == 2
    assert Plan.objects.count() == 2

    result = client.get(url)
    assert "A switch point has been reached" in result.text
    assert "A new job, searched for well" in result.text  # plan B, by name


def test_a_check_in_that_changes_no_answer_makes_the_next_version_of_the_same(client, alice):
    checkin = due_checkin(alice, answers=ZHANG_YIFEI)
    client.force_login(alice)
    same = answers_form(
        savings=str(ZHANG_YIFEI["savings"]), strain_signals=ZHANG_YIFEI["strain_signals"]
    )
    client.post(reverse("checkin", args=[checkin.pk]), same)
    checkin.refresh_from_db()
    assert checkin.new_plan.submission_id == checkin.plan.submission_id
    assert checkin.new_plan.version == 2
    page = client.get(reverse("checkin", args=[checkin.pk]))
    assert "No switch point has been reached" in page.text


def test_a_check_in_in_chinese_says_so_in_chinese(client, alice):
    checkin = due_checkin(alice, day=90)
    client.force_login(alice)
    client.cookies["django_language"] = "zh-hans"
    client.post(reverse("checkin", args=[checkin.pk]), answers_form())
    page = client.get(reverse("checkin", args=[checkin.pk]))
    assert "已经到了转向点" in page.text
    assert CheckIn.objects.get(pk=checkin.pk).new_plan.language == "zh-hans"


def test_a_bad_answer_is_422_with_the_reason(client, alice):
    checkin = due_checkin(alice)
    client.force_login(alice)
    response = client.post(reverse("checkin", args=[checkin.pk]), answers_form(savings="-5"))
    assert response.status_code == 422
    assert "This cannot be less than 0." in response.text
    assert not CheckIn.objects.get(pk=checkin.pk).answered


def test_bob_cannot_see_or_answer_alices_check_in(client, alice, bob):
    checkin = due_checkin(alice)
    client.force_login(bob)
    url = reverse("checkin", args=[checkin.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, answers_form()).status_code == 404
    assert not CheckIn.objects.get(pk=checkin.pk).answered


def test_a_check_in_still_ahead_cannot_be_answered(client, alice):
    plan_written(alice)
    sweep.schedule()
    client.force_login(alice)
    checkin = CheckIn.objects.get(day=30)
    assert client.get(reverse("checkin", args=[checkin.pk])).status_code == 404


def test_the_new_version_says_what_changed_and_why_at_its_top(client, alice):
    checkin = due_checkin(alice, day=90)
    client.force_login(alice)
    client.post(reverse("checkin", args=[checkin.pk]), answers_form())
    checkin.refresh_from_db()
    worker.generate(checkin.new_plan.pk)

    page = client.get(reverse("plan", args=[checkin.new_plan.pk])).text
    top = page.index("What changed and why")
    assert top < page.index("The match and why")
    assert "216,000 yuan" in page and "30,000 yuan" in page  # savings, before and now
    assert "Influencer-services founder is still your first path" in page
    assert "carry over from the last version" in page
    assert "A switch point has been reached" in page
    # The version checked in on says nothing of it.
    assert "What changed and why" not in client.get(reverse("plan", args=[checkin.plan.pk])).text


def test_the_sweep_carries_progress_over_once_the_new_plan_is_ready(client, alice):
    checkin = due_checkin(alice, day=30)
    client.force_login(alice)
    client.post(reverse("checkin", args=[checkin.pk]), answers_form())
    assert sweep.carry_over() == 0  # the new plan is still queued
    worker.generate(CheckIn.objects.get(pk=checkin.pk).new_plan.pk)
    assert sweep.carry_over() == 1
    assert sweep.carry_over() == 0
    assert CheckIn.objects.get(pk=checkin.pk).carried_at is not None


def test_the_export_holds_the_check_ins(client, alice):
    from advisor.members import privacy

    checkin = due_checkin(alice)
    Unsubscribed.objects.create(member=alice)
    data = privacy.export(alice)
    assert [c["day"] for c in data["checkins"]] == [30, 60, 90]
    assert data["checkins"][0]["answers_of"] == checkin.series_id
    assert data["checkin_emails_stopped"] is True


def test_the_plan_page_offers_a_check_in_that_has_come_until_it_is_answered(client, alice):
    checkin = due_checkin(alice, day=30)
    client.force_login(alice)
    plan = Plan.objects.get(submission__owner=alice)
    page = client.get(reverse("plan", args=[plan.pk])).text
    assert reverse("checkin", args=[checkin.pk]) in page
    assert "Day 30: how is it going?" in page
    client.post(reverse("checkin", args=[checkin.pk]), answers_form())
    checkin.refresh_from_db()
    page = client.get(reverse("plan", args=[plan.pk])).text
    assert reverse("checkin", args=[checkin.pk]) not in page
