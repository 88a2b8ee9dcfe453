"""A member's own data: everything out as JSON, consent to counsellor review given or
withdrawn, or everything gone; and visitors' drafts gone with their sessions. Orchestrates
across apps: it reads and deletes what the plans and counsel apps keep about the member.

docs/privacy.md lists every kind of data Leap keeps about a member, and where each goes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from importlib import import_module
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from advisor.advice import matching
from advisor.checkins.models import CheckIn, Unsubscribed
from advisor.counsel import rules
from advisor.counsel.models import AuditEvent, Message, Note, SavedReply
from advisor.plans import lifecycle
from advisor.plans.models import Plan
from profiles import two_factor
from profiles.models import Draft, Submission, User

# --- Export ------------------------------------------------------------------------


def export(user: User) -> dict[str, Any]:
    """All that Leap keeps about `user`, as plain JSON data (docs/privacy.md)."""
    submissions = Submission.objects.for_owner(user).select_related("review")
    submissions = submissions.prefetch_related(
        Prefetch("plans", queryset=Plan.objects.order_by("version").prefetch_related("progress")),
        Prefetch("notes", queryset=Note.objects.order_by("created_at")),
        Prefetch("messages", queryset=Message.objects.order_by("created_at", "id")),
        Prefetch("audit_events", queryset=AuditEvent.objects.order_by("created_at", "id")),
    )
    return {
        "exported_at": timezone.now(),
        "account": {
            "email": user.email,
            "language": user.language,
            "joined": user.date_joined,
            "last_login": user.last_login,
            "is_counsellor": user.is_counsellor,
            "is_staff": user.is_staff,
        },
        "two_factor": _two_factor(user),
        "sessions": [{"expires": expiry} for _, expiry in _sessions_of(user)],
        "sign_in_failures": _sign_in_failures(user),
        "draft": [
            {"answers": d.answers, "schema_version": d.schema_version, "updated_at": d.updated_at}
            for d in Draft.objects.filter(owner=user)
        ],
        "submissions": [_submission(s) for s in submissions],
        "checkins": [
            {
                "answers_of": c.series_id,
                "day": c.day,
                "due_on": c.due_on,
                "emailed_at": c.emailed_at,
                "answered_at": c.answered_at,
                "answers": c.answers,
                "plan": c.plan_id,
                "new_plan": c.new_plan_id,
            }
            for c in CheckIn.objects.for_member(user).order_by("due_on", "day")
        ],
        "checkin_emails_stopped": Unsubscribed.objects.filter(member=user).exists(),
        "saved_replies": [
            {"title": r.title, "en": r.text_en, "zh_hans": r.text_zh_hans}
            for r in SavedReply.objects.of(user)
        ],
    }


def _submission(s: Submission) -> dict[str, Any]:
    review = getattr(s, "review", None)
    return {
        "id": s.pk,
        "created_at": s.created_at,
        "schema_version": s.schema_version,
        "answers": s.answers,
        "consent_processing": s.consent_processing,
        "consent_review": s.consent_review,
        "previous": s.previous_id,
        "review": review
        and {
            "status": review.status,
            "archetype": review.archetype,
            "priority": review.priority,
            "high_strain": review.high_strain,
            "assigned": review.assignee_id is not None,
            "opened_at": review.created_at,
            "reviewed_at": review.reviewed_at,
        },
        # Private notes too: what counsellors wrote about the member is theirs to read.
        "counsellor_notes": [
            {"text": n.text, "shared_with_you": n.shared, "created_at": n.created_at}
            for n in s.notes.all()
        ],
        # The conversation with the counsellor: their questions and the member's replies.
        "conversation": [
            {"text": m.text, "from_you": m.from_member, "created_at": m.created_at}
            for m in s.messages.all()
        ],
        # Who did what with the submission, and when; counsellors are not named.
        "history": [
            {"action": e.action, "at": e.created_at, "by_you": e.actor_id == s.owner_id}
            for e in s.audit_events.all()
        ],
        "matches": [
            {"archetype": m.archetype.slug, "score": m.score}
            for m in matching.rank(s.answers).matches
        ],
        "plans": [
            {
                "id": p.pk,
                "version": p.version,
                "status": p.status,
                "archetype": p.archetype,
                "language": p.language,
                "created_at": p.created_at,
                "finished_at": p.finished_at,
                "error": p.error,
                "content": p.content,
                "milestones": [
                    {"key": m.key, "status": m.status, "note": m.note, "updated_at": m.updated_at}
                    for m in sorted(p.progress.all(), key=lambda m: m.key)
                ],
            }
            for p in s.plans.all()
        ],
    }


def _two_factor(user: User) -> list[dict[str, Any]]:
    """Which second factors the account has, not their secrets."""
    devices = [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]
    return [
        {
            "kind": "authenticator app" if isinstance(d, TOTPDevice) else "recovery codes",
            "confirmed": d.confirmed,
            "created_at": d.created_at,
            "last_used_at": d.last_used_at,
            **({"codes_left": d.token_set.count()} if isinstance(d, StaticDevice) else {}),
        }
        for d in devices
    ]


def _sign_in_failures(user: User) -> list[dict[str, Any]]:
    """Failed log-ins to the account, as django-axes keeps them for lockouts."""
    return [
        {
            "at": f.attempt_time,
            "address": f.ip_address,
            "browser": f.user_agent,
            "locked_out": f.locked_out,
        }
        for f in AccessFailureLog.objects.filter(username=user.email).order_by("attempt_time")
    ]


# --- Consent to counsellor review ---------------------------------------------------


def set_review_consent(member: User, submissions: QuerySet[Submission], *, consent: bool) -> int:
    """Give or withdraw consent to counsellor review for the member's `submissions`, in
    effect at once: a review is opened for each (now in the queue) or closed (gone from
    the queue, the submission page and the CSV). Each change is recorded. Returns how many
    changed."""
    action = AuditEvent.Action.CONSENT_GIVEN if consent else AuditEvent.Action.CONSENT_WITHDRAWN
    with transaction.atomic():
        changing = submissions.filter(owner=member, consent_review=not consent)
        changed = list(changing.select_for_update().order_by("created_at"))
        for submission in changed:
            submission.consent_review = consent
            submission.save(update_fields=["consent_review"])
            if consent:
                rules.open_review(
                    submission, archetype=_archetype(submission), opened_at=timezone.now()
                )
            else:
                rules.close_review(submission)
            rules.record(submission, actor=member, action=action)
    return len(changed)


def _archetype(submission: Submission) -> str:
    """What the member's plan follows now, else their best match."""
    plan = submission.plans.newest()
    return plan.archetype if plan else matching.rank(submission.answers).best.archetype.slug


