"""What beat's check-in sweep does: make each set of answers' check-ins once its first
plan is ready (`schedule`), email those that are due, each exactly once however many
sweeps run at once (`send_due`), and carry milestones' progress over to the plans that
check-ins made (`carry_over`). Idempotent: a sweep run twice, or on two workers at once,
does each thing once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from advisor.advice import catalogue
from advisor.checkins.models import DAYS, CheckIn, Unsubscribed
from advisor.mail import MAIL_ERRORS, send_to_member
from advisor.plans import checklist
from advisor.plans.models import Plan
from profiles.language import known_language
from profiles.models import Submission, User

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "leap.checkins.unsubscribe"
# At most this many sets of answers get their check-ins made in one sweep; the next
# sweep makes the rest.
SCHEDULE_BATCH = 500


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "scheduled": schedule(now=now),
        "emailed": send_due(now=now),
        "carried": carry_over(now=now),
    }


# --- Making the check-ins ----------------------------------------------------------


def schedule(*, now: datetime | None = None) -> int:
    """The check-ins at day 30, 60 and 90 of each set of answers whose first plan is
    ready and that has none yet. A day already long past (check-ins came after the plan)
    is made but set aside, so that nobody gets three emails at once. The unique
    constraint keeps a second sweep from making them again. Returns how many were made."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ready = Plan.objects.filter(submission=OuterRef("pk"), status=Plan.Status.READY)
    started = CheckIn.objects.filter(series=OuterRef("pk"))
    firsts = (
        Submission.objects.filter(previous=None)
        .filter(Exists(ready))
        .exclude(Exists(started))
        .order_by("created_at")[:SCHEDULE_BATCH]
    )
    made = 0
    for series in firsts:
        first = series.plans.filter(status=Plan.Status.READY).order_by("finished_at").first()
        start = first.date_of(0)
        late = today - timedelta(days=settings.CHECKIN_LATE_DAYS)
        rows = [
            CheckIn(
                member_id=series.owner_id,
                series=series,
                day=day,
                due_on=start + timedelta(days=day),
                skipped=CheckIn.Skipped.LATE if start + timedelta(days=day) < late else "",
            )
            for day in DAYS
        ]
        made += len(CheckIn.objects.bulk_create(rows, ignore_conflicts=True))
    return made


# --- Emailing them -----------------------------------------------------------------


def send_due(*, now: datetime | None = None) -> int:
    """Email every check-in that is due, each once (CheckInQuerySet.claim_due), in
    batches so that sweeps running at once share them. A mail server that refuses gives
    the check-in back for the next sweep. Returns how many were emailed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent, refused = 0, set()
    while True:
        due = CheckIn.objects.exclude(pk__in=refused).select_related("member")
        batch = due.claim_due(today=today, now=now, limit=settings.CHECKIN_BATCH)
        if not batch:
            return sent
        for checkin in batch:
            if email(checkin):
                sent += 1
            else:
                refused.add(checkin.pk)


def email(checkin: CheckIn) -> bool:
    """Send the claimed check-in's email. False, with the claim given back, if the mail
    server refused it or the member stopped check-ins since the claim."""
    member = checkin.member
    if Unsubscribed.objects.filter(member=member).exists():
        CheckIn.objects.filter(pk=checkin.pk).update(
            emailed_at=None, skipped=CheckIn.Skipped.UNSUBSCRIBED
        )
        return False
    plan = current_plan(checkin.series_id, member)
    language = known_language(member.language or (plan.language if plan else ""))
    unsubscribe = settings.SITE_URL + reverse("checkin_unsubscribe", args=[token_for(member)])
    try:
        send_to_member(
            member,
            language=language,
            subject=format_lazy(
                gettext_lazy("Day {day} of your Leap plan: how is it going?"), day=checkin.day
            ),
            template="checkins/checkin_email.txt",
            context={
                "checkin": checkin,
                "plan": plan,
                # The path's name in the email's language (its Text reads the active one).
                "path": _path_of(plan),
                "url": settings.SITE_URL + reverse("checkin", args=[checkin.pk]),
                "unsubscribe_url": unsubscribe,
            },
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    except MAIL_ERRORS:
        logger.exception("could not email check-in %s; the next sweep tries again", checkin.pk)
        CheckIn.objects.filter(pk=checkin.pk).update(emailed_at=None)
        return False
    return True


def _path_of(plan: Plan | None):
    if plan is None or not (plan.content or {}).get("close", True):
        return None
    archetype = catalogue.by_slug(plan.archetype)
    return archetype.name if archetype else None


def current_plan(series_id, member: User) -> Plan | None:
    """The plan the member follows now in this set of answers: the newest ready plan of
    its newest submission that has one (a check-in or an edit makes a new submission)."""
    for answers in Submission.objects.for_owner(member).answer_sets():
        if answers[-1].pk != series_id:
            continue
        ready = Plan.objects.filter(submission__in=answers, status=Plan.Status.READY)
        return ready.order_by("-submission__created_at", "-version").first()
    return None


# --- Unsubscribing, without logging in ---------------------------------------------


def token_for(member: User) -> str:
    """The signed token of the unsubscribe link: it names the member, and only Leap can
    make one (SECRET_KEY). It does not expire: an old email's link keeps working."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(member.pk))


def member_of(token: str) -> User | None:
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk).first()


def unsubscribe(member: User) -> None:
    Unsubscribed.objects.get_or_create(member=member)


def resubscribe(member: User) -> None:
    Unsubscribed.objects.filter(member=member).delete()


# --- Carrying progress over ---------------------------------------------------------


def carry_over(*, now: datetime | None = None) -> int:
    """For each answered check-in whose new plan is now ready, carry the milestones'
    progress over from the plan checked in on, once (the row is claimed first)."""
    now = now or timezone.now()
    waiting = CheckIn.objects.filter(
        carried_at=None, new_plan__status=Plan.Status.READY, plan__isnull=False
    ).select_related("plan", "new_plan")
    carried = 0
    for checkin in waiting:
        if CheckIn.objects.filter(pk=checkin.pk, carried_at=None).update(carried_at=now):
            carry_progress(checkin.plan, checkin.new_plan)
            carried += 1
    return carried


def carry_progress(old_plan: Plan, new_plan: Plan) -> None:
    """Copy the done, skipped and noted milestones of `old_plan` to the same milestones
    of `new_plan` (advisor.plans.checklist.carry_over)."""
    checklist.carry_over(old_plan, new_plan)
