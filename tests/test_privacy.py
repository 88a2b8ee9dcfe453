"""A member's privacy: consent to counsellor review given and withdrawn at any time, a
copy of everything Leap keeps about them, deletion that leaves nothing naming them, and
visitors' drafts gone with their sessions."""

import csv
import io
import re
from datetime import timedelta

import pytest
from axes.models import AccessFailureLog
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django_otp.plugins.otp_totp.models import TOTPDevice

from advisor.counsel.models import AuditEvent, Note, Review
from advisor.members import privacy
from advisor.members.submit import submit as submit_draft
from profiles import two_factor
from profiles.models import Draft, Submission
from profiles.personas import LI_JING, MEI_CHEN
from tests.conftest import PASSWORD, log_in_verified
from tests.services import ROOT

pytestmark = pytest.mark.django_db


def submit(user, answers=LI_JING, *, consent_review=True) -> Submission:
    return submit_draft(
        Draft.objects.create(owner=user, answers=answers), consent_review=consent_review
    )


@pytest.fixture
def counsellor(carol_the_counsellor):
    client = Client()
    log_in_verified(client, carol_the_counsellor)
    return client


@pytest.fixture
def member(client, alice):
    client.force_login(alice)
    return client


def consent(client, submission, answer):
    return client.post(reverse("review_consent", args=[submission.pk]), {"review": answer})


def queue_of(counsellor) -> str:
    return counsellor.get(reverse("counsel_queue")).content.decode()


def csv_of(counsellor) -> str:
    return counsellor.get(reverse("counsel_export")).content.decode()


# --- Consent -------------------------------------------------------------------------


def test_withdrawing_consent_takes_the_submission_from_counsellors_at_once(
    member, counsellor, alice, carol_the_counsellor
):
    alices = submit(alice)
    counsellor.post(reverse("counsel_note", args=[alices.pk]), {"text": "Private: runway?"})
    counsellor.post(reverse("counsel_note", args=[alices.pk]), {"text": "Rest.", "shared": "on"})
    assert "alice@example.com" in queue_of(counsellor)

    assert consent(member, alices, "withdraw")["Location"] == reverse(
        "submission", args=[alices.pk]
    )

    assert "alice@example.com" not in queue_of(counsellor)
    assert "alice@example.com" not in csv_of(counsellor)
    assert counsellor.get(reverse("counsel_submission", args=[alices.pk])).status_code == 404
    assert counsellor.post(reverse("counsel_claim", args=[alices.pk])).status_code == 404
    alices.refresh_from_db()
    assert not alices.consent_review
    # Counsellors' private notes existed for the review and go with it; shared ones stay.
    assert list(Note.objects.values_list("text", flat=True)) == ["Rest."]
    event = AuditEvent.objects.get(action="consent_withdrawn")
    assert (event.actor, event.submission) == (alice, alices)


