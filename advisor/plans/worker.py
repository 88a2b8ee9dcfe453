"""What a worker does with a plan: claim it, write it, store it and email the member
(`generate`), then render its PDF (`deliver`). Safe to run twice for the same
plan: only one run finishes it, one email is sent, one PDF stored.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from advisor.advice import charts, content
from advisor.counsel.models import Note
from advisor.mail import email_member
from advisor.plans.models import Plan, PlanPDF

logger = logging.getLogger(__name__)

READY = "ready"


def pdf_html(plan: Plan) -> str:
    """The PDF's HTML, charts included, in the plan's language."""
    with translation.override(plan.language):
        context = {"plan": plan, "content": plan.content, "charts": charts.of(plan.content)}
        return render_to_string("plans/plan_pdf.html", context)


def render_pdf(plan: Plan) -> bytes:
    from weasyprint import HTML  # heavy, and needed only where PDFs are rendered

    return HTML(string=pdf_html(plan), base_url=str(settings.BASE_DIR)).write_pdf()


def generate(plan_id, *, delivery: str | None = None) -> str:
    """Claim, build and store one plan for one delivery of its task (`delivery`, the
    send's token), then email the member; safe to run again for the same plan. The
    PDF follows (`deliver`)."""
    plan = Plan.objects.claim(plan_id, delivery=delivery)
    if plan is None:
        return "nothing to do"
    with _leases.held(plan):
        if settings.PLAN_TEST_PAUSE:
            time.sleep(settings.PLAN_TEST_PAUSE)  # fault-injection tests kill the worker here
        notes = []
        if plan.submission.consent_review:  # only a reviewed submission can have notes
            shared = Note.objects.filter(submission_id=plan.submission_id).shared()
            notes = list(shared.values_list("text", flat=True))
        with translation.override(plan.language):
            plan.content = content.build(
                answers=plan.submission.answers,
                archetype=plan.archetype,
                by_counsellor=plan.by_counsellor,
                notes=notes,
                today=timezone.localdate(),
            )
        if not Plan.objects.finish(plan, pdf=settings.PLAN_PDF):
            return "finished by another delivery"
    email_once(plan)
    return READY


def deliver(plan_id) -> str:
    """Render and store the PDF of a ready plan, and email the member if the plan task
    could not; each once however often this runs: the PDF is stored only by the run
    that marks it ready, and the email claimed in the plan's row before it is sent. If
    the PDF cannot be made, the task fails before the email, and the sweeper sends the
    follow-up again for the email alone."""
    plan = Plan.objects.select_related("submission__owner").filter(pk=plan_id).first()
    if plan is None:
        return "nothing to do"
    outcome = "nothing to do"
    if plan.pdf_pending:
        pdf = render_pdf(plan)
        with transaction.atomic():
            pending = Plan.objects.filter(pk=plan_id, pdf_status=Plan.PDFStatus.PENDING)
            if pending.update(pdf_status=Plan.PDFStatus.READY):
                PlanPDF.objects.create(plan=plan, data=pdf)
                outcome = "pdf ready"
    if email_once(plan):
        outcome = "emailed" if outcome == "nothing to do" else f"{outcome}, emailed"
    return outcome


def email_once(plan: Plan) -> bool:
    """Tell the member their plan is ready, unless someone has: the plan task does as
    soon as the plan is written, the follow-up if that run died first. `plan` comes
    with its member loaded."""
    if not Plan.objects.claim_email(plan.pk):
        return False
    _email_ready(plan)
    return True


def fail_pdf(plan_id) -> None:
    """The PDF could not be made; the plan itself is ready and stays so."""
    pending = Plan.objects.filter(pk=plan_id, pdf_status=Plan.PDFStatus.PENDING)
    pending.update(pdf_status=Plan.PDFStatus.FAILED)


class _Leases:
    """The runs of this process whose leases are being renewed, by one thread of its own
    for all of them: a thread started and joined for every run cost a plan about as much
    as its email (bench/README.md). The thread wakes every third of a lease and renews
    each run older than that, never past the hard time limit, after which Celery has
    killed a live run anyway; a run it could not renew was overtaken (its finish will
    fail) and is let go. Most runs end before their first renewal is due.

    A thread does not survive a fork (Celery's prefork pool), nor should a lock held
    at the fork: a child process starts afresh (`forget`), and its first run starts
    the child's own thread."""

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[int, tuple[Plan, float, float]] = {}  # plan, due, deadline
        self._thread: threading.Thread | None = None

    @contextmanager
    def held(self, plan: Plan) -> Iterator[None]:
        now = time.monotonic()
        with self._lock:
            self._start_in_this_process()
            self._runs[id(plan)] = (plan, now + self._every, now + settings.PLAN_TIME_LIMIT)
        try:
            yield
        finally:
            with self._lock:
                self._runs.pop(id(plan), None)

    @property
    def _every(self) -> float:
        return settings.PLAN_LEASE_SECONDS / 3

    def _start_in_this_process(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._renew_forever, name="leases", daemon=True)
            self._thread.start()

    def _renew_forever(self) -> None:
        while True:
            time.sleep(self._every)
            now = time.monotonic()
            with self._lock:
                due = [(key, run) for key, run in self._runs.items() if run[1] <= now]
            for key, (plan, _due, deadline) in due:
                if now >= deadline or not self._renew(plan):
                    with self._lock:
                        self._runs.pop(key, None)
                    continue
                with self._lock:
                    if key in self._runs:
                        self._runs[key] = (plan, now + self._every, deadline)
            if due:
                # Renewals are rare (runs that last a third of a lease): no connection is
                # kept open between them, as none was when each run had its thread.
                connection.close()

    @staticmethod
    def _renew(plan: Plan) -> bool:
        """False when the run was overtaken; a database blip is tried again next time."""
        try:
            return Plan.objects.renew(plan)
        except DatabaseError:  # the next round tries again, on a new connection
            logger.warning("could not renew the lease of plan %s", plan.pk)
            return True


_leases = _Leases()
os.register_at_fork(after_in_child=_leases.forget)


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
