"""The milestones as a checklist: the member's progress on each step, saved with htmx or a
plain form, counted on My plans, and carried over to a later version of the plan."""

import pytest
from django.test import Client
from django.urls import reverse

from advisor.advice import catalogue, content
from advisor.members.submit import submit as submit_draft
from advisor.plans import checklist, worker
from advisor.plans.models import MilestoneProgress, Plan
from profiles.models import Draft, Submission
from profiles.personas import LI_JING, ZHANG_YIFEI
from tests import people

pytestmark = pytest.mark.django_db


def submit(user, answers=LI_JING, previous=None) -> Submission:
    """A submission of `answers`, an edit of `previous` if given, with its plan queued."""
    draft = Draft.objects.create(owner=user, answers=answers, based_on=previous)
    return submit_draft(draft, consent_review=False)


def written(plan: Plan) -> Plan:
    assert worker.generate(plan.pk) == "ready"
    plan.refresh_from_db()
    return plan


@pytest.fixture
def plan(alice) -> Plan:
    return written(submit(alice).plans.get())


def keys(plan: Plan) -> list[str]:
    return [m["key"] for m in checklist.steps(plan.content)]


def tick(client, plan, key, status="done", note="", **headers):
    url = reverse("plan_milestone", args=[plan.pk])
    return client.post(url, {"key": key, "status": status, "note": note}, headers=headers)


# --- The milestones' keys --------------------------------------------------------------


def test_each_milestone_of_a_plan_has_a_key_of_its_own():
    for answers in (LI_JING, ZHANG_YIFEI, people.FAINTED_AND_READY):
        built = content.build(answers=answers)
        steps = checklist.steps(built)
        assert steps and all(m["key"].startswith("m-") for m in steps)
        assert len({m["key"] for m in steps}) == len(steps)
        assert built["milestone_count"] == len(steps)
        switches = checklist.steps(built, "plan_b")
        assert switches and all(w["key"].startswith("b-") for w in switches)


def test_a_milestone_has_the_same_key_in_both_languages_and_at_any_pace():
    from django.utils import translation

    with translation.override("en"):
        english = checklist.steps(content.build(answers=LI_JING))
    with translation.override("zh-hans"):
        chinese = checklist.steps(content.build(answers=LI_JING))
    assert [m["key"] for m in english] == [m["key"] for m in chinese]
    assert [m["text"] for m in english] != [m["text"] for m in chinese]
    # Another pace moves a step's day, not its key.
    slower = {**LI_JING, "timeline": "exploring"}
    paced = {m["key"]: m["day"] for m in checklist.steps(content.build(answers=slower))}
    days = {m["key"]: m["day"] for m in english}
    moved = [key for key in days if key in paced and paced[key] != days[key]]
    assert moved


def test_the_general_steps_of_a_plan_without_a_path_have_keys_too():
    built = content.build(answers=people.STUDENT_NOT_WORKING)
    assert built["close"] is False
    steps = checklist.steps(built)
    assert steps and all(m["key"].startswith("g-") for m in steps)


def test_a_key_names_one_step_in_every_archetype():
    # A step written twice, for two sets of conditions (one or the other), is one step.
    for archetype in catalogue.archetypes():
        by_key = {}
        for step in (*archetype.milestones, *archetype.switches):
            assert by_key.setdefault(step.key, step.text.en) == step.text.en, archetype.slug


def test_a_plan_written_before_keys_gets_the_same_keys_at_every_reading(plan):
    old = dict(plan.content)
    old["sections"] = [
        {**s, "milestones": [{"day": m["day"], "text": m["text"]} for m in s["milestones"]]}
        for s in plan.content["sections"]
    ]
    first, second = checklist.steps(old), checklist.steps(old)
    assert [m["key"] for m in first] == [m["key"] for m in second]
    assert all(m["key"].startswith("t-") for m in first)


# --- Saving progress: htmx, and a plain form ---------------------------------------------


def test_a_plan_page_shows_its_milestones_as_a_checklist(client, alice, plan):
    client.force_login(alice)
    page = client.get(reverse("plan", args=[plan.pk])).content.decode()
    total = len(keys(plan))
    assert f"0 of {total} steps done" in page
    for key in keys(plan):
        assert f'id="milestone-{key}"' in page
        assert f'id="milestone-{key}-done"' in page
    assert page.count('name="csrfmiddlewaretoken"') >= total  # each form works alone


def test_ticking_with_htmx_swaps_the_milestone_and_the_count(client, alice, plan):
    client.force_login(alice)
    first = keys(plan)[0]
    response = tick(client, plan, first, note="Asked three creators", HX_Request="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<li id="milestone-{first}" class="checklist-item status-done"'
    )
    assert f'id="milestone-{first}-done" checked' in html
    assert 'value="Asked three creators"' in html
    assert "Saved." in html
    total = len(keys(plan))
    assert (
        f'<span id="checklist-count" hx-swap-oob="innerHTML">1 of {total} steps done</span>' in html
    )
    saved = MilestoneProgress.objects.get(plan=plan, key=first)
    assert (saved.status, saved.note) == ("done", "Asked three creators")


