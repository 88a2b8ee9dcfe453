"""The counsellor workspace at /counsel/: the queue, a submission, and the actions on it."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cached_property, lru_cache, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advisor.advice import content, matching
from advisor.counsel import rules, table
from advisor.counsel.emails import language_of
from advisor.counsel.forms import (
    AssignForm,
    CaseloadFilter,
    MessageForm,
    NoteForm,
    OverrideForm,
    QueueFilter,
    SavedReplyForm,
)
from advisor.counsel.models import AuditEvent, Message, Note, Review, SavedReply, archetype_label
from profiles.models import Submission
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
    filters = {k: v for k, v in form.cleaned_data.items() if k != "after"}
    return form, Review.objects.queue(counsellor=request.user, **filters)


# Counted up to here, and "more than" beyond: a count stops early, where counting
# 100,000 reviews on every page view would cost more than the page.
COUNT_LIMIT = 1000


@dataclass
class Page:
    """One page of a queue, found from the row before it (keyset pagination): no OFFSET
    and no count of every row, so page 400 of 100,000 reviews costs what page 1 does."""

    rows: list[Review]
    first: bool  # no page before it
    next_after: str  # the last row's id, where the next page starts; "" on the last page
    total: int  # how many the filters select, up to COUNT_LIMIT + 1

    @property
    def count_limit(self) -> int:
        return COUNT_LIMIT

    @property
    def more_than_counted(self) -> bool:
        return self.total > COUNT_LIMIT

    @cached_property
    def html(self):
        return table.rows(self.rows)


def _page(reviews, *, sort: str, after) -> Page:
    size = settings.COUNSEL_PAGE_SIZE
    total = reviews.order_by()[: COUNT_LIMIT + 1].count()
    if after:
        reviews = reviews.after(sort or "priority", after)
    rows = list(reviews[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(
        rows=rows, first=not after, next_after=str(rows[-1].pk) if more else "", total=total
    )


def _render_queue(request, template: str, form, reviews, **context) -> HttpResponse:
    if reviews is None:
        return render(request, template, {"form": form, "page": None, **context}, status=400)
    data = form.cleaned_data
    context |= {"form": form, "page": _page(reviews, sort=data["sort"], after=data["after"])}
    if request.htmx:
        return render(request, f"{template}#results", context)
    context["filter_fields"] = _filter_fields(type(form), get_language(), _choices(form))
    return render(request, template, context)


def _choices(form) -> str:
    """The filters a valid form holds, as a query string in a fixed order."""
    chosen = ((name, form.data.get(name, "")) for name in form.fields if name != "after")
    return urlencode([(name, value) for name, value in chosen if value])


@lru_cache(maxsize=256)
def _filter_fields(form_class, language: str, choices: str) -> str:
    """A valid filter form's fields as HTML. They depend on nothing but the filters
    chosen and the language, and rendering their forty-odd options cost more than the
    queue's rows and query together (bench/counsel_queue.py): so once per process."""
    form = form_class(QueryDict(choices))
    form.is_valid()
    with translation.override(language):
        return render_to_string("includes/form_fields.html", {"form": form})


@counsellor_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form, reviews = _filtered(request)
    return _render_queue(request, "counsel/queue.html", form, reviews)


@counsellor_required
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """My caseload: the reviews I claimed or was given, by status."""
    form = CaseloadFilter(request.GET)
    mine = Review.objects.caseload(request.user)
    by_status = dict(mine.values_list("status").annotate(total=Count("pk")).order_by())
    statuses = [(status, by_status.get(status.value, 0)) for status in Review.Status]
    reviews = None
    if form.is_valid():
        reviews = Review.objects.queue(
            counsellor=request.user,
            assigned="me",
            status=form.cleaned_data["status"],
            sort=form.cleaned_data["sort"],
        )
    total = sum(count for _status, count in statuses)
    return _render_queue(
        request, "counsel/caseload.html", form, reviews, statuses=statuses, total=total
    )


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


def _inserted(request: HttpRequest, review: Review) -> dict:
    """A saved reply chosen to go into the question or note box (`?reply=ID&into=ask`),
    in the member's language: the boxes' initial text. Works without JavaScript (the
    choice reloads the page); another counsellor's reply is not found."""
    reply_id, into = request.GET.get("reply", ""), request.GET.get("into", "")
    if not reply_id.isdigit() or into not in ("ask", "note"):
        return {}
    saved = SavedReply.objects.of(request.user).filter(pk=reply_id).first()
    if saved is None:
        return {}
    return {into: saved.text_in(language_of(review.submission))}


