"""The counsellor workspace: who may see what, each action, and the trail it leaves."""

import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from advisor.counsel.models import AuditEvent, Note, Review
from advisor.members.submit import submit as submit_draft
from advisor.plans.models import Plan
from profiles.models import Draft, Submission
from profiles.personas import LI_JING, LIU_CHEN, MEI_CHEN, ZHANG_YIFEI
from tests.conftest import PASSWORD, log_in_verified

pytestmark = pytest.mark.django_db


def submit(user, answers=LI_JING, *, consent_review=True) -> Submission:
    draft = Draft.objects.create(owner=user, answers=answers)
    return submit_draft(draft, consent_review=consent_review)


@pytest.fixture
def dave_the_counsellor(django_user_model):
    dave = django_user_model.objects.create_user("dave@example.com", PASSWORD)
    dave.make_counsellor()
    TOTPDevice.objects.create(user=dave, name="Authenticator app", confirmed=True)
    return dave


@pytest.fixture
def alices(alice) -> Submission:
    return submit(alice)


@pytest.fixture
def counsellor(client, carol_the_counsellor):
    log_in_verified(client, carol_the_counsellor)
    return client


def url(name, submission=None):
    return reverse(name, args=[submission.pk]) if submission else reverse(name)


ACTIONS = ["counsel_claim", "counsel_assign", "counsel_note", "counsel_override", "counsel_status"]


def test_a_visitor_is_sent_to_log_in(client, alices):
    for target in [url("counsel_queue"), url("counsel_export"), url("counsel_submission", alices)]:
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_member_gets_403_everywhere(client, alice, alices):
    client.force_login(alice)
    assert client.get(url("counsel_queue")).status_code == 403
    assert client.get(url("counsel_export")).status_code == 403
    assert client.get(url("counsel_submission", alices)).status_code == 403
    for name in ACTIONS:
        assert client.post(url(name, alices), {"status": "in_review"}).status_code == 403
    assert not AuditEvent.objects.exists()


def test_the_queue_shows_only_submissions_with_consent(counsellor, alice, bob, alices):
    bobs = submit(bob, ZHANG_YIFEI, consent_review=False)
    page = counsellor.get(url("counsel_queue")).content.decode()
    assert "alice@example.com" in page
    assert "bob@example.com" not in page
    assert counsellor.get(url("counsel_submission", bobs)).status_code == 404
    assert not Review.objects.filter(submission=bobs).exists()


def test_the_queue_puts_high_strain_first_then_the_oldest(counsellor, django_user_model):
    people = [("mei", MEI_CHEN), ("liu", LIU_CHEN), ("li", LI_JING), ("zhang", ZHANG_YIFEI)]
    for name, answers in people:
        submit(django_user_model.objects.create_user(f"{name}@example.com", PASSWORD), answers)
    page = counsellor.get(url("counsel_queue")).content.decode()
    order = [page.index(f"{name}@example.com") for name, _answers in people]
    # Li Jing fainted (priority 3); Zhang Yifei has three strain signals (2); then the
    # others, oldest first.
    li, zhang, mei, liu = order[2], order[3], order[0], order[1]
    assert li < zhang < mei < liu


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"status": "in_review"}, ["mei"], ["li", "liu"]),
        ({"archetype": "returnee_engineer"}, ["liu"], ["li", "mei"]),
        ({"flag": "high_strain"}, ["li"], ["mei", "liu"]),
        ({"assigned": "me"}, ["mei"], ["li", "liu"]),
        ({"assigned": "none"}, ["li", "liu"], ["mei"]),
        ({"overdue": "on"}, ["liu"], ["li", "mei"]),
        ({"q": "LIU@"}, ["liu"], ["li", "mei"]),
    ],
)
def test_filters(counsellor, carol_the_counsellor, django_user_model, query, shown, hidden):
    made = {}
    for name, answers in [("li", LI_JING), ("mei", MEI_CHEN), ("liu", LIU_CHEN)]:
        made[name] = submit(django_user_model.objects.create_user(f"{name}@example.com"), answers)
    Review.objects.filter(submission=made["mei"]).update(
        status="in_review", assignee=carol_the_counsellor
    )
    long_ago = timezone.now() - timedelta(days=30)
    Review.objects.filter(submission=made["liu"]).update(created_at=long_ago, clock_from=long_ago)
    page = counsellor.get(url("counsel_queue"), query).content.decode()
    for name in shown:
        assert f"{name}@example.com" in page
    for name in hidden:
        assert f"{name}@example.com" not in page