# --- Deletion -----------------------------------------------------------------------


def _sessions_of(user: User) -> Iterator[tuple[str, Any]]:
    """(key, expiry) of each of the member's live sessions, on every device: logged in,
    or waiting for the code of a two-factor sign-in."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).order_by("expire_date")
    for session in live:
        data = session.get_decoded()
        pending = data.get(two_factor.PENDING)
        if data.get(SESSION_KEY) == str(user.pk) or (
            isinstance(pending, dict) and pending.get("user") == user.pk
        ):
            yield session.session_key, session.expire_date


def _delete_sessions(user: User) -> None:
    """Every session of the member's: in the database and in the cache."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key, _ in list(_sessions_of(user)):
        store(key).delete()


def delete_account(user: User) -> None:
    """The member and everything that names them: drafts, submissions with their plans,
    PDFs, reviews, notes and history (on_delete=CASCADE), sessions (with their cached
    copies in Redis), queued tasks, second factors, and the log-in failures kept for
    lockouts. What stays names no one (docs/privacy.md)."""
    with transaction.atomic():
        lifecycle.delete(Plan.objects.for_owner(user))
        _delete_sessions(user)
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username=user.email).delete()
        user.delete()


# --- Visitors ------------------------------------------------------------------------

# A draft made in a request whose session is saved as the request ends: not an orphan.
DRAFT_GRACE = timedelta(hours=1)


def clear_expired_sessions() -> int:
    """Expired sessions go, and the drafts of the visitors they belonged to. Returns how
    many drafts went. (A draft from before drafts knew their session goes once it is
    older than any session can live.)"""
    call_command("clearsessions")
    now = timezone.now()
    live = Session.objects.filter(expire_date__gt=now).values("session_key")
    orphans = Draft.objects.filter(owner=None).exclude(session_key__in=live)
    unknown_session = Q(
        session_key="", updated_at__lt=now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    gone_session = Q(~Q(session_key=""), created_at__lt=now - DRAFT_GRACE)
    deleted, _ = orphans.filter(unknown_session | gone_session).delete()
    return deleted
