"""My plans: a member's submissions, their plan versions, and their own data."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from icalendar import Calendar, Event

from advisor.models import Note, Plan, Review
from profiles import privacy
from profiles.forms import DeleteAccountForm
from profiles.language import known_language
from profiles.models import Submission


def _get_plan_for_user(request: HttpRequest, plan_id) -> Plan:
    """The member's own plan, or 404: another member's plan does not exist for them."""
    plans = Plan.objects.for_owner(request.user).select_related("submission")
    return get_object_or_404(plans, pk=plan_id)


def _conflict(request: HttpRequest, message: str) -> HttpResponse:
    """409: the request is understood, but the plan is not in a state that allows it."""
    return render(request, "plans/problem.html", {"message": message}, status=409)


@login_required
@require_GET
@never_cache
def plans_view(request: HttpRequest) -> HttpResponse:
    submissions = Submission.objects.for_owner(request.user).prefetch_related(
        Prefetch("plans", queryset=Plan.objects.order_by("-version").defer("content"))
    )
    return render(request, "plans/plans.html", {"submissions": submissions})


@login_required
@require_GET
@never_cache
def plan_view(request: HttpRequest, plan_id) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    context = {
        "plan": plan,
        "has_pdf": plan.status == Plan.Status.READY and _has_pdf(plan),
        # The counsellor's word, live: notes shared after the plan was written show too.
        "shared_notes": Note.objects.filter(submission=plan.submission_id, shared=True),
        "review": Review.objects.filter(submission=plan.submission_id).first(),
    }
    if request.htmx:
        # The poll: the status region only, which stops polling once the plan is finished.
        return render(request, "plans/plan.html#body", context)
    return render(request, "plans/plan.html", context)


def _has_pdf(plan: Plan) -> bool:
    return hasattr(plan, "pdf")


@login_required
@require_POST
def plan_retry(request: HttpRequest, plan_id) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    if plan.status != Plan.Status.FAILED:
        return _conflict(
            request, _("Only a plan that failed can be tried again; this one has not.")
        )
    plan.retry()
    messages.info(request, _("We are writing your plan again."))
    return redirect("plan", plan.pk)


@login_required
@require_POST
def plan_regenerate(request: HttpRequest, submission_id) -> HttpResponse:
    """A new plan version for the same answers: after a failure, a deleted plan, or in the
    other language (`language`, else the page's)."""
    submission = get_object_or_404(Submission.objects.for_owner(request.user), pk=submission_id)
    language = known_language(request.POST.get("language", ""), default=request.LANGUAGE_CODE)
    with transaction.atomic():
        submission.lock()  # a double click: the second waits, then finds the first's plan
        if submission.plans.exclude(status__in=[Plan.Status.READY, Plan.Status.FAILED]).exists():
            return _conflict(request, _("A plan for these answers is already being written."))
        plan = submission.start_plan(language=language)
    return redirect("plan", plan.pk)


@login_required
@require_GET
@never_cache
def plan_pdf(request: HttpRequest, plan_id) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    if plan.status != Plan.Status.READY or not _has_pdf(plan):
        return _conflict(request, _("The PDF is not ready yet. It comes with the plan."))
    response = HttpResponse(bytes(plan.pdf.data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="leap-plan-v{plan.version}.pdf"'
    return response


@login_required
@require_GET
@never_cache
def plan_ics(request: HttpRequest, plan_id) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    if plan.status != Plan.Status.READY:
        return _conflict(request, _("The milestones are not ready yet. They come with the plan."))
    response = HttpResponse(milestones_calendar(plan), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leap-plan-v{plan.version}.ics"'
    return response


def milestones_calendar(plan: Plan) -> bytes:
    """The 30/60/90-day milestones as all-day events, counted from the end of any rest."""
    start = (plan.finished_at or timezone.now()).date() + timedelta(
        days=30 * plan.content.get("rest_months", 0)
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Leap//Plan milestones//EN")
    calendar.add("version", "2.0")
    section = next(s for s in plan.content["sections"] if s["key"] == "milestones")
    for number, milestone in enumerate(section["milestones"], start=1):
        event = Event()
        event.add("uid", f"{plan.pk}-{number}@leap")
        event.add("dtstamp", plan.finished_at or timezone.now())
        event.add("dtstart", start + timedelta(days=milestone["day"]))
        event.add("summary", _("Leap, day %(day)d: %(text)s") % milestone)
        calendar.add_component(event)
    return calendar.to_ical()


@login_required
@require_POST
def plan_delete(request: HttpRequest, plan_id) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    privacy.delete_plans(Plan.objects.filter(pk=plan.pk))
    messages.success(request, _("The plan is deleted."))
    return redirect("plans")


@login_required
@require_GET
@never_cache
def plan_compare(request: HttpRequest) -> HttpResponse:
    ids = _uuids(request.GET.getlist("pick"))
    if ids is None or len(set(ids)) != 2:
        return render(
            request,
            "plans/problem.html",
            {"message": _("Choose two different plans to compare.")},
            status=400,
        )
    found = {p.pk: p for p in Plan.objects.for_owner(request.user).filter(pk__in=ids)}
    if len(found) != 2:
        raise Http404
    first, second = (found[i] for i in ids)
    if first.status != Plan.Status.READY or second.status != Plan.Status.READY:
        return _conflict(request, _("Only plans that are ready can be compared."))
    return render(
        request,
        "plans/compare.html",
        {"first": first, "second": second, "rows": compare_sections(first, second)},
    )


def _uuids(values: list[str]) -> list[uuid.UUID] | None:
    """The values as UUIDs, whatever their case or hyphens; None if one is not a UUID."""
    try:
        return [uuid.UUID(value) for value in values]
    except ValueError:
        return None


def compare_sections(first: Plan, second: Plan) -> list[dict]:
    """Both plans' sections side by side, in the order they come, each marked as changed."""
    left = {s["key"]: s for s in first.content["sections"]}
    right = {s["key"]: s for s in second.content["sections"]}
    keys = list(left) + [k for k in right if k not in left]
    return [
        {
            "key": key,
            "title": (left.get(key) or right[key])["title"],
            "sides": [(first, left.get(key)), (second, right.get(key))],
            "changed": left.get(key) != right.get(key),
        }
        for key in keys
    ]


# --- Privacy ------------------------------------------------------------------


@login_required
@require_GET
@never_cache
def account_view(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/account.html", {"form": DeleteAccountForm(request.user)})


@login_required
@require_GET
@never_cache
def export_view(request: HttpRequest) -> HttpResponse:
    data = json.dumps(
        privacy.export(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leap-my-data.json"'
    return response


@login_required
@require_http_methods(["POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST)
    if not form.is_valid():
        return render(request, "plans/account.html", {"form": form}, status=400)
    user = request.user
    logout(request)
    privacy.delete_account(user)
    messages.success(request, _("Your account and everything in it are deleted."))
    return redirect("home")