def test_a_bad_filter_is_400_with_the_reason(counsellor):
    response = counsellor.get(url("counsel_queue"), {"status": "bogus"})
    assert response.status_code == 400
    assert "Please choose one of the options given" in response.content.decode()


def test_with_htmx_filtering_swaps_the_results_only(counsellor, alices):
    response = counsellor.get(url("counsel_queue"), {"flag": "high_strain"}, HTTP_HX_REQUEST="true")
    body = response.content.decode().lstrip()
    assert body.startswith('<div id="results">')
    assert "alice@example.com" in body


def test_the_queue_costs_the_same_queries_for_1_and_50_rows(
    counsellor, django_user_model, settings
):
    settings.COUNSEL_PAGE_SIZE = 50

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert counsellor.get(url("counsel_queue")).status_code == 200
        return len(captured)

    submit(django_user_model.objects.create_user("first@example.com"))
    one = queries()
    for number in range(49):
        submit(django_user_model.objects.create_user(f"m{number}@example.com"), MEI_CHEN)
    assert queries() == one


def test_opening_a_submission_is_recorded_and_shows_everything(
    counsellor, carol_the_counsellor, alices
):
    page = counsellor.get(url("counsel_submission", alices)).content.decode()
    for part in ("Influencer-services founder", "Version 1", "The member's answers", "History"):
        assert part in page
    [event] = AuditEvent.objects.all()
    assert (event.actor, event.action, event.submission) == (carol_the_counsellor, "opened", alices)
    again = counsellor.get(url("counsel_submission", alices)).content.decode()
    assert "carol@example.com · Opened" in again


def test_two_counsellors_claiming_one_wins_and_the_other_is_told(
    client, counsellor, carol_the_counsellor, dave_the_counsellor, alices
):
    assert counsellor.post(url("counsel_claim", alices)).status_code == 302
    log_in_verified(client, dave_the_counsellor)
    response = client.post(url("counsel_claim", alices))
    assert response.status_code == 409
    assert "carol@example.com has already claimed it." in response.content.decode()
    assert Review.objects.get().assignee == carol_the_counsellor
    assert AuditEvent.objects.filter(action="claimed").count() == 1


def test_assigning_only_to_a_counsellor(counsellor, bob, dave_the_counsellor, alices):
    assert counsellor.post(url("counsel_assign", alices), {"counsellor": bob.pk}).status_code == 400
    assert (
        counsellor.post(
            url("counsel_assign", alices), {"counsellor": dave_the_counsellor.pk}
        ).status_code
        == 302
    )
    assert Review.objects.get().assignee == dave_the_counsellor


def ask(client, submission, text="When does your notice end?"):
    """Move the review to "awaiting member" the only way there is: a question."""
    return client.post(url("counsel_ask", submission), {"text": text, "token": uuid.uuid4()})


@pytest.mark.parametrize(
    ("path", "final"),
    [
        (["in_review", "reviewed"], "reviewed"),
        (["in_review", "ask", "in_review", "reviewed", "in_review"], "in_review"),
        (["in_review", "ask", "reviewed"], "reviewed"),
    ],
)
def test_each_legal_transition(counsellor, alices, path, final):
    for status in path:
        if status == "ask":
            assert ask(counsellor, alices).status_code == 302
        else:
            response = counsellor.post(url("counsel_status", alices), {"status": status})
            assert response.status_code == 302
    assert Review.objects.get().status == final
    assert AuditEvent.objects.filter(action="status").count() == len(path)


def test_awaiting_the_member_without_a_question_is_refused(counsellor, alices):
    counsellor.post(url("counsel_status", alices), {"status": "in_review"})
    response = counsellor.post(url("counsel_status", alices), {"status": "awaiting_member"})
    assert response.status_code == 409
    assert "To wait for the member, ask them a question." in response.content.decode()
    assert Review.objects.get().status == "in_review"