def test_a_plain_post_saves_and_redirects_back_to_the_milestone(client, alice, plan):
    client.force_login(alice)
    key = keys(plan)[1]
    response = tick(client, plan, key, status="skipped", note="Not for me")
    assert response.status_code == 302
    assert response["Location"] == reverse("plan", args=[plan.pk]) + f"#milestone-{key}"
    page = client.get(response["Location"]).content.decode()
    assert "Your progress is saved." in page
    assert f'id="milestone-{key}-skipped" checked' in page
    assert f"0 of {len(keys(plan))} steps done, 1 skipped" in page


def test_saving_twice_is_saving_once_and_the_last_word_counts(client, alice, plan):
    client.force_login(alice)
    key = keys(plan)[0]
    tick(client, plan, key, status="done")
    tick(client, plan, key, status="done")
    tick(client, plan, key, status="todo", note="Not really")
    [row] = MilestoneProgress.objects.filter(plan=plan)
    assert (row.status, row.note) == ("todo", "Not really")


def test_an_unknown_status_is_422_with_a_clear_word_and_nothing_saved(client, alice, plan):
    client.force_login(alice)
    key = keys(plan)[0]
    response = tick(client, plan, key, status="finished")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose one: done, not yet or skipped." in page
    assert "Your progress could not be saved" in page
    assert not MilestoneProgress.objects.exists()
    htmx = tick(client, plan, key, status="", HX_Request="true")
    assert htmx.status_code == 422
    assert htmx.content.decode().lstrip().startswith(f'<li id="milestone-{key}"')
    assert "Choose one: done, not yet or skipped." in htmx.content.decode()
    assert "hx-swap-oob" not in htmx.content.decode()


def test_a_note_too_long_is_422_and_keeps_what_was_written(client, alice, plan):
    client.force_login(alice)
    key = keys(plan)[0]
    response = tick(client, plan, key, note="x" * 501, HX_Request="true")
    assert response.status_code == 422
    html = response.content.decode()
    assert "Please keep this to 500 characters: it has 501." in html
    assert f'id="milestone-{key}-done" checked' in html  # what they chose, still chosen
    assert not MilestoneProgress.objects.exists()


def test_a_chinese_plans_checklist_answers_in_chinese(client, alice):
    plan = submit(alice).plans.get()
    Plan.objects.filter(pk=plan.pk).update(language="zh-hans")
    plan = written(plan)
    client.force_login(alice)
    page = client.get(reverse("plan", args=[plan.pk])).content.decode()
    assert f"已完成 0/{len(keys(plan))} 步" in page
    assert "已完成</label>" in page and "还没有</label>" in page
    response = tick(client, plan, keys(plan)[0], status="nope", HX_Request="true")
    assert "请选一项：已完成、还没有或跳过。" in response.content.decode()


def test_a_form_without_a_milestone_is_400(client, alice, plan):
    client.force_login(alice)
    response = client.post(reverse("plan_milestone", args=[plan.pk]), {"status": "done"})
    assert response.status_code == 400
    assert "did not say which milestone" in response.content.decode()


def test_a_milestone_of_no_plan_of_theirs_is_404(client, alice, plan):
    client.force_login(alice)
    assert tick(client, plan, "m-000000000000").status_code == 404
    assert not MilestoneProgress.objects.exists()


def test_another_member_cannot_tick_alices_milestones(client, bob, plan):
    client.force_login(bob)
    assert tick(client, plan, keys(plan)[0]).status_code == 404
    assert tick(client, plan, keys(plan)[0], HX_Request="true").status_code == 404
    assert not MilestoneProgress.objects.exists()


def test_a_visitor_is_sent_to_log_in(client, plan):
    response = tick(client, plan, keys(plan)[0])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_ticking_needs_the_csrf_token(alice, plan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert tick(client, plan, keys(plan)[0]).status_code == 403
    assert not MilestoneProgress.objects.exists()
    page = client.get(reverse("plan", args=[plan.pk])).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    url = reverse("plan_milestone", args=[plan.pk])
    saved = client.post(url, {"key": keys(plan)[0], "status": "done", "csrfmiddlewaretoken": token})
    assert saved.status_code == 302


def test_a_get_is_405(client, alice, plan):
    client.force_login(alice)
    assert client.get(reverse("plan_milestone", args=[plan.pk])).status_code == 405


def test_a_plan_not_written_yet_has_no_checklist_to_tick(client, alice):
    plan = submit(alice).plans.get()
    client.force_login(alice)
    response = tick(client, plan, "m-000000000000")
    assert response.status_code == 409
    assert "not ready yet" in response.content.decode()


def test_the_pdf_and_the_counsellors_page_keep_the_plain_list(alice, plan):
    html = worker.pdf_html(plan)
    assert "checklist" not in html and '<ol class="milestones">' in html


# --- My plans ----------------------------------------------------------------------------


def test_my_plans_shows_each_versions_progress(client, alice, plan):
    client.force_login(alice)
    for key in keys(plan)[:3]:
        tick(client, plan, key)
    tick(client, plan, keys(plan)[3], status="skipped")
    second = written(
        Plan.objects.create(submission=plan.submission, version=2, archetype=plan.archetype)
    )
    total = len(keys(plan))
    page = client.get(reverse("plans")).content.decode()
    assert f"3 of {total} steps done, 1 skipped" in page
    assert f"0 of {len(keys(second))} steps done" in page


def test_my_plans_counts_a_plan_written_before_plans_counted_their_milestones(client, alice, plan):
    old = {k: v for k, v in plan.content.items() if k != "milestone_count"}
    Plan.objects.filter(pk=plan.pk).update(content=old)
    client.force_login(alice)
    tick(client, plan, keys(plan)[0])
    page = client.get(reverse("plans")).content.decode()
    assert f"1 of {len(keys(plan))} steps done" in page


def test_my_plans_reads_progress_in_a_fixed_number_of_queries(client, alice, plan):
    client.force_login(alice)
    client.get(reverse("plans"))  # the session and the like, once
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("plans"))
    for version in (2, 3, 4):
        written(
            Plan.objects.create(
                submission=plan.submission, version=version, archetype=plan.archetype
            )
        )
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("plans"))
    assert len(four) == len(one)


