"""What a worker does with a plan: claim it, write it, render its PDF, store both and
email the member. Safe to run twice for the same plan: only one run finishes it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from advisor.advice import content
from advisor.counsel.models import Note
from advisor.mail import email_member
from advisor.plans.models import Plan, PlanPDF


def render_pdf(plan: Plan) -> bytes:
    from weasyprint import HTML  # heavy, and needed only where PDFs are rendered

    with translation.override(plan.language):
        html = render_to_string("plans/plan_pdf.html", {"plan": plan, "content": plan.content})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def generate(plan_id) -> str:
    """Build, render and store one plan; safe to run again for the same plan."""
    plan = Plan.objects.claim(plan_id)
    if plan is None:
        return "nothing to do"
    if settings.PLAN_TEST_PAUSE:
        time.sleep(settings.PLAN_TEST_PAUSE)  # fault-injection tests kill the worker here
    notes = []
    if plan.submission.consent_review:  # only a reviewed submission can have notes
        shared = Note.objects.filter(submission_id=plan.submission_id).shared()
        notes = list(shared.values_list("text", flat=True))
    with translation.override(plan.language):
        plan.content = content.build(
            answers=plan.submission.answers, archetype=plan.archetype, notes=notes
        )
    pdf = render_pdf(plan) if settings.PLAN_PDF else None
    if pdf is None:
        finished = Plan.objects.finish(plan)
    else:
        with transaction.atomic():  # the plan is ready only with its PDF
            finished = Plan.objects.finish(plan)
            if finished:
                PlanPDF.objects.create(plan=plan, data=pdf)
    if not finished:
        return "finished by another delivery"
    _email_ready(plan)
    return "ready"


def fail(plan_id, message) -> None:
    fail_all(Plan.objects.filter(pk=plan_id), message)


def fail_all(plans: QuerySet[Plan], message) -> None:
    """Mark these plans failed, unless ready, saying why (`message` is lazy) in each plan's
    own language: one UPDATE per language, however many plans."""
    unfinished = plans.exclude(status=Plan.Status.READY)
    for language in unfinished.order_by().values_list("language", flat=True).distinct():
        with translation.override(language):
            error = str(message)
        unfinished.filter(language=language).update(
            status=Plan.Status.FAILED, error=error, finished_at=timezone.now()
        )


def _email_ready(plan: Plan) -> None:
    email_member(
        plan.submission.owner,
        language=plan.language,
        subject=gettext_lazy("Your Leap plan is ready"),
        template="plans/plan_ready_email.txt",
        context={"plan": plan, "url": settings.SITE_URL + reverse("plan", args=[plan.pk])},
    )