def test_giving_consent_later_puts_the_submission_in_the_queue_not_overdue(
    member, counsellor, alice
):
    alices = submit(alice, consent_review=False)
    Submission.objects.filter(pk=alices.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert "alice@example.com" not in queue_of(counsellor)
    consent(member, alices, "give")
    assert "alice@example.com" in queue_of(counsellor)
    review = Review.objects.get(submission=alices)
    assert not review.is_overdue
    assert AuditEvent.objects.filter(action="consent_given", actor=alice).count() == 1
    page = member.get(reverse("submission", args=[alices.pk])).content.decode()
    assert "Stop counsellor review" in page


def submitted_cell(queue_page: str) -> str:
    cell = re.search(r'<td data-label="Submitted">(.*?)</td>', queue_page, re.S).group(1)
    return re.sub(r"<[^>]*>", " ", cell)


def test_after_consent_is_given_again_the_queue_still_shows_when_it_was_submitted(
    member, counsellor, alice
):
    alices = submit(alice)
    a_month_ago = timezone.now() - timedelta(days=30)
    Submission.objects.filter(pk=alices.pk).update(created_at=a_month_ago)
    Review.objects.filter(submission=alices).update(created_at=a_month_ago)
    consent(member, alices, "withdraw")
    consent(member, alices, "give")

    submitted = date_format(localtime(a_month_ago), "SHORT_DATETIME_FORMAT")
    given = date_format(localtime(Review.objects.get().created_at), "SHORT_DATETIME_FORMAT")
    cell = submitted_cell(queue_of(counsellor))
    assert cell.strip().startswith(submitted)
    assert f"Review allowed on {given}" in cell  # when its clock (overdue or not) started
    header, row = csv.reader(io.StringIO(csv_of(counsellor).lstrip("\ufeff")))
    exported = dict(zip(header, row, strict=True))
    assert exported["submitted"] == a_month_ago.isoformat()
    assert exported["review_opened"] == Review.objects.get().created_at.isoformat()


def test_a_counsellors_visit_after_consent_is_given_again_is_recorded(
    member, counsellor, alice, carol_the_counsellor
):
    alices = submit(alice)
    counsellor.get(reverse("counsel_submission", args=[alices.pk]))
    consent(member, alices, "withdraw")
    consent(member, alices, "give")
    counsellor.get(reverse("counsel_submission", args=[alices.pk]))  # within the hour
    openings = AuditEvent.objects.filter(action="opened", actor=carol_the_counsellor)
    assert openings.count() == 2


def test_consent_for_all_submissions_at_once(member, counsellor, alice):
    first, second = submit(alice), submit(alice, MEI_CHEN)
    member.post(reverse("review_consent_all"), {"review": "withdraw"})
    assert not Review.objects.exists()
    assert not Submission.objects.filter(consent_review=True).exists()
    member.post(reverse("review_consent_all"), {"review": "give"})
    assert set(Review.objects.values_list("submission", flat=True)) == {first.pk, second.pk}
    assert AuditEvent.objects.filter(action="consent_given").count() == 2


def my_data(member) -> str:
    main = member.get(reverse("account")).content.decode().split("<main", 1)[1]
    return " ".join(main.split())


def test_my_data_speaks_of_one_submission_as_one(member, alice):
    alices = submit(alice)
    page = my_data(member)
    assert "1 of your 1" not in page
    assert "A counsellor may read your submission." in page
    assert "Stop counsellor review of my submission" in page
    consent(member, alices, "withdraw")
    page = my_data(member)
    assert "No counsellor may read your submission." in page
    assert "Let a counsellor review my submission" in page


def test_my_data_with_no_submission_has_nothing_to_consent_to(member):
    page = my_data(member)
    assert "0 of your 0" not in page
    assert "You have not submitted any answers yet" in page


def test_my_data_counts_several_submissions(member, alice):
    submit(alice), submit(alice, MEI_CHEN, consent_review=False)
    assert "Counsellors may read 1 of your 2 submissions." in my_data(member)


def test_asking_twice_changes_and_records_nothing_more(member, alice):
    alices = submit(alice)
    consent(member, alices, "withdraw")
    consent(member, alices, "withdraw")
    assert AuditEvent.objects.filter(action="consent_withdrawn").count() == 1


def test_bob_cannot_change_alices_consent(client, alice, bob):
    alices = submit(alice)
    client.force_login(bob)
    assert consent(client, alices, "withdraw").status_code == 404
    assert Review.objects.filter(submission=alices).exists()


def test_an_unknown_answer_is_a_400_and_changes_nothing(member, alice):
    alices = submit(alice)
    assert consent(member, alices, "maybe").status_code == 400
    assert Review.objects.filter(submission=alices).exists()


# --- Export --------------------------------------------------------------------------


@pytest.fixture
def alice_with_everything(alice, carol_the_counsellor, counsellor):
    """Alice with every kind of data Leap keeps about a member."""
    alices = submit(alice)
    submit(alice, MEI_CHEN, consent_review=False)
    Draft.objects.create(owner=alice, answers={"hours_per_week": 70})
    counsellor.post(reverse("counsel_claim", args=[alices.pk]))
    counsellor.post(reverse("counsel_note", args=[alices.pk]), {"text": "Private: runway?"})
    counsellor.post(reverse("counsel_note", args=[alices.pk]), {"text": "Rest.", "shared": "on"})
    counsellor.get(reverse("counsel_export") + "?q=alice")
    TOTPDevice.objects.create(user=alice, name="Authenticator app", confirmed=True)
    two_factor.new_recovery_codes(alice)
    Client(REMOTE_ADDR="10.7.7.7").post(
        reverse("login"), {"username": alice.email, "password": "x"}
    )
    alice_session = Client()
    alice_session.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    return alice


def test_the_export_holds_every_kind_of_data_listed_in_the_privacy_page(
    client, alice_with_everything
):
    client.force_login(alice_with_everything)
    response = client.get(reverse("account_export"))
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    listed = (ROOT / "docs" / "privacy.md").read_text()
    for key in data:
        assert f"`{key}`" in listed, f"docs/privacy.md does not list {key}"
    assert data["account"]["email"] == "alice@example.com"
    assert [d["kind"] for d in data["two_factor"]] == ["authenticator app", "recovery codes"]
    assert data["two_factor"][1]["codes_left"] == 10
    assert data["sign_in_failures"][0]["address"] == "10.7.7.7"
    assert len(data["sessions"]) >= 1
    assert data["draft"][0]["answers"] == {"hours_per_week": 70}
    reviewed = next(s for s in data["submissions"] if s["review"])
    assert reviewed["review"]["assigned"] is True
    assert {n["text"] for n in reviewed["counsellor_notes"]} == {"Private: runway?", "Rest."}
    assert [h["action"] for h in reviewed["history"]][:2] == ["claimed", "note"]
    assert reviewed["plans"][0]["version"] == 1
    assert reviewed["matches"][0]["score"] > 0
    assert "carol" not in response.content.decode()  # counsellors are not named


# --- Deletion ------------------------------------------------------------------------


def rows_naming(email: str, user_id: int) -> list[str]:
    """Every row in any table that holds the email (in any text column, any case) or
    links to the user (a column pointing at the user table holding their id)."""
    found = []
    user_table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = connection.introspection.get_table_description(cursor, table)
            relations = connection.introspection.get_relations(cursor, table)
            for column in columns:
                name = connection.ops.quote_name(column.name)
                quoted = connection.ops.quote_name(table)
                if relations.get(column.name, (None, None))[1] == user_table:
                    cursor.execute(f"SELECT 1 FROM {quoted} WHERE {name} = %s", [user_id])  # noqa: S608
                else:
                    cursor.execute(
                        f"SELECT 1 FROM {quoted} WHERE LOWER(CAST({name} AS TEXT)) LIKE %s",  # noqa: S608
                        [f"%{email}%"],
                    )
                if cursor.fetchone():
                    found.append(f"{table}.{column.name}")
    return found


def test_deleting_the_account_leaves_no_row_naming_alice(client, alice_with_everything):
    alice = alice_with_everything
    assert rows_naming(alice.email, alice.pk)  # the scan finds her while she is there
    client.force_login(alice)
    client.post(reverse("account_delete"), {"password": PASSWORD})
    assert rows_naming(alice.email, alice.pk) == []
    # What stays (the counsellor's export in the trail) names members by id only.
    [export] = AuditEvent.objects.filter(action="exported")
    assert export.detail == f"members={alice.pk}"


def test_an_assignment_in_the_trail_links_the_counsellor_not_their_email(
    counsellor, alice, carol_the_counsellor
):
    alices = submit(alice)
    counsellor.post(
        reverse("counsel_assign", args=[alices.pk]), {"counsellor": carol_the_counsellor.pk}
    )
    event = AuditEvent.objects.get(action="assigned")
    assert (event.assignee, event.detail) == (carol_the_counsellor, "")
    assert (
        "Assigned: carol@example.com"
        in counsellor.get(reverse("counsel_submission", args=[alices.pk])).content.decode()
    )


def test_the_queue_export_records_the_members_it_matched_not_the_search(counsellor, alice, bob):
    submit(alice)
    submit(bob, MEI_CHEN)
    counsellor.get(reverse("counsel_export") + "?q=alice%40example&status=new")
    [event] = AuditEvent.objects.filter(action="exported")
    assert event.detail == f"status=new&members={alice.pk}"
    assert not re.search("alice", event.detail)


def test_sign_in_failures_for_alices_address_go_with_her_account(client, alice):
    Client().post(reverse("login"), {"username": "ALICE@example.com", "password": "nope"})
    assert AccessFailureLog.objects.filter(username="alice@example.com").exists()
    privacy.delete_account(alice)
    assert not AccessFailureLog.objects.exists()


# --- Visitors' drafts ----------------------------------------------------------------


def start_as_visitor(client) -> Draft:
    client.post(reverse("questionnaire_step", args=["work"]), {"hours_per_week": "60"})
    return Draft.objects.get(owner=None, pk=client.session["draft_id"])


def test_a_visitors_draft_goes_when_their_session_expires(alice):
    leaving, staying = Client(), Client()
    gone, kept = start_as_visitor(leaving), start_as_visitor(staying)
    members = Draft.objects.create(owner=alice)
    Session.objects.filter(session_key=leaving.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    Draft.objects.update(created_at=timezone.now() - timedelta(hours=2))

    assert privacy.clear_expired_sessions() == 1
    assert not Draft.objects.filter(pk=gone.pk).exists()
    assert set(Draft.objects.values_list("pk", flat=True)) == {kept.pk, members.pk}


def test_a_draft_made_moments_ago_is_not_taken_for_an_orphan():
    visitor = Client()
    draft = start_as_visitor(visitor)
    Session.objects.all().delete()  # as if the clean-up ran before the session was saved
    privacy.clear_expired_sessions()
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_the_beat_task_clears_them(eager_tasks):
    from profiles.tasks import clear_expired_sessions

    old = Draft.objects.create(session_key="gone")
    Draft.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))
    clear_expired_sessions.delay()
    assert not Draft.objects.filter(pk=old.pk).exists()
