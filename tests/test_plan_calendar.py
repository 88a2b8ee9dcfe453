"""The plan's calendar: every milestone, plan B's moments to switch and the check-ins, each
described with a link back to the plan, under UIDs that a second import recognises."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from advisor.plans import checklist
from advisor.plans.models import Plan
from profiles.personas import LI_JING
from tests.test_plan_checklist import submit, written

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(alice) -> Plan:
    return written(submit(alice).plans.get())


def download(client, plan) -> bytes:
    response = client.get(reverse("plan_ics", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content


def events(body: bytes) -> dict[str, dict]:
    """The calendar's events by UID, each as {property: value as text}."""
    found = {}
    for event in Calendar.from_ical(body).walk("VEVENT"):
        found[str(event["UID"])] = {
            "summary": str(event["SUMMARY"]),
            "description": str(event["DESCRIPTION"]),
            "start": event.decoded("DTSTART"),
            "stamp": event.decoded("DTSTAMP"),
            "sequence": int(event["SEQUENCE"]),
            "url": str(event["URL"]),
        }
    return found


def test_two_downloads_are_the_same_file_with_the_same_uids(client, alice, plan):
    client.force_login(alice)
    first, second = download(client, plan), download(client, plan)
    assert first == second
    assert list(events(first)) == list(events(second))


def test_every_milestone_switch_and_check_in_is_an_event(client, alice, plan):
    client.force_login(alice)
    found = events(download(client, plan))
    milestones = checklist.steps(plan.content)
    switches = checklist.steps(plan.content, "plan_b")
    assert len(found) == len(milestones) + len(switches) + 3
    scope = plan.submission_id  # a first submission: the answers' first version
    for m in milestones:
        event = found[f"{scope}-{m['key']}@leap"]
        assert event["summary"] == f"Leap, day {m['day']}: {m['text']}"
        assert m["text"] in event["description"]
        assert event["start"] == plan.date_of(m["day"])
    for day in (30, 60, 90):
        event = found[f"{scope}-check-in-{day}@leap"]
        assert event["summary"] == f"Leap check-in, day {day}"
        assert "What happened, how much you have saved now" in event["description"]


def test_the_days_count_from_the_end_of_the_rest(client, alice, plan):
    # Li Jing rests six months first: day 30 is 180 + 30 days after the plan was written.
    assert plan.content["rest_months"] == 6
    client.force_login(alice)
    found = events(download(client, plan))
    check_in = found[f"{plan.submission_id}-check-in-30@leap"]
    assert check_in["start"] == timezone.localdate(plan.finished_at) + timedelta(days=210)


def test_each_description_links_back_to_the_plan_at_its_step(client, alice, plan):
    client.force_login(alice)
    link = settings.SITE_URL + reverse("plan", args=[plan.pk])
    assert link.startswith("http")
    for uid, event in events(download(client, plan)).items():
        assert f"Your plan: {link}#" in event["description"], uid
        assert event["url"].startswith(link + "#")
    first = checklist.steps(plan.content)[0]["key"]
    page = client.get(reverse("plan", args=[plan.pk])).content.decode()
    assert f'id="milestone-{first}"' in page  # where the link's anchor leads


def test_plan_bs_moments_say_the_if_then_step(client, alice, plan):
    client.force_login(alice)
    found = events(download(client, plan))
    for w in checklist.steps(plan.content, "plan_b"):
        event = found[f"{plan.submission_id}-{w['key']}@leap"]
        assert event["summary"] == f"Leap, day {w['day']}: plan B? {w['text']}"
        assert event["description"].startswith(
            "A moment to decide on plan B. If this is so, take the step it names: " + w["text"]
        )
        assert "#section-plan_b" in event["url"]
    # ... and the check-in on or after each moment reminds of it.
    check_in_60 = found[f"{plan.submission_id}-check-in-60@leap"]["description"]
    assert "Check plan B too:" in check_in_60


def test_a_chinese_plans_calendar_speaks_chinese(client, alice):
    plan = submit(alice).plans.get()
    Plan.objects.filter(pk=plan.pk).update(language="zh-hans")
    plan = written(plan)
    client.force_login(alice)  # the page in English: the calendar keeps the plan's language
    found = events(download(client, plan))
    for m in checklist.steps(plan.content):
        event = found[f"{plan.submission_id}-{m['key']}@leap"]
        assert event["summary"] == f"Leap 第{m['day']}天：{m['text']}"
        assert event["description"].startswith(f"计划第{m['day']}天的这一步：{m['text']}")
        assert "你的计划：http" in event["description"]
    check_in = found[f"{plan.submission_id}-check-in-30@leap"]
    assert check_in["summary"] == "Leap 阶段回顾：第30天"
    assert "回头看看" in check_in["description"]
    assert "X-WR-CALNAME:Leap：你的计划" in download(client, plan).decode()


def test_a_later_version_of_the_same_answers_updates_the_same_events(client, alice, plan):
    client.force_login(alice)
    before = events(download(client, plan))
    # The same answers in Chinese, and then an edit of them: versions of one plan.
    chinese = Plan.objects.create(
        submission=plan.submission, version=2, archetype=plan.archetype, language="zh-hans"
    )
    chinese = written(chinese)
    slower = {**LI_JING, "timeline": "exploring"}
    edited = written(submit(alice, slower, plan.submission).plans.get())
    for later in (chinese, edited):
        after = events(download(client, later))
        shared = set(before) & set(after)
        assert len(shared) >= len(before) - 1, "the same steps keep their UIDs"
        for uid in shared:
            assert after[uid]["sequence"] >= before[uid]["sequence"]
    assert events(download(client, edited)) != before  # the edit moved its days
    assert all(uid.startswith(f"{plan.submission_id}-") for uid in events(download(client, edited)))


def test_the_sequence_and_stamp_are_when_the_plan_was_written(client, alice, plan):
    client.force_login(alice)
    later = written(
        Plan.objects.create(submission=plan.submission, version=2, archetype=plan.archetype)
    )
    Plan.objects.filter(pk=later.pk).update(finished_at=plan.finished_at + timedelta(minutes=5))
    first, second = events(download(client, plan)), events(download(client, later))
    for uid, event in first.items():
        assert event["stamp"] == plan.finished_at.replace(microsecond=0)
        assert second[uid]["sequence"] == event["sequence"] + 300


def test_another_members_plan_has_other_uids(client, alice, bob, plan):
    bobs = written(submit(bob).plans.get())
    client.force_login(alice)
    alices = set(events(download(client, plan)))
    client.force_login(bob)
    assert not alices & set(events(download(client, bobs)))
