"""A plan version made by a check-in, set against the version checked in on: what its
top says, "what changed and why"."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from advisor.checkins import changes
from advisor.checkins.models import CheckIn
from advisor.plans.models import Plan


def what_changed(plan: Plan) -> dict[str, Any] | None:
    """For a ready plan that a check-in made: the answers that changed (before and now),
    how the first path moved, plan B's switch points reached, and the milestones that
    carry over, are new or are gone; in the plan's language. None for any other plan, or
    while either version is not ready."""
    if plan.status != Plan.Status.READY:
        return None
    found = CheckIn.objects.filter(new_plan=plan).select_related("plan__submission")
    checkin = found.first()
    old = checkin.plan if checkin else None
    if old is None or old.status != Plan.Status.READY:
        return None
    before, after = old.submission.answers, plan.submission.answers
    with translation.override(plan.language):
        return {
            "checkin": checkin,
            "answers": changes.answer_changes(before, after),
            "match": changes.match_move(before, after),
            "milestones": changes.milestones(old.content, plan.content),
            "switches": changes.switch_check(
                after, archetype=plan.archetype, by_counsellor=plan.by_counsellor, day=checkin.day
            ),
        }
