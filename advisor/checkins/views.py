"""The member's check-in page, and the unsubscribe link that works without logging in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from advisor.checkins import changes, sweep
from advisor.checkins.forms import CheckInForm
from advisor.checkins.models import CheckIn, Unsubscribed
from advisor.members import checkins
from advisor.plans import lifecycle


def _get_checkin_for_user(request: HttpRequest, checkin_id) -> CheckIn:
    """The member's own check-in that has come, or 404: another member's does not exist
    for them, nor does one whose day is still ahead."""
    found = CheckIn.objects.for_member(request.user).select_related(
        "plan__submission", "new_plan__submission", "member"
    )
    checkin = get_object_or_404(found, pk=checkin_id)
    if not checkin.answered and not checkin.open:
        raise Http404
    return checkin


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def checkin_view(request: HttpRequest, checkin_id) -> HttpResponse:
    checkin = _get_checkin_for_user(request, checkin_id)
    if checkin.answered:
        return render(request, "checkins/checkin.html", _result(checkin))
    plan = checkins.plan_to_check(checkin)
    if plan is None:
        message = _("There is no plan to check in on: write one from your answers first.")
        return render(request, "plans/problem.html", {"message": message}, status=409)
    form = CheckInForm(request.POST or None, answers=plan.submission.answers)
    if request.method == "POST" and form.is_valid():
        try:
            checkins.answer(checkin, answers=form.checkin_answers(), language=request.LANGUAGE_CODE)
        except lifecycle.PlanInProgress as refusal:
            return render(request, "plans/problem.html", {"message": str(refusal)}, status=409)
        return redirect("checkin", checkin.pk)
    status = 422 if form.errors else 200
    context = {"checkin": checkin, "plan": plan, "form": form}
    return render(request, "checkins/checkin.html", context, status=status)


def _result(checkin: CheckIn) -> dict:
    """What the answered check-in says: plan B's switch points against the new answers,
    and the new plan version it made."""
    context = {"checkin": checkin, "new_plan": checkin.new_plan}
    plan = checkin.plan
    if plan is not None:
        after = changes.apply(plan.submission.answers, checkin.answers)
        context["switches"] = changes.switch_check(
            after, archetype=plan.archetype, by_counsellor=plan.by_counsellor, day=checkin.day
        )
    return context


@csrf_exempt  # the signed token is the authority; mail clients' one-click POST has no CSRF
@require_http_methods(["GET", "POST"])
@never_cache
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a mail scanner that follows links changes nothing); POST stops the
    check-in emails, or starts them again (`again`). No log-in: the link's token says
    who it is for."""
    member = sweep.member_of(token)
    if member is None:
        raise Http404
    if request.method == "POST":
        if request.POST.get("again"):
            sweep.resubscribe(member)
        else:
            sweep.unsubscribe(member)
        return redirect("checkin_unsubscribe", token)
    stopped = Unsubscribed.objects.filter(member=member).exists()
    return render(request, "checkins/unsubscribe.html", {"stopped": stopped, "token": token})