# --- Carrying progress over -------------------------------------------------------------


def test_a_later_version_takes_over_the_progress_of_the_steps_it_shares(alice, plan):
    first, second, third = keys(plan)[:3]
    checklist.record(plan, first, status="done", note="Interviewed ten")
    checklist.record(plan, second, status="skipped", note="")
    checklist.record(plan, third, status="todo", note="")  # nothing to carry
    # The same answers written again in Chinese: the same steps, other words.
    later = Plan.objects.create(
        submission=plan.submission, version=2, archetype=plan.archetype, language="zh-hans"
    )
    later = written(later)
    assert checklist.carry_over(plan, later) == [first, second]
    carried = {p.key: (p.status, p.note) for p in later.progress.all()}
    assert carried == {first: ("done", "Interviewed ten"), second: ("skipped", "")}
    assert checklist.carry_over(plan, later) == []  # twice carries nothing twice
    assert plan.progress.count() == 3  # the old version keeps its own


def test_carrying_over_keeps_what_the_member_gave_the_new_version(alice, plan):
    key = keys(plan)[0]
    checklist.record(plan, key, status="done", note="old")
    later = written(
        Plan.objects.create(submission=plan.submission, version=2, archetype=plan.archetype)
    )
    checklist.record(later, key, status="skipped", note="changed my mind")
    assert checklist.carry_over(plan, later) == []
    assert later.progress.get().note == "changed my mind"


def test_carrying_over_to_another_path_takes_only_the_steps_both_have(alice, plan):
    for key in keys(plan):
        checklist.record(plan, key, status="done", note="")
    other = Plan.objects.create(submission=plan.submission, version=2, archetype="job_search")
    other = written(other)
    shared = set(keys(plan)) & set(keys(other))
    assert set(checklist.carry_over(plan, other)) == shared
    assert set(other.progress.values_list("key", flat=True)) == shared


def test_a_plan_written_before_keys_carries_over_by_its_words(alice, plan):
    key = keys(plan)[0]
    old = dict(plan.content)
    old["sections"] = [
        {**s, "milestones": [{"day": m["day"], "text": m["text"]} for m in s["milestones"]]}
        for s in plan.content["sections"]
    ]
    Plan.objects.filter(pk=plan.pk).update(content=old)
    plan.refresh_from_db()
    legacy_key = keys(plan)[0]
    checklist.record(plan, legacy_key, status="done", note="before keys")
    later = written(
        Plan.objects.create(submission=plan.submission, version=2, archetype=plan.archetype)
    )
    assert checklist.carry_over(plan, later) == [key]


def test_progress_is_carried_between_one_members_plans_only(alice, bob, plan):
    bobs = written(submit(bob).plans.get())
    with pytest.raises(ValueError, match="one member"):
        checklist.carry_over(plan, bobs)


def test_a_new_version_not_yet_written_has_nothing_to_carry_to(alice, plan):
    queued = Plan.objects.create(submission=plan.submission, version=2, archetype=plan.archetype)
    with pytest.raises(ValueError, match="not written yet"):
        checklist.carry_over(plan, queued)


def test_deleting_a_plan_deletes_its_progress(client, alice, plan):
    client.force_login(alice)
    tick(client, plan, keys(plan)[0])
    client.post(reverse("plan_delete", args=[plan.pk]))
    assert not MilestoneProgress.objects.exists()


def test_the_export_holds_the_progress(client, alice, plan):
    client.force_login(alice)
    tick(client, plan, keys(plan)[0], note="my note")
    data = client.get(reverse("account_export")).json()
    [exported] = data["submissions"][0]["plans"][0]["milestones"]
    assert (exported["key"], exported["status"], exported["note"]) == (
        keys(plan)[0],
        "done",
        "my note",
    )
