"""My plans: a member's submissions and their plan versions."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.db.models.fields.json import KT
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advisor.advice import catalogue, charts, content
from advisor.checkins.models import CheckIn
from advisor.checkins.versions import what_changed
from advisor.counsel.models import Note
from advisor.counsel.views import member_thread_context
from advisor.plans import checklist, lifecycle
from advisor.plans.calendar import milestones_calendar
from advisor.plans.forms import MilestoneForm
from advisor.plans.models import MilestoneProgress, Plan
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
    return _plans_page(request)


def _plans_page(request: HttpRequest, *, problem: str = "", picked=(), status=200):
    """My plans: one card per set of answers, its current version first, the earlier ones
    (each edit a version) folded under it with what changed. `problem` says why a
    comparison could not be made; `picked` are the versions ticked for it."""
    plans = (
        Plan.objects.order_by("-version")
        .defer("content")
        .annotate(close=KT("content__close"), milestone_count=KT("content__milestone_count"))
    )
    answer_sets = (
        Submission.objects.for_owner(request.user)
        .prefetch_related(Prefetch("plans", queryset=plans))
        .answer_sets()
    )
    separator = pgettext("between the items of a list", ", ")
    every_plan = [p for versions in answer_sets for s in versions for p in s.plans.all()]
    tallies = checklist.tallies(every_plan)
    ready = 0
    for versions in answer_sets:
        by_pk = {s.pk: s for s in versions}
        for submission in versions:
            _name_paths(submission.plans.all())
            for plan in submission.plans.all():
                plan.tally = tallies.get(plan.pk)
            ready += sum(plan.status == Plan.Status.READY for plan in submission.plans.all())
            earlier = by_pk.get(submission.previous_id)
            submission.changes = (
                separator.join(submission.changed_from(earlier)) if earlier else None
            )
    context = {
        "answer_sets": answer_sets,
        "can_compare": ready >= 2,
        "problem": problem,
        "picked": {str(pk) for pk in picked},
    }
    return render(request, "plans/plans.html", context, status=status)


def _name_paths(plans) -> None:
    """Give each plan `path_name`, its path as the page's language names it, and
    `language_name`, the language it is written in. Plans read with `close` annotated
    (KT("content__close")) need not load their content."""
    for plan in plans:
        close = getattr(plan, "close", None)
        if close is None and plan.content:
            close = plan.content.get("close")
        archetype = catalogue.by_slug(plan.archetype)
        if archetype is None or close in (False, "false"):
            plan.path_name = _("No close path yet")
        else:
            plan.path_name = str(archetype.name)
        plan.language_name = translation.get_language_info(plan.language)["name_translated"]


@login_required
@require_GET
@never_cache
def plan_view(request: HttpRequest, plan_id) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    context = {
        "plan": plan,
        "has_pdf": plan.pdf_status == Plan.PDFStatus.READY and plan.has_pdf,
    }
    if request.htmx and request.htmx.target == "plan-pdf":
        # A poll of the PDF's region, up to four a second: it shows the PDF's state only.
        return render(request, "plans/plan.html#pdf", context)
    context["charts"] = _charts(plan)
    # A version a check-in made says at its top what changed and why.
    context["changes"] = what_changed(plan)
    context.update(_checklist(plan))
    if request.htmx:
        # A poll of the plan's region, until the plan is written.
        return render(request, "plans/plan.html#body", context)
    return render(request, "plans/plan.html", _plan_page(plan, context))


def _plan_page(plan: Plan, context: dict) -> dict:
    """The whole plan page's context beyond the plan's own region."""
    # The counsellor's word, live: notes shared after the plan was written show too, and
    # the conversation, with the reply form while a question waits.
    context["shared_notes"] = Note.objects.filter(submission=plan.submission_id).shared()
    context |= member_thread_context(plan.submission)
    # A check-in that has come and is not answered yet: the email is not the only way in.
    context["checkin_due"] = (
        CheckIn.objects.for_member(plan.submission.owner_id)
        .filter(
            series=plan.submission.first_version(),
            due_on__lte=timezone.localdate(),
            answered_at=None,
            skipped="",
        )
        .order_by("-day")
        .first()
    )
    return context


def _checklist(plan: Plan, *, errors: dict | None = None) -> dict:
    """The checklist of a ready plan's milestones, with the member's progress, for its
    page; `errors` are a form's that failed ({key: form}), shown at their milestone with
    what was sent."""
    if plan.status != Plan.Status.READY:
        return {}
    items = checklist.items(plan)
    for item in items:
        form = (errors or {}).get(item.key)
        if form is not None:
            if form.data.get("status") in MilestoneProgress.Status.values:
                item.status = form.data["status"]
            item.note = form.data.get("note", item.note)
            with translation.override(plan.language):  # as the checklist speaks
                item.errors = [e for field_errors in form.errors.values() for e in field_errors]
    return {"checklist": items, "tally": checklist.tally(items)}


def _charts(plan: Plan) -> dict[str, charts.Chart]:
    """A ready plan's pictures, in the plan's language, like its text."""
    if plan.status != Plan.Status.READY or not plan.content:
        return {}
    with translation.override(plan.language):
        return charts.of(plan.content)


@login_required
@require_POST
def plan_milestone(request: HttpRequest, plan_id) -> HttpResponse:
    """Save the member's progress on one milestone: its item (and the count) in place for
    htmx, else back to the plan at that milestone (post, redirect, get)."""
    plan = _get_plan_for_user(request, plan_id)
    if plan.status != Plan.Status.READY:
        return _conflict(request, _("The milestones are not ready yet. They come with the plan."))
    key = request.POST.get("key", "")
    if not key:
        message = _("The form did not say which milestone it is about. Open the plan again.")
        return render(request, "plans/problem.html", {"message": message}, status=400)
    if key not in {m["key"] for m in checklist.steps(plan.content)}:
        raise Http404  # a milestone of no plan of theirs
    # The checklist speaks the plan's language, like the rest of the plan, errors too.
    with translation.override(plan.language):
        form = MilestoneForm(request.POST)
        valid = form.is_valid()
    if not valid:
        if request.htmx:
            return _milestone_region(request, plan, key, errors=form, status=422)
        context = {
            "plan": plan,
            "has_pdf": plan.pdf_status == Plan.PDFStatus.READY and plan.has_pdf,
            "charts": _charts(plan),
            **_checklist(plan, errors={key: form}),
        }
        messages.error(request, _("Your progress could not be saved: see the milestone below."))
        return render(request, "plans/plan.html", _plan_page(plan, context), status=422)
    checklist.record(plan, key, status=form.cleaned_data["status"], note=form.cleaned_data["note"])
    if request.htmx:
        return _milestone_region(request, plan, key)
    messages.success(request, _("Your progress is saved."))
    return redirect(reverse("plan", args=[plan.pk]) + f"#milestone-{key}")


def _milestone_region(
    request: HttpRequest, plan: Plan, key: str, *, errors=None, status: int = 200
) -> HttpResponse:
    """One milestone's item, for htmx to swap in place; when saved, the count too
    (out of band), which a screen reader then reads out."""
    context = _checklist(plan, errors=None if errors is None else {key: errors})
    context["plan"] = plan
    context["item"] = next(i for i in context["checklist"] if i.key == key)
    context["saved"] = errors is None
    with translation.override(plan.language):
        html = render_to_string("plans/checklist.html#item", context, request)
        if errors is None:
            html += render_to_string("plans/checklist.html#count", context, request)
    return HttpResponse(html, status=status)


@login_required
@require_POST
def plan_retry(request: HttpRequest, plan_id) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    if plan.status != Plan.Status.FAILED:
        return _conflict(
            request, _("Only a plan that failed can be tried again; this one has not.")
        )
    lifecycle.retry(plan)
    messages.info(request, _("We are writing your plan again."))
    return redirect("plan", plan.pk)


@login_required
@require_POST
def plan_regenerate(request: HttpRequest, submission_id) -> HttpResponse:
    """A new plan version for the same answers: after a failure, a deleted plan, or in the
    other language (`language`, else the page's)."""
    submission = get_object_or_404(Submission.objects.for_owner(request.user), pk=submission_id)
    language = known_language(request.POST.get("language", ""), default=request.LANGUAGE_CODE)
    try:
        plan = lifecycle.start(submission, language=language)
    except lifecycle.PlanInProgress as refusal:
        return _conflict(request, str(refusal))
    return redirect("plan", plan.pk)


@login_required
@require_GET
@never_cache
def plan_pdf(request: HttpRequest, plan_id) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    if plan.pdf_status != Plan.PDFStatus.READY or not plan.has_pdf:
        message = _("The PDF is not ready yet. It follows the plan within seconds.")
        return _conflict(request, message)
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


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def plan_delete(request: HttpRequest, plan_id) -> HttpResponse:
    """GET asks first, on a page of its own (no script needed); POST deletes."""
    plan = _get_plan_for_user(request, plan_id)
    if request.method == "GET":
        _name_paths((plan,))
        return render(request, "plans/delete.html", {"plan": plan})
    lifecycle.delete(Plan.objects.filter(pk=plan.pk))
    messages.success(request, _("The plan is deleted."))
    return redirect("plans")


@login_required
@require_GET
@never_cache
def plan_compare(request: HttpRequest) -> HttpResponse:
    ids = _uuids(request.GET.getlist("pick")) or []
    ticked = list(dict.fromkeys(ids))  # the same version ticked twice is one
    if len(ticked) != 2:
        # A form sent with the wrong number of ticks: My plans again, saying what to do.
        return _plans_page(request, problem=_ticks_problem(len(ticked)), picked=ticked)
    plans = Plan.objects.for_owner(request.user).select_related("submission")
    found = {p.pk: p for p in plans.filter(pk__in=ticked)}
    if len(found) != 2:
        raise Http404
    first, second = (found[i] for i in ticked)
    if first.status != Plan.Status.READY or second.status != Plan.Status.READY:
        return _conflict(request, _("Only plans that are ready can be compared."))
    _name_paths((first, second))
    sections = [plan.content["sections"] for plan in (first, second)]
    rewritten = first.language != second.language
    if rewritten:
        # In two languages every sentence differs, whatever the plans say: both are
        # written again from their answers in the page's language, to compare content.
        try:
            sections = [_written_again(plan) for plan in (first, second)]
        except ValueError:  # a path no longer in the catalogue: compare them as written
            rewritten = False
    rows = content.compare_sections(*sections)
    for row in rows:
        row["sides"] = list(zip((first, second), row["sides"], strict=True))
    context = {"sides": (first, second), "rows": rows, "rewritten": rewritten}
    return render(request, "plans/compare.html", context)


def _ticks_problem(ticked: int) -> str:
    if ticked == 0:
        return _("No plan version was ticked. Tick two to compare them.")
    if ticked == 1:
        return _("You ticked one plan version. Tick one more: plans are compared two by two.")
    return _("You ticked %(count)d plan versions. Tick two: plans are compared two by two.") % {
        "count": ticked
    }


def _written_again(plan: Plan) -> list[dict]:
    """A plan's sections written again from its answers in the active language, as its
    worker wrote it: for its path, chosen by the same person, with the same notes."""
    notes = next((s["items"] for s in plan.content["sections"] if s["key"] == "notes"), [])
    built = content.build(
        answers=plan.submission.answers,
        archetype=plan.archetype,
        by_counsellor=plan.by_counsellor,
        notes=notes,
        # Dated steps count from the day the plan was written, as its worker counted them.
        today=timezone.localdate(plan.finished_at or plan.created_at),
    )
    return built["sections"]


def _uuids(values: list[str]) -> list[uuid.UUID] | None:
    """The values as UUIDs, whatever their case or hyphens; None if one is not a UUID."""
    try:
        return [uuid.UUID(value) for value in values]
    except ValueError:
        return None
