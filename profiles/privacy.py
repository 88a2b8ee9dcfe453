"""A member's own data: everything out as JSON, or everything gone. Orchestrates across
apps: it reads and deletes what the plans and counsel apps keep about the member."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from advisor.counsel.models import Note
from advisor.plans import lifecycle
from advisor.plans.models import Plan
from profiles.models import Draft, Submission, User


def export(user: User) -> dict[str, Any]:
    """All that Leap keeps about `user`, as plain JSON data."""
    submissions = Submission.objects.for_owner(user).select_related("review")
    submissions = submissions.prefetch_related(
        "plans", Prefetch("notes", queryset=Note.objects.shared())
    )
    return {
        "exported_at": timezone.now(),
        "account": {"email": user.email, "joined": user.date_joined, "last_login": user.last_login},
        "draft": [
            {"answers": d.answers, "schema_version": d.schema_version, "updated_at": d.updated_at}
            for d in Draft.objects.filter(owner=user)
        ],
        "submissions": [
            {
                "id": s.pk,
                "created_at": s.created_at,
                "schema_version": s.schema_version,
                "answers": s.answers,
                "consent_processing": s.consent_processing,
                "consent_review": s.consent_review,
                "previous": s.previous_id,
                "review_status": s.review.status if hasattr(s, "review") else None,
                "counsellor_notes": [
                    {"text": n.text, "created_at": n.created_at} for n in s.notes.all()
                ],
                "plans": [
                    {
                        "id": p.pk,
                        "version": p.version,
                        "status": p.status,
                        "archetype": p.archetype,
                        "language": p.language,
                        "created_at": p.created_at,
                        "content": p.content,
                    }
                    for p in s.plans.all()
                ],
            }
            for s in submissions
        ],
    }


def _delete_sessions(user: User) -> None:
    """Every session of the member's, on every device: in the database and in the cache."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session.session_key).delete()


def delete_account(user: User) -> None:
    """The member and everything they own: drafts, submissions, plans, PDFs, sessions
    (with their cached copies in Redis) and queued tasks."""
    with transaction.atomic():
        lifecycle.delete(Plan.objects.for_owner(user))
        _delete_sessions(user)
        user.delete()  # drafts and submissions go with it (on_delete=CASCADE)