def _render_review(request, review: Review, *, status: int = 200, **forms_and_message):
    submission = review.submission
    result = matching.rank(submission.answers)
    plans = submission.plans.order_by("-version")
    inserted = _inserted(request, review) if request.method == "GET" else {}
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
        # "Awaiting member" comes with a question: the question form, not a button.
        "next_statuses": [
            s for s in Review.Status if review.can_move_to(s) and s != Review.Status.AWAITING_MEMBER
        ],
        "note_form": forms_and_message.get("note_form")
        or NoteForm(initial={"text": inserted.get("note", "")}),
        "ask_form": forms_and_message.get("ask_form")
        or MessageForm(label=_("Your question"), initial={"text": inserted.get("ask", "")}),
        "can_ask": review.can_move_to(Review.Status.AWAITING_MEMBER),
        "thread": Message.objects.thread(submission),
        "saved_replies": SavedReply.objects.of(request.user),
        "member_language": language_of(submission),
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


@counsel_action
def ask(request: HttpRequest, review: Review):
    form = MessageForm(request.POST, label=_("Your question"))
    if not form.is_valid():
        return _render_review(request, review, status=400, ask_form=form)
    rules.ask(review, by=request.user, **form.cleaned_data)
    return _("Your question is sent. The review waits for the member's reply.")


# --- Saved replies --------------------------------------------------------------


def _get_saved_reply(request: HttpRequest, reply_id) -> SavedReply:
    """The counsellor's own saved reply; 404 for anyone else's."""
    return get_object_or_404(SavedReply.objects.of(request.user), pk=reply_id)


@counsellor_required
@require_http_methods(["GET", "POST"])
def saved_replies(request: HttpRequest) -> HttpResponse:
    """My saved replies, and a form for a new one."""
    form = SavedReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.owner = request.user
        form.save()
        messages.success(request, _("Saved reply added."))
        return redirect("counsel_saved_replies")
    context = {"replies": SavedReply.objects.of(request.user), "form": form}
    return render(request, "counsel/saved_replies.html", context, status=_form_status(form))


@counsellor_required
@require_http_methods(["GET", "POST"])
def saved_reply(request: HttpRequest, reply_id) -> HttpResponse:
    saved = _get_saved_reply(request, reply_id)
    form = SavedReplyForm(request.POST or None, instance=saved)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved reply changed."))
        return redirect("counsel_saved_replies")
    context = {"saved": saved, "form": form}
    return render(request, "counsel/saved_reply.html", context, status=_form_status(form))


@counsellor_required
@require_POST
def delete_saved_reply(request: HttpRequest, reply_id) -> HttpResponse:
    _get_saved_reply(request, reply_id).delete()
    messages.success(request, _("Saved reply deleted."))
    return redirect("counsel_saved_replies")


def _form_status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


# --- The member's side of the conversation --------------------------------------


def _get_submission_for_member(request: HttpRequest, submission_id) -> Submission:
    """The member's own submission; 404 for anyone else's."""
    return get_object_or_404(Submission.objects.for_owner(request.user), pk=submission_id)


def member_thread_context(submission) -> dict:
    """What the member's plan page shows of the conversation (templates/counsel/thread.html)."""
    review = Review.objects.filter(submission=submission).first()
    return {
        "review": review,
        "thread": Message.objects.thread(submission),
        "reply_form": MessageForm(),
        "awaiting_reply": review is not None and review.status == Review.Status.AWAITING_MEMBER,
    }


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def conversation(request: HttpRequest, submission_id) -> HttpResponse:
    """The member's conversation with their counsellor: read it, and reply to a question.
    The plan page shows the same thread and form; a reply with a problem comes here."""
    submission = _get_submission_for_member(request, submission_id)
    context = {"submission": submission, **member_thread_context(submission)}
    if request.method == "GET":
        return render(request, "counsel/conversation.html", context)
    form = MessageForm(request.POST)
    if not form.is_valid():
        context["reply_form"] = form
        return render(request, "counsel/conversation.html", context, status=400)
    try:
        rules.reply(submission, member=request.user, **form.cleaned_data)
    except rules.Refused as refusal:
        context["problem"] = str(refusal)
        return render(request, "counsel/conversation.html", context, status=409)
    messages.success(request, _("Your reply is sent to your counsellor."))
    plan = submission.plans.newest()
    if plan is None:
        return redirect("conversation", submission.pk)
    return redirect(reverse("plan", args=[plan.pk]) + "#conversation")