@pytest.mark.parametrize(
    ("status", "code"), [("reviewed", 409), ("awaiting_member", 409), ("done", 400)]
)
def test_an_illegal_or_unknown_status_is_refused_and_changes_nothing(
    counsellor, alices, status, code
):
    response = counsellor.post(url("counsel_status", alices), {"status": status})
    assert response.status_code == code
    assert Review.objects.get().status == "new"
    assert not AuditEvent.objects.filter(action="status").exists()


def test_reviewed_is_shown_to_the_member_and_emailed(
    client, counsellor, alice, alices, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        counsellor.post(url("counsel_status", alices), {"status": "in_review"})
        counsellor.post(url("counsel_status", alices), {"status": "reviewed"})
    [mail] = mailoutbox
    assert mail.to == ["alice@example.com"]
    assert mail.subject == "Your counsellor has reviewed your plan"
    client.force_login(alice)
    page = client.get(reverse("plan", args=[alices.plans.get().pk])).content.decode()
    assert "Reviewed on" in page


def test_a_shared_note_reaches_the_member_and_a_private_one_does_not(
    client, counsellor, alice, alices, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        counsellor.post(url("counsel_note", alices), {"text": "Only for us: check runway."})
        counsellor.post(
            url("counsel_note", alices), {"text": "Talk to Mei about pricing.", "shared": "on"}
        )
    assert [n.shared for n in Note.objects.all()] == [False, True]
    assert [m.subject for m in mailoutbox] == ["Your counsellor left you a note"]
    client.force_login(alice)
    page = client.get(reverse("plan", args=[alices.plans.get().pk])).content.decode()
    assert "Talk to Mei about pricing." in page
    assert "Only for us" not in page


def test_opening_again_on_the_same_visit_adds_nothing_to_the_trail(
    counsellor, carol_the_counsellor, dave_the_counsellor, alices
):
    """Seven steps in one sitting leave seven lines and one opening, not one opening after
    each step (every action redirects back to the page)."""
    counsellor.get(url("counsel_submission", alices))
    counsellor.post(url("counsel_claim", alices))
    counsellor.get(url("counsel_submission", alices))
    counsellor.post(url("counsel_status", alices), {"status": "in_review"})
    counsellor.post(url("counsel_note", alices), {"text": "Call her."})
    for _again in range(5):
        counsellor.get(url("counsel_submission", alices))
    actions = list(AuditEvent.objects.order_by("created_at", "id").values_list("action", flat=True))
    assert actions == ["opened", "claimed", "status", "note"]

    # Another counsellor's opening is theirs to record.
    log_in_verified(counsellor, dave_the_counsellor)
    counsellor.get(url("counsel_submission", alices))
    assert AuditEvent.objects.filter(action="opened", actor=dave_the_counsellor).count() == 1

    # Back after the visit is over: a new opening.
    an_hour_and_more = timezone.now() - timedelta(hours=1, minutes=1)
    AuditEvent.objects.filter(actor=carol_the_counsellor).update(created_at=an_hour_and_more)
    log_in_verified(counsellor, carol_the_counsellor)
    counsellor.get(url("counsel_submission", alices))
    assert AuditEvent.objects.filter(action="opened", actor=carol_the_counsellor).count() == 2


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["New → In review", "Influencer-services founder → Returnee engineer: Too tired",
                "Wrote a note: shared with the member", "Version 2: Queued, Returnee engineer"]),
        ("zh-hans", ["新提交 → 审阅中", "网红服务创业者 → 海归工程师：Too tired",
                     "写了备注：已分享给用户", "第2版：排队中，海归工程师"]),
    ],
)  # fmt: skip
def test_the_workspace_shows_labels_not_keys(counsellor, alices, language, labels):
    counsellor.post(url("counsel_status", alices), {"status": "in_review"})
    override = {"archetype": "returnee_engineer", "reason": "Too tired"}
    counsellor.post(url("counsel_override", alices), override)
    counsellor.post(url("counsel_note", alices), {"text": "Rest.", "shared": "on"})
    counsellor.cookies["django_language"] = language
    page = counsellor.get(url("counsel_submission", alices)).content.decode()
    for label in labels:
        assert label in page
    text = re.sub(r"<[^>]*>", " ", page)  # what a reader sees, not the forms' values
    for key in ("in_review", "returnee_engineer", "influencer_founder"):
        assert key not in text


