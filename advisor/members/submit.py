"""Submitting a questionnaire: a member's draft becomes a submission, its first plan is
queued and, if they agreed, a counsellor's review is opened. Orchestrates across apps.

The one submit workflow: the questionnaire's view and `manage.py seed_demo` both call it.
"""

from django.conf import settings
from django.db import transaction

from advisor.advice import questionnaire
from advisor.counsel import rules
from advisor.plans import lifecycle
from profiles.models import Draft, Submission


def submit(
    draft: Draft, *, consent_review: bool, language: str = settings.LANGUAGE_CODE
) -> Submission:
    """Turn a member's draft into a submission, once however often it is called."""
    if draft.owner is None:
        raise ValueError("Only a member's draft can be submitted.")
    with transaction.atomic():
        submission, created = Submission.objects.get_or_create(
            draft_token=draft.pk,
            defaults={
                "owner": draft.owner,
                "answers": draft.answers,
                # The version the answers are complete for (the current one, once the
                # review has checked them), not the version the draft was started in.
                "schema_version": questionnaire.version_of(draft.answers)
                or questionnaire.SCHEMA_VERSION,
                "consent_processing": True,
                "consent_review": consent_review,
                "previous": draft.based_on,
            },
        )
        Draft.objects.filter(pk=draft.pk).delete()
        if created:
            plan = lifecycle.start(submission, language=language)
            rules.open_review(submission, archetype=plan.archetype)
    return submission
