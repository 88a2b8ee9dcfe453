"""Answering a check-in: the member's new answers become a new submission of the same set
(or, if none changed, the same one), its plan is queued as the next version, and a
counsellor's review is opened as for any submission they agreed to. Orchestrates across
apps.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from advisor.checkins import changes
from advisor.checkins.models import CheckIn
from advisor.checkins.sweep import current_plan
from advisor.counsel import rules
from advisor.plans import lifecycle
from advisor.plans.models import Plan
from profiles.models import Submission


class NothingToCheckIn(Exception):
    """The set of answers has no ready plan to check in on (all deleted, say)."""


def plan_to_check(checkin: CheckIn) -> Plan | None:
    """The plan the check-in is about: the one answered on, or else the one followed now."""
    return checkin.plan or current_plan(checkin.series_id, checkin.member)


def answer(checkin: CheckIn, *, answers: dict[str, Any], language: str) -> Plan:
    """Record the check-in's answers and start the plan version they lead to, once: a
    second submit of the same check-in (a second tab, a double click) returns the plan
    the first one started. Raises lifecycle.PlanInProgress when a plan of the same
    answers is being written, and NothingToCheckIn when there is no plan."""
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().select_related("member").get(pk=checkin.pk)
        if checkin.answered and checkin.new_plan_id:
            return checkin.new_plan
        plan = plan_to_check(checkin)
        if plan is None:
            raise NothingToCheckIn
        before = plan.submission
        after = changes.apply(before.answers, answers)
        if after == before.answers:
            # Nothing in the answers changed: the same answers, the plan's next version.
            new_plan = lifecycle.start(before, language=language)
        else:
            # The check-in's id stands for the draft's: a second submit finds this row.
            submission, created = Submission.objects.get_or_create(
                draft_token=checkin.pk,
                defaults={
                    "owner": before.owner,
                    "answers": after,
                    "schema_version": before.schema_version,
                    "consent_processing": True,
                    "consent_review": before.consent_review,
                    "previous": before,
                },
            )
            new_plan = lifecycle.start(submission, language=language)
            if created and submission.consent_review:
                rules.open_review(submission, archetype=new_plan.archetype)
        # Kept with the answers for the outcomes page, which counts it in the database.
        checkin.answers = {
            **answers,
            "strain_down": changes.strain_down(
                before.answers.get("strain_signals", []), answers["strain_signals"]
            ),
        }
        checkin.answered_at = timezone.now()
        checkin.plan = plan
        checkin.new_plan = new_plan
        checkin.save(update_fields=["answers", "answered_at", "plan", "new_plan"])
    return new_plan