def test_an_empty_note_is_400(counsellor, alices):
    assert counsellor.post(url("counsel_note", alices), {"text": ""}).status_code == 400
    assert not Note.objects.exists()


def test_overriding_the_archetype_writes_a_new_plan_version(counsellor, alices):
    data = {"archetype": "sustainable_switcher", "reason": "Runway too short to found now."}
    assert counsellor.post(url("counsel_override", alices), data).status_code == 302
    plans = list(Plan.objects.order_by("version").values_list("version", "archetype"))
    assert plans == [(1, "influencer_founder"), (2, "sustainable_switcher")]
    assert Review.objects.get().archetype == "sustainable_switcher"
    event = AuditEvent.objects.get(action="override")
    assert (
        event.detail == "influencer_founder → sustainable_switcher: Runway too short to found now."
    )


@pytest.mark.parametrize(("archetype", "code"), [("astronaut", 400), ("influencer_founder", 409)])
def test_a_bad_override_is_refused_and_makes_no_plan(counsellor, alices, archetype, code):
    data = {"archetype": archetype, "reason": "because"}
    assert counsellor.post(url("counsel_override", alices), data).status_code == code
    assert Plan.objects.count() == 1


def test_the_csv_export_follows_the_filters_and_is_recorded(counsellor, django_user_model):
    for name, answers in [("li", LI_JING), ("liu", LIU_CHEN)]:
        submit(django_user_model.objects.create_user(f"{name}@example.com"), answers)
    response = counsellor.get(url("counsel_export"), {"archetype": "returnee_engineer"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["submission", "member"]
    assert [row[1] for row in rows[1:]] == ["liu@example.com"]
    assert AuditEvent.objects.get(action="exported").detail == "archetype=returnee_engineer"


def test_the_export_link_comes_with_the_results_htmx_swaps_and_their_filters(counsellor, alices):
    filtered = {"flag": "high_strain", "page": "1"}
    swap = counsellor.get(url("counsel_queue"), filtered, headers={"HX-Request": "true"})
    link = f'href="{url("counsel_export")}?flag=high_strain"'  # every page of them
    assert link in swap.content.decode()


def test_the_trail_is_in_the_admin_and_read_only(admin_client, counsellor, alices):
    counsellor.get(url("counsel_submission", alices))
    page = admin_client.get(reverse("admin:counsel_auditevent_changelist")).content.decode()
    assert "carol@example.com" in page and "Opened" in page
    event = AuditEvent.objects.get()
    assert (
        admin_client.post(reverse("admin:counsel_auditevent_delete", args=[event.pk])).status_code
        == 403
    )


def test_the_members_export_has_the_review_and_every_note_marked_shared_or_not(
    client, counsellor, alice, alices
):
    counsellor.post(url("counsel_note", alices), {"text": "Only for us."})
    counsellor.post(url("counsel_note", alices), {"text": "For you.", "shared": "on"})
    client.force_login(alice)
    [submission] = client.get(reverse("account_export")).json()["submissions"]
    assert submission["review"]["status"] == "new"
    notes = [(n["text"], n["shared_with_you"]) for n in submission["counsellor_notes"]]
    assert notes == [("Only for us.", False), ("For you.", True)]


def test_a_new_plan_version_carries_the_shared_notes(counsellor, alices):
    from advisor.plans import worker

    counsellor.post(url("counsel_note", alices), {"text": "Only for us."})
    counsellor.post(url("counsel_note", alices), {"text": "Rest first.", "shared": "on"})
    data = {"archetype": "sustainable_switcher", "reason": "Runway."}
    counsellor.post(url("counsel_override", alices), data)
    new = Plan.objects.get(version=2)
    worker.generate(new.pk)
    new.refresh_from_db()
    notes = next(s for s in new.content["sections"] if s["key"] == "notes")
    assert notes["items"] == ["Rest first."]
