"""The home page, which knows where you left off, and the stories its cards open."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from advisor.advice import catalogue
from advisor.members.submit import submit
from profiles.models import Draft
from profiles.personas import LI_JING

pytestmark = pytest.mark.django_db


def home(client) -> str:
    return client.get(reverse("home")).content.decode()


def test_a_new_visitor_is_asked_to_start(client):
    page = home(client)
    assert "Start the questionnaire" in page
    assert "Continue where you left off" not in page


def test_a_visitor_with_a_draft_continues_at_the_first_unanswered_step(client):
    client.get(reverse("questionnaire_step", args=["work"]))
    draft = Draft.objects.create(session_key=client.session.session_key, answers=LI_JING)
    draft.answers = {k: v for k, v in LI_JING.items() if k not in {"strain_signals", "need_break"}}
    draft.save()
    session = client.session
    session["draft_id"] = str(draft.pk)
    session.save()
    page = home(client)
    assert "Continue where you left off (step 3)" in page
    assert f'href="{reverse("questionnaire_step", args=["strain"])}"' in page


def test_a_member_sees_their_latest_plan_its_status_and_their_draft(client, alice):
    submission = submit(Draft.objects.create(owner=alice, answers=LI_JING), consent_review=False)
    plan = submission.plans.get()
    Draft.objects.create(owner=alice, answers={"hours_per_week": 70})
    client.force_login(alice)
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert "Your latest plan" in page
    assert f'href="{reverse("plan", args=[plan.pk])}"' in page
    assert "Influencer-services founder, version 1" in page
    assert "Queued" in page
    assert f'href="{reverse("plans")}"' in page
    assert "Continue where you left off (step 1)" in page
    assert "no-store" in response["Cache-Control"]


def test_a_time_in_the_afternoon_ends_no_sentence_with_two_full_stops(client, alice):
    submission = submit(Draft.objects.create(owner=alice, answers=LI_JING), consent_review=False)
    evening = timezone.make_aware(datetime(2026, 12, 7, 20, 20))
    submission.plans.update(created_at=evening)
    client.force_login(alice)
    page = home(client)
    assert "8:20 p.m." in page
    assert "p.m.." not in page


def test_a_member_without_a_plan_is_told_how_to_get_one(client, alice):
    client.force_login(alice)
    assert "No plan yet" in home(client)


def test_every_card_opens_its_story(client):
    page = home(client)
    for archetype in catalogue.archetypes():
        assert f'href="{reverse("story", args=[archetype.slug])}"' in page


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_story_is_told_from_its_file_in_either_language(client, language):
    client.cookies["django_language"] = language
    for archetype in catalogue.archetypes():
        page = client.get(reverse("story", args=[archetype.slug])).content.decode()
        text = archetype.name.zh if language == "zh-hans" else archetype.name.en
        assert f"<h1>{escape(text)}</h1>" in page
        with translation.override(language):
            assert escape(archetype.description) in page
            if archetype.source is None:  # a path no article tells: its verified facts
                assert escape(archetype.grounds.note) in page
                for fact in archetype.ground_facts:
                    assert escape(fact.says) in page and escape(fact.url) in page
                continue
            assert escape(archetype.source.person) in page
        assert escape(archetype.source.passage) in page
        assert escape(archetype.source.passage_zh) in page


def test_an_unknown_story_is_404(client):
    assert client.get(reverse("story", args=["no_such_path"])).status_code == 404


def test_the_home_page_answers_head_as_get(client):
    # Monitors and link checkers ask with HEAD.
    assert client.head("/").status_code == 200
    assert client.post("/").status_code == 405
