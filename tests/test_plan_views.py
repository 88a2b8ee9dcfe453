"""My plans: only the owner sees a plan; each bad request gets a clear 4xx."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from advisor.advice import catalogue
from advisor.members.submit import submit as submit_draft
from advisor.plans import lifecycle, worker
from advisor.plans.models import Plan, PlanPDF
from profiles.models import Draft, Submission, User
from profiles.personas import LI_JING, ZHANG_YIFEI
from tests import people
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def submit(user, answers=LI_JING) -> Submission:
    draft = Draft.objects.create(owner=user, answers=answers)
    return submit_draft(draft, consent_review=False)


@pytest.fixture
def ready_plan(alice) -> Plan:
    """A plan written, then followed up (emailed, and its PDF rendered with `pdfs`)."""
    plan = submit(alice).plans.get()
    assert worker.generate(plan.pk) == "ready"
    worker.deliver(plan.pk)
    plan.refresh_from_db()
    return plan


def test_submitting_queues_one_plan_for_the_best_match(alice):
    submission = submit(alice)
    plan = submission.plans.get()
    assert (plan.version, plan.status, plan.archetype) == (1, "queued", "influencer_founder")


def test_a_double_submit_still_makes_one_plan(alice):
    draft = Draft.objects.create(owner=alice, answers=LI_JING)
    submit_draft(draft, consent_review=False)
    submit_draft(draft, consent_review=False)
    assert Plan.objects.count() == 1


def test_generating_twice_makes_one_plan_and_one_pdf(pdfs, ready_plan):
    assert worker.generate(ready_plan.pk) == "nothing to do"
    assert worker.deliver(ready_plan.pk) == "nothing to do"
    assert Plan.objects.count() == 1
    assert PlanPDF.objects.count() == 1


def test_my_plans_lists_submissions_with_their_versions(client, alice, ready_plan):
    client.force_login(alice)
    page = client.get(reverse("plans")).content.decode()
    assert "Version 1" in page
    assert "Ready" in page
    assert reverse("plan", args=[ready_plan.pk]) in page


def test_a_ready_plan_shows_its_sections_and_is_never_cached(client, alice, ready_plan):
    client.force_login(alice)
    response = client.get(reverse("plan", args=[ready_plan.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    for title in ("The match and why", "Rest and reflection first", "Money", "Your rights"):
        assert title in page
    assert 'hx-trigger="every' not in page  # finished, PDF and all: no more polling


def test_a_queued_plan_polls_and_offers_a_refresh_link(client, alice):
    plan = submit(alice).plans.get()
    client.force_login(alice)
    page = client.get(reverse("plan", args=[plan.pk])).content.decode()
    assert 'hx-trigger="every 250ms"' in page
    assert "Refresh to see if it is ready" in page
    partial = client.get(reverse("plan", args=[plan.pk]), headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="plan-body"')


@pytest.mark.parametrize(("waited", "every"), [(5, "500ms"), (60, "2s"), (300, "5s")])
def test_a_long_wait_polls_less_often(client, alice, waited, every):
    plan = submit(alice).plans.get()
    earlier = plan.enqueued_at - timedelta(seconds=waited)
    Plan.objects.filter(pk=plan.pk).update(enqueued_at=earlier)
    client.force_login(alice)
    page = client.get(reverse("plan", args=[plan.pk])).content.decode()
    assert f'hx-trigger="every {every}"' in page


def test_the_plan_shows_before_its_pdf_which_follows_in_its_own_region(pdfs, client, alice):
    plan = submit(alice).plans.get()
    worker.generate(plan.pk)
    client.force_login(alice)
    page = client.get(reverse("plan", args=[plan.pk])).content.decode()
    assert "The match and why" in page
    assert "PDF being prepared" in page and "Refresh to get the PDF" in page
    assert "Download PDF" not in page
    poll = {"HX-Request": "true", "HX-Target": "plan-pdf"}
    region = client.get(reverse("plan", args=[plan.pk]), headers=poll).content.decode()
    assert region.lstrip().startswith('<span id="plan-pdf" hx-get=')
    assert client.get(reverse("plan_pdf", args=[plan.pk])).status_code == 409

    worker.deliver(plan.pk)
    region = client.get(reverse("plan", args=[plan.pk]), headers=poll).content.decode()
    assert "Download PDF" in region and "hx-get" not in region  # done: it stops asking
    assert client.get(reverse("plan_pdf", args=[plan.pk])).status_code == 200


def test_a_pdf_that_failed_says_so_under_a_ready_plan(client, alice, ready_plan):
    Plan.objects.filter(pk=ready_plan.pk).update(pdf_status="failed")
    client.force_login(alice)
    page = client.get(reverse("plan", args=[ready_plan.pk])).content.decode()
    assert "The PDF could not be made" in page
    assert "The match and why" in page and 'hx-trigger="every' not in page


def test_the_result_page_polls_for_the_plan_until_it_is_ready(client, alice):
    submission = submit(alice)
    client.force_login(alice)
    url = reverse("submission", args=[submission.pk])
    page = client.get(url).content.decode()
    assert "Your plan (version 1): Queued." in page
    assert 'hx-trigger="every 250ms"' in page and "Refresh to see if it is ready" in page
    poll = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert poll.lstrip().startswith('<p id="plan-status"') and "hx-get" in poll

    worker.generate(submission.plans.get().pk)
    poll = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Your plan (version 1): Ready." in poll
    assert "hx-get" not in poll  # ready: it stops asking


def test_a_poll_for_a_plan_deleted_meanwhile_stops_polling_instead_of_a_500(client, alice):
    """Found by bench/fuzz.py: the plan deleted in another tab, the result page's poll
    rendered a link to no plan."""
    submission = submit(alice)
    client.force_login(alice)
    submission.plans.all().delete()
    poll = client.get(reverse("submission", args=[submission.pk]), headers={"HX-Request": "true"})
    assert poll.status_code == 286  # htmx's "stop polling"
    assert poll.content == b""


@pytest.mark.parametrize("name", ["plan", "plan_pdf", "plan_ics"])
def test_another_member_gets_404_for_every_plan_page(client, bob, ready_plan, name):
    client.force_login(bob)
    assert client.get(reverse(name, args=[ready_plan.pk])).status_code == 404


@pytest.mark.parametrize("name", ["plan_retry", "plan_delete"])
def test_another_member_cannot_act_on_a_plan(client, bob, ready_plan, name):
    client.force_login(bob)
    assert client.post(reverse(name, args=[ready_plan.pk])).status_code == 404
    assert Plan.objects.filter(pk=ready_plan.pk, status="ready").exists()


def test_a_visitor_is_sent_to_log_in(client, ready_plan):
    response = client.get(reverse("plan", args=[ready_plan.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_pdf_downloads_once_ready(pdfs, client, alice, ready_plan):
    client.force_login(alice)
    response = client.get(reverse("plan_pdf", args=[ready_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]


def test_the_pdf_before_the_plan_is_ready_is_409(client, alice):
    plan = submit(alice).plans.get()
    client.force_login(alice)
    response = client.get(reverse("plan_pdf", args=[plan.pk]))
    assert response.status_code == 409
    assert "not ready yet" in response.content.decode()


def test_the_milestones_download_as_a_calendar(client, alice, ready_plan):
    client.force_login(alice)
    response = client.get(reverse("plan_ics", args=[ready_plan.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    # Li Jing moves "within 6 months", and her six months of rest fill them: the steps
    # after it keep the full pace, and plan B's two moments to switch are there too, and
    # the check-ins of day 30, 60 and 90 (tests/test_plan_calendar.py has the rest).
    assert body.count("BEGIN:VEVENT") == 5 + 2 + 3
    assert "SUMMARY:Leap\\, day 30: Interview ten creators" in body
    assert "SUMMARY:Leap\\, day 60: plan B? If no creator has paid you anything yet" in body


def test_retrying_a_plan_that_did_not_fail_is_409_and_changes_nothing(client, alice, ready_plan):
    client.force_login(alice)
    response = client.post(reverse("plan_retry", args=[ready_plan.pk]))
    assert response.status_code == 409
    assert Plan.objects.get().status == "ready"


def test_a_failed_plan_says_why_and_can_be_retried(client, alice):
    plan = submit(alice).plans.get()
    worker.fail(plan.pk, "Something went wrong while writing your plan.")
    client.force_login(alice)
    page = client.get(reverse("plan", args=[plan.pk])).content.decode()
    assert "Failed." in page and "Something went wrong" in page
    assert client.post(reverse("plan_retry", args=[plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.error) == ("queued", "")


def test_a_new_version_for_the_same_answers(client, alice, ready_plan):
    client.force_login(alice)
    response = client.post(reverse("plan_regenerate", args=[ready_plan.submission_id]))
    assert response.status_code == 302
    assert list(Plan.objects.order_by("version").values_list("version", flat=True)) == [1, 2]
    again = client.post(reverse("plan_regenerate", args=[ready_plan.submission_id]))
    assert again.status_code == 409  # version 2 is still queued
    assert Plan.objects.count() == 2


def test_deleting_a_plan_takes_its_pdf(pdfs, client, alice, ready_plan):
    client.force_login(alice)
    assert client.post(reverse("plan_delete", args=[ready_plan.pk])).status_code == 302
    assert not Plan.objects.exists()
    assert not PlanPDF.objects.exists()
    assert client.get(reverse("plan", args=[ready_plan.pk])).status_code == 404


def test_two_versions_compare_section_by_section(client, alice, ready_plan):
    edited = submit_draft(
        Draft.objects.create(owner=alice, answers={**LI_JING, "hours_per_week": 45}),
        consent_review=False,
    )
    second = edited.plans.get()
    worker.generate(second.pk)
    client.force_login(alice)
    response = client.get(reverse("plan_compare"), {"pick": [ready_plan.pk, second.pk]})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'Your rights where you work <span class="muted">(changed)' in page
    assert 'Resources <span class="muted">(the same)' in page


def two_ready_plans(alice, ready_plan) -> tuple[Plan, Plan]:
    second = lifecycle.start(ready_plan.submission, language="en")
    worker.generate(second.pk)
    return ready_plan, second


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({}, "No plan version was ticked. Tick two to compare them."),
        ({"pick": ["not-a-uuid", "x"]}, "No plan version was ticked."),
        ({"pick": "one"}, "No plan version was ticked."),
    ],
)
def test_a_comparison_without_two_ticks_is_my_plans_again_saying_why(
    client, alice, ready_plan, query, says
):
    two_ready_plans(alice, ready_plan)
    client.force_login(alice)
    response = client.get(reverse("plan_compare"), query)
    assert response.status_code == 200  # not an error page: My plans, with what to do
    page = response.content.decode()
    assert "<h1>My plans</h1>" in page
    assert says in page


def test_one_ticked_version_stays_ticked_with_a_word_to_tick_another(client, alice, ready_plan):
    first, second = two_ready_plans(alice, ready_plan)
    client.force_login(alice)
    page = client.get(reverse("plan_compare"), {"pick": [first.pk, first.pk]}).content.decode()
    assert "You ticked one plan version. Tick one more: plans are compared two by two." in page
    assert f'value="{first.pk}" checked>' in page
    assert f'value="{second.pk}">' in page
    third = lifecycle.start(ready_plan.submission, language="en")
    worker.generate(third.pk)
    page = client.get(reverse("plan_compare"), {"pick": [first.pk, second.pk, third.pk]})
    assert "You ticked 3 plan versions. Tick two" in page.content.decode()


def test_with_one_ready_plan_there_is_nothing_to_tick(client, alice, ready_plan):
    client.force_login(alice)
    page = client.get(reverse("plans")).content.decode()
    assert 'name="pick"' not in page
    assert "Compare the two ticked plans" not in page
    assert "To compare plans you need two that are ready" in page


def test_an_english_and_a_chinese_plan_compare_by_content_not_language(client, alice, ready_plan):
    chinese = lifecycle.start(ready_plan.submission, language="zh-hans")
    worker.generate(chinese.pk)
    client.force_login(alice)
    page = client.get(reverse("plan_compare"), {"pick": [ready_plan.pk, chinese.pk]})
    page = page.content.decode()
    assert "These plans are written in two languages, English and Simplified Chinese" in page
    assert "(changed)" not in page  # the same answers, the same path: nothing differs
    assert 'Your rights where you work <span class="muted">(the same)' in page
    assert "网红服务创业者" not in page  # both shown in the page's language


def test_plans_in_one_language_compare_as_they_were_written(client, alice, ready_plan):
    chinese = lifecycle.start(ready_plan.submission, language="zh-hans")
    worker.generate(chinese.pk)
    again = lifecycle.start(ready_plan.submission, language="zh-hans")
    worker.generate(again.pk)
    client.force_login(alice)
    page = client.get(reverse("plan_compare"), {"pick": [chinese.pk, again.pk]})
    page = page.content.decode()
    assert "written in two languages" not in page
    assert "(changed)" not in page
    assert "网红服务创业者" in page


def test_comparing_with_someone_elses_plan_is_404(client, alice, bob, ready_plan):
    bobs = submit(bob, ZHANG_YIFEI).plans.get()
    client.force_login(alice)
    response = client.get(reverse("plan_compare"), {"pick": [ready_plan.pk, bobs.pk]})
    assert response.status_code == 404


def test_comparing_a_plan_that_is_not_ready_is_409(client, alice, ready_plan):
    queued = submit(alice).plans.get()
    client.force_login(alice)
    response = client.get(reverse("plan_compare"), {"pick": [ready_plan.pk, queued.pk]})
    assert response.status_code == 409


def test_export_holds_everything_and_nothing_of_anyone_else(client, alice, bob, ready_plan):
    submit(bob, ZHANG_YIFEI)
    client.force_login(alice)
    response = client.get(reverse("account_export"))
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "alice@example.com"
    [submission] = data["submissions"]
    assert submission["answers"] == LI_JING
    assert submission["plans"][0]["content"]["archetype"] == "influencer_founder"
    assert "bob@example.com" not in response.content.decode()


def test_deleting_the_account_needs_the_password(client, alice, ready_plan):
    client.force_login(alice)
    response = client.post(reverse("account_delete"), {"password": "wrong"})
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()


def test_deleting_the_account_deletes_everything_it_owns(pdfs, client, alice, bob, ready_plan):
    Draft.objects.create(owner=alice, answers={"role": "data"})
    bobs = submit(bob, ZHANG_YIFEI)
    client.force_login(alice)
    response = client.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Draft.objects.filter(owner_id=alice.pk).exists()
    assert list(Submission.objects.all()) == [bobs]
    assert list(Plan.objects.all()) == list(bobs.plans.all())
    assert not PlanPDF.objects.exists()
    assert "_auth_user_id" not in client.session


def test_deleting_the_account_logs_out_every_device_and_clears_their_cache(client, alice):
    other_device = Client()
    other_device.force_login(alice)
    other_key = other_device.session.session_key
    cache_key = SessionStore(other_key).cache_key
    assert other_device.get(reverse("plans")).status_code == 200  # its session is cached now
    client.force_login(alice)
    client.post(reverse("account_delete"), {"password": PASSWORD})
    assert not Session.objects.filter(session_key=other_key).exists()
    assert caches["default"].get(cache_key) is None
    assert other_device.get(reverse("plans")).status_code == 302


def test_a_new_plan_for_a_deleted_submission_is_404(client, alice, ready_plan):
    submission_id = ready_plan.submission_id
    Submission.objects.filter(pk=submission_id).delete()
    client.force_login(alice)
    assert client.post(reverse("plan_regenerate", args=[submission_id])).status_code == 404
    assert not Plan.objects.exists()


def test_a_plan_can_be_written_again_in_the_other_language(client, alice, ready_plan):
    client.force_login(alice)
    page = client.get(reverse("plan", args=[ready_plan.pk])).content.decode()
    assert "Write this plan again in Simplified Chinese" in page
    client.post(
        reverse("plan_regenerate", args=[ready_plan.submission_id]), {"language": "zh-hans"}
    )
    new = Plan.objects.get(version=2)
    assert new.language == "zh-hans"
    worker.generate(new.pk)
    new.refresh_from_db()
    assert new.content["name"] == "网红服务创业者"


def test_an_unknown_language_for_a_new_plan_is_the_pages(client, alice, ready_plan):
    client.force_login(alice)
    client.post(reverse("plan_regenerate", args=[ready_plan.submission_id]), {"language": "xx"})
    assert Plan.objects.get(version=2).language == "en"


def test_plan_ids_compare_whatever_their_case(client, alice, ready_plan):
    second = submit_draft(
        Draft.objects.create(owner=alice, answers={**LI_JING, "hours_per_week": 45}),
        consent_review=False,
    ).plans.get()
    worker.generate(second.pk)
    client.force_login(alice)
    picks = [str(ready_plan.pk).upper(), str(second.pk)]
    assert client.get(reverse("plan_compare"), {"pick": picks}).status_code == 200


def test_deleting_a_version_asks_first_on_a_page_of_its_own(client, alice, ready_plan):
    client.force_login(alice)
    listing = client.get(reverse("plans")).content.decode()
    confirm_url = reverse("plan_delete", args=[ready_plan.pk])
    assert f'href="{confirm_url}"' in listing  # a link: it works without a script
    page = client.get(confirm_url).content.decode()
    assert "Delete this plan version?" in page
    assert "cannot be undone" in page
    assert f'<form method="post" action="{confirm_url}">' in page
    assert Plan.objects.filter(pk=ready_plan.pk).exists()  # asking deletes nothing
    assert client.post(confirm_url).status_code == 302
    assert not Plan.objects.filter(pk=ready_plan.pk).exists()


def test_another_member_cannot_see_the_question_either(client, bob, ready_plan):
    client.force_login(bob)
    assert client.get(reverse("plan_delete", args=[ready_plan.pk])).status_code == 404


def test_my_plans_names_each_versions_path_language_and_who_made_it(client, alice, ready_plan):
    by_counsellor = lifecycle.start(
        ready_plan.submission, language="zh-hans", archetype="rest_first", by_counsellor=True
    )
    worker.generate(by_counsellor.pk)
    client.force_login(alice)
    page = client.get(reverse("plans")).content.decode()
    assert "Influencer-services founder · English</span>" in page
    assert "Rest first, then decide · Simplified Chinese · by your counsellor</span>" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("plans")).content.decode()
    with translation.override("zh-hans"):
        founder = str(catalogue.by_slug("influencer_founder").name)
        rest = str(catalogue.by_slug("rest_first").name)
    assert f"{founder} · 英语</span>" in page
    assert f"{rest} · 简体中文 · 由你的顾问生成</span>" in page


def test_a_plan_that_follows_no_story_is_named_so(client, alice):
    plan = submit(alice, people.STUDENT_NOT_WORKING).plans.get()
    worker.generate(plan.pk)
    plan.refresh_from_db()
    assert plan.content["close"] is False
    client.force_login(alice)
    assert "No close path yet · English" in client.get(reverse("plans")).content.decode()


def test_comparing_across_submissions_names_each_by_its_date_and_path(client, alice, ready_plan):
    other = submit(alice, {**LI_JING, "hours_per_week": 45}).plans.get()
    worker.generate(other.pk)
    Submission.objects.filter(pk=other.submission_id).update(
        created_at=ready_plan.submission.created_at + timedelta(days=2)
    )
    client.force_login(alice)
    page = client.get(reverse("plan_compare"), {"pick": [ready_plan.pk, other.pk]})
    page = page.content.decode()
    assert "Version 1 and version 1" not in page
    assert "<h1>Two plans, section by section</h1>" in page
    first = date_format(localtime(ready_plan.submission.created_at), "SHORT_DATETIME_FORMAT")
    second = date_format(
        localtime(ready_plan.submission.created_at + timedelta(days=2)), "SHORT_DATETIME_FORMAT"
    )
    assert first != second
    assert f"<li>Version 1 of the answers of {first}: Influencer-services founder" in page
    assert f"<li>Version 1 of the answers of {second}: Influencer-services founder" in page
    assert f"<h3>Version 1 of the answers of {second}</h3>" in page


def edit_and_submit(client, submission, **changes) -> Submission:
    """ "Edit these answers", change `changes`, submit: as the member does."""
    client.post(reverse("submission_edit", args=[submission.pk]))
    draft = Draft.objects.get(owner=submission.owner)
    draft.answers = {**draft.answers, **changes}
    draft.save(update_fields=["answers"])
    data = {"draft_id": str(draft.pk), "consent_processing": "on"}
    response = client.post(reverse("questionnaire_review"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Submission.objects.for_owner(submission.owner).first()


def test_my_plans_shows_one_set_of_answers_with_its_history_not_copies(client, alice, ready_plan):
    client.force_login(alice)
    first = ready_plan.submission
    second = edit_and_submit(client, first, hours_per_week=45)
    third = edit_and_submit(client, second, hours_per_week=50, savings=300_000)
    page = client.get(reverse("plans")).content.decode()
    assert page.count('class="submission-card"') == 1
    assert "The 2 earlier versions of these answers" in page
    newest_first = [page.index(f'id="submission-{s.pk}"') for s in (third, second, first)]
    assert newest_first == sorted(newest_first)
    assert (
        "Changed from the version before: Hours you actually work in a typical week, "
        "Savings you could live on<"
    ) in page
    assert "Changed from the version before: Hours you actually work in a typical week<" in page
    # Only the current answers are edited from here, as one set.
    assert page.count("Edit these answers") == 1
    assert f'id="edit-{third.pk}"' in page
    # An earlier version's page leads to the latest, before one edits the old one again.
    page = client.get(reverse("submission", args=[first.pk])).content.decode()
    latest = reverse("submission", args=[third.pk])
    assert f'You have edited these answers since: <a href="{latest}">' in page
    page = client.get(latest).content.decode()
    assert "You have edited these answers since" not in page


def test_another_first_submission_is_a_card_of_its_own(client, alice, ready_plan):
    submit(alice, ZHANG_YIFEI)
    client.force_login(alice)
    page = client.get(reverse("plans")).content.decode()
    assert page.count('class="submission-card"') == 2
    assert "earlier version" not in page and "before this edit" not in page


def test_editing_without_changing_an_answer_makes_no_copy(client, alice, ready_plan):
    client.force_login(alice)
    submission = ready_plan.submission
    client.post(reverse("submission_edit", args=[submission.pk]))
    review = client.get(reverse("questionnaire_review")).content.decode()
    assert "You have not changed any answer since you submitted them" in review
    assert "Submit my answers" not in review
    assert reverse("submission", args=[submission.pk]) in review
    draft = Draft.objects.get(owner=alice)
    data = {"draft_id": str(draft.pk), "consent_processing": "on"}
    response = client.post(reverse("questionnaire_review"), data)  # a page from before
    assert response.status_code == 400
    assert Submission.objects.count() == 1
    assert Plan.objects.count() == 1


def test_a_day_with_several_milestones_is_named_once(client, alice):
    plan = submit(alice, people.FAINTED_AND_READY).plans.get()
    worker.generate(plan.pk)
    plan.refresh_from_db()
    days = [m["day"] for m in plan.content["sections"][3]["milestones"]]
    assert days.count(30) == 2  # two steps on day 30 ...
    client.force_login(alice)
    page = client.get(reverse("plan", args=[plan.pk])).content.decode()
    milestones = page[page.index('<ol class="milestones">') :]
    milestones = milestones[: milestones.index("</ol>")]
    assert milestones.count("<strong>Day 30</strong>") == 1  # ... under one "Day 30"


def test_the_plan_page_shows_its_charts(client, alice, ready_plan):
    client.force_login(alice)
    page = client.get(reverse("plan", args=[ready_plan.pk])).content.decode()
    assert page.count('role="img"') == 3
    assert '<title id="chart-runway-title">' in page
    assert "style=" not in page


def test_a_plan_keeps_its_own_language_on_a_page_in_another(client, alice):
    # A plan written in Chinese, read with the page in English: its milestones' days and
    # its sources' dates speak Chinese, like its text, and say so to a screen reader.
    plan = submit(alice).plans.get()
    Plan.objects.filter(pk=plan.pk).update(language="zh-hans")
    assert worker.generate(plan.pk) == "ready"
    client.force_login(alice)
    page = client.get(reverse("plan", args=[plan.pk])).content.decode()
    assert '<div lang="zh-hans">' in page
    assert re.search(r"<strong>第\d+天</strong>", page)
    assert "<strong>Day " not in page
    assert "Milestones for my calendar (.ics)" in page  # the page keeps its own words


def fonts_by_character(html: str) -> dict[str, set[str]]:
    """Each character WeasyPrint lays out in `html`, with the font families it is set in.

    Which font sets a character is Pango's choice, made per run of text while laying out;
    the PDF only keeps the result. So this asks Pango, as WeasyPrint's own drawing code
    does (weasyprint/draw/text.py), for the font of each run of each line."""
    from weasyprint import HTML
    from weasyprint.text.ffi import ffi, pango

    fonts: dict[str, set[str]] = {}

    def walk(box) -> None:
        layout = getattr(box, "pango_layout", None)
        if layout is not None and box.text.strip():
            layout.reactivate(box.style)  # released after layout, to save memory
            line, _ = layout.get_first_line()
            text = layout.text.encode()
            run = line.runs
            while run != ffi.NULL:
                item = run.data.item
                description = pango.pango_font_describe_with_absolute_size(item.analysis.font)
                family = ffi.string(pango.pango_font_description_get_family(description))
                pango.pango_font_description_free(description)
                for character in text[item.offset : item.offset + item.length].decode():
                    fonts.setdefault(character, set()).add(family.decode())
                run = run.next
            layout.deactivate()
        for child in getattr(box, "children", ()):
            walk(child)

    for page in HTML(string=html).render().pages:
        walk(page._page_box)
    return fonts


APOSTROPHE = "\u2019"  # the typographic one, not the typewriter's
LATIN_PUNCTUATION = APOSTROPHE + "\u201c\u201d\u2022"  # and quotes and a bullet


def test_the_english_pdf_sets_its_words_and_their_quotes_in_a_latin_font(alice):
    # A CJK font draws quotes and apostrophes full-width: "China' s" in an English plan.
    plan = submit(alice).plans.get()
    assert worker.generate(plan.pk) == "ready"
    plan.refresh_from_db()
    html = worker.pdf_html(plan)
    assert f"China{APOSTROPHE}s" in html
    fonts = fonts_by_character(html)
    latin = {c for c in fonts if c.isascii() and c.isalnum()} | set(LATIN_PUNCTUATION)
    assert set(LATIN_PUNCTUATION) <= fonts.keys()  # the plan has each of them to set
    in_cjk = {c: fonts[c] for c in latin if any("CJK" in f for f in fonts[c])}
    assert not in_cjk, in_cjk
    assert {f for c in latin for f in fonts[c]} == {"DejaVu Sans"}
    # Its few Chinese words (a sick note, 病假证明) fall back to the Chinese font.
    assert fonts["病"] == {"Noto Sans CJK SC"}


def test_the_chinese_pdf_sets_chinese_in_the_chinese_font_and_an_english_title_as_latin(alice):
    plan = submit(alice).plans.get()
    Plan.objects.filter(pk=plan.pk).update(language="zh-hans")
    assert worker.generate(plan.pk) == "ready"
    plan.refresh_from_db()
    html = worker.pdf_html(plan)
    fonts = fonts_by_character(html)
    chinese = {c for c in fonts if "\u4e00" <= c <= "\u9fff"} | set("“”：，。")
    assert {f for c in chinese for f in fonts[c]} == {"Noto Sans CJK SC"}
    # The article's English title keeps its apostrophe narrow: 《… China's Tech Exodus …》
    assert f"China{APOSTROPHE}s" in html
    assert not any("CJK" in f for f in fonts[APOSTROPHE])
    # The charts, drawn by WeasyPrint's SVG renderer, name the same fonts.
    assert html.count('font-family="Noto Sans CJK SC, DejaVu Sans"') == 3
