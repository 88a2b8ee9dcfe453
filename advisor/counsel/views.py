"""The counsellor workspace at /counsel/: the queue, a submission, and the actions on it."""

from __future__ import annotations

import csv
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from advisor.advice import content, matching
from advisor.counsel import rules
from advisor.counsel.forms import AssignForm, NoteForm, OverrideForm, QueueFilter
from advisor.counsel.models import AuditEvent, Note, Review, archetype_label
from profiles.two_factor_views import second_factor_required


def counsellor_required(view):
    """Visitors go to log in; members get 403; a counsellor signed in with a password
    alone is asked for the second factor (or to set it up). Never cached."""

    guarded = second_factor_required(view)

    @login_required
    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_counsellor:
            raise PermissionDenied
        return guarded(request, *args, **kwargs)

    return wrapped


def _filtered(request: HttpRequest):
    """The filter form, and the queue it selects (None when the filters are invalid)."""
    form = QueueFilter(request.GET)
    if not form.is_valid():
        return form, None
    return form, Review.objects.queue(counsellor=request.user, **form.cleaned_data)


@counsellor_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form, reviews = _filtered(request)
    if reviews is None:
        return render(request, "counsel/queue.html", {"form": form, "page": None}, status=400)
    page = Paginator(reviews, settings.COUNSEL_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    if request.htmx:
        return render(request, "counsel/queue.html#results", context)
    return render(request, "counsel/queue.html", context)


# A spreadsheet runs a cell that starts with one of these as a formula (=cmd|'/c calc'!A0).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A value as a CSV cell that no spreadsheet will run: a leading quote mark makes a
    would-be formula plain text (OWASP's advice on CSV injection)."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@counsellor_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    form, reviews = _filtered(request)
    if reviews is None:
        return render(request, "counsel/queue.html", {"form": form, "page": None}, status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leap-queue.csv"'
    response.write("\ufeff")  # a BOM, so that Excel reads the Chinese names as UTF-8
    writer = csv.writer(response)
    writer.writerow(["submission", "member", "submitted", "status", "archetype", "priority",
                     "high_strain", "assignee", "overdue", "review_opened"])  # fmt: skip
    # In one transaction: a server-side cursor lives only as long as its transaction,
    # which keeps it on one server connection behind PgBouncer in transaction mode.
    members = set()
    with transaction.atomic():
        for review in reviews.iterator(chunk_size=500):
            members.add(review.submission.owner_id)
            writer.writerow([csv_cell(value) for value in (
                review.submission_id, review.submission.owner.email,
                review.submission.created_at.isoformat(), review.status, review.archetype,
                review.priority, review.high_strain,
                review.assignee.email if review.assignee else "", review.is_overdue,
                review.created_at.isoformat(),
            )])  # fmt: skip
        rules.record(None, actor=request.user, action=AuditEvent.Action.EXPORTED,
                     detail=_export_detail(form.cleaned_data, members))  # fmt: skip
    return response


def _export_detail(filters: dict, members: set) -> str:
    """The export's filters for the audit trail. A search by member email is stored as the
    ids of the members it matched, never as the text searched for (docs/privacy.md)."""
    parts = [f"{name}={value}" for name, value in filters.items() if value and name != "q"]
    if filters.get("q"):
        parts.append(f"members={','.join(map(str, sorted(members)))}")
    return "&".join(parts)


# --- One submission -----------------------------------------------------------


def _get_review(submission_id) -> Review:
    """The review of a submission whose member consented; 404 for any other."""
    reviews = Review.objects.select_related("submission__owner", "assignee")
    return get_object_or_404(reviews, submission_id=submission_id)


def _render_review(request, review: Review, *, status: int = 200, **forms_and_message):
    submission = review.submission
    result = matching.rank(submission.answers)
    plans = submission.plans.order_by("-version")
    context = {
        "review": review,
        "submission": submission,
        "result": result,
        "best": result.best,
        "first_things": content.first_things(submission.answers),
        "plans": [(plan, archetype_label(plan.archetype)) for plan in plans],
        "notes": Note.objects.filter(submission=submission).select_related("author"),
        "history": AuditEvent.objects.filter(submission=submission).select_related(
            "actor", "assignee"
        ),
        "next_statuses": [s for s in Review.Status if review.can_move_to(s)],
        "note_form": forms_and_message.get("note_form") or NoteForm(),
        "override_form": forms_and_message.get("override_form")
        or OverrideForm(initial={"archetype": review.archetype}),
        "assign_form": forms_and_message.get("assign_form") or AssignForm(),
        "problem": forms_and_message.get("problem"),
        "changes": matching.what_would_change(submission.answers, result),
    }
    return render(request, "counsel/submission.html", context, status=status)


@counsellor_required
@require_GET
def submission_view(request: HttpRequest, submission_id) -> HttpResponse:
    review = _get_review(submission_id)
    rules.record_opening(review, counsellor=request.user)
    return _render_review(request, review)


def counsel_action(act):
    """A POST action on one review: `act(request, review)` returns the message to show, or
    a page of its own (a form with errors). A refusal is a 409 with the page and the
    reason, never a 500, and changes nothing."""

    @counsellor_required
    @require_POST
    @wraps(act)
    def view(request: HttpRequest, submission_id) -> HttpResponse:
        review = _get_review(submission_id)
        try:
            outcome = act(request, review)
        except rules.Refused as refusal:
            return _render_review(request, review, status=409, problem=str(refusal))
        if isinstance(outcome, HttpResponse):
            return outcome
        messages.success(request, outcome)
        return redirect("counsel_submission", review.submission_id)

    return view


@counsel_action
def claim(request: HttpRequest, review: Review):
    rules.claim(review, counsellor=request.user)
    return _("You have claimed this submission.")


@counsel_action
def assign(request: HttpRequest, review: Review):
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _render_review(request, review, status=400, assign_form=form)
    rules.assign(review, by=request.user, to=form.cleaned_data["counsellor"])
    return _("Assigned to %(who)s.") % {"who": form.cleaned_data["counsellor"]}


@counsel_action
def add_note(request: HttpRequest, review: Review):
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render_review(request, review, status=400, note_form=form)
    rules.add_note(review, author=request.user, **form.cleaned_data)
    if form.cleaned_data["shared"]:
        return _("Note saved and shared with the member.")
    return _("Private note saved.")


@counsel_action
def override(request: HttpRequest, review: Review):
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _render_review(request, review, status=400, override_form=form)
    plan = rules.override(review, by=request.user, **form.cleaned_data)
    return _("A new plan, version %(version)d, is being written.") % {"version": plan.version}


@counsel_action
def set_status(request: HttpRequest, review: Review):
    status = request.POST.get("status", "")
    if status not in Review.Status.values:
        return _render_review(
            request, review, status=400, problem=_("That is not a review status.")
        )
    rules.set_status(review, by=request.user, status=status)
    return _("Status: %(status)s.") % {"status": Review.Status(status).label}
