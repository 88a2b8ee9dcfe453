"""The questionnaire: steps, inline checks, review and submit, and submissions.

Every step is a plain POST form; with htmx the same views answer with the
page's named partial and push the step's URL.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import (
    HttpResponseClientRedirect,
    HttpResponseStopPolling,
    push_url,
    reswap,
    retarget,
)

from advisor.advice import content, matching, questionnaire
from advisor.members.submit import submit
from profiles.forms import StepForm, SubmitForm, step_url
from profiles.language import remember_language
from profiles.models import Draft, Submission
from profiles.redirects import safe_next

SESSION_DRAFT = "draft_id"
# A visitor's draft, after logging in to an account with other answers: which to keep?
SESSION_DRAFT_TO_CHOOSE = "draft_to_choose"


def current_draft(request: HttpRequest) -> Draft | None:
    """The draft of this member, or of this visitor's session."""
    if request.user.is_authenticated:
        return Draft.objects.of_member(request.user)
    draft_id = request.session.get(SESSION_DRAFT)
    return Draft.objects.of_visitor(draft_id) if draft_id else None


def _create_draft(request: HttpRequest) -> Draft:
    if request.user.is_authenticated:
        return Draft.objects.create(owner=request.user)
    if request.session.session_key is None:
        request.session.save()  # the draft is deleted with this session
    draft = Draft.objects.create(session_key=request.session.session_key)
    request.session[SESSION_DRAFT] = str(draft.pk)
    return draft


def adopt_session_draft(request: HttpRequest) -> bool:
    """After sign-up or log-in, the visitor's draft becomes the member's.

    When the account already holds other answers, neither silently replaces the other:
    the visitor's draft waits in the session for the member to choose (`choose_draft`).
    Answers whether that choice is to be made.
    """
    draft_id = request.session.pop(SESSION_DRAFT, None)
    visitor = Draft.objects.filter(pk=draft_id, owner=None).first() if draft_id else None
    if visitor is None:
        return False
    saved = Draft.objects.filter(owner=request.user).first()
    if saved is not None and saved.answers and not visitor.answers:
        visitor.delete()  # an empty draft is nothing to choose
        return False
    if saved is None or not saved.answers or saved.answers == visitor.answers:
        visitor.adopt(request.user)
        return False
    # Logging in gave the session a new key: the draft lives with that one until chosen.
    visitor.session_key = request.session.session_key
    visitor.save(update_fields=["session_key", "updated_at"])
    request.session[SESSION_DRAFT_TO_CHOOSE] = str(visitor.pk)
    return True


def _draft_to_choose(request: HttpRequest) -> Draft | None:
    draft_id = request.session.get(SESSION_DRAFT_TO_CHOOSE)
    return Draft.objects.filter(pk=draft_id, owner=None).first() if draft_id else None


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def choose_draft(request: HttpRequest) -> HttpResponse:
    """Which answers to keep: those given before logging in, or those on the account."""
    visitor, saved = _draft_to_choose(request), current_draft(request)
    next_url = safe_next(request)
    if visitor is None or saved is None:
        request.session.pop(SESSION_DRAFT_TO_CHOOSE, None)
        return redirect(next_url)
    if request.method == "GET":
        choices = [
            ("new", _("The answers you just gave"), _summary(visitor)),
            ("saved", _("The answers saved on your account"), _summary(saved)),
        ]
        context = {"choices": choices, "next": next_url}
        return render(request, "questionnaire/choose_draft.html", context)
    keep = request.POST.get("keep")
    if keep not in ("new", "saved"):
        return _bad_request(request, _("Please choose which answers to keep."))
    if keep == "new":
        visitor.adopt(request.user)
        messages.success(request, _("You kept the answers you just gave."))
    else:
        visitor.delete()
        messages.success(request, _("You kept the answers saved on your account."))
    del request.session[SESSION_DRAFT_TO_CHOOSE]
    return redirect(next_url)


def _summary(draft: Draft) -> dict:
    rows = questionnaire.answer_rows(draft.answers)
    return {
        "updated_at": draft.updated_at,
        "rows": [(step, answers) for step, answers in rows if answers],
        "answered": sum(1 for _step, answers in rows if answers),
        "total": len(questionnaire.STEPS),
    }


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    response = render(request, "questionnaire/problem.html", {"message": message}, status=400)
    if request.htmx:
        # A whole page: it replaces the page's body, not the form it came from.
        response = reswap(retarget(response, "body"), "innerHTML")
    return response


def _rejected(request: HttpRequest) -> int:
    """The status of a form sent back with errors: 400, or 422 for htmx swaps.

    In DEBUG, django-htmx's helper script takes over every 400 answer to an htmx
    request and shows it as a whole page; 422 (a form with errors) is swapped in place.
    """
    return 422 if request.htmx else 400


def _step_url(step: questionnaire.Step) -> str:
    return step_url("questionnaire_step", step)


def _done(answers: dict) -> set[str]:
    """The steps the progress bar marks done: answered, and complete."""
    return {
        step.slug
        for step in questionnaire.STEPS
        if step.keys & answers.keys() and questionnaire.step_complete(step, answers)
    }


def _render_step(request, step, form, draft, *, status=200):
    return_to_review = (
        request.GET.get("return") == "review" or request.POST.get("return") == "review"
    )
    context = {
        "step": step,
        "steps": questionnaire.STEPS,
        "done": _done(draft.answers if draft else {}),
        "form": form,
        "draft": draft,
        "return_to_review": return_to_review,
        # The language switcher posts this step's answers along, so none is lost.
        "switch_with_form": "step-form",
        "here": _step_url(step) + ("?return=review" if return_to_review else ""),
    }
    template = (
        "questionnaire/step.html#questionnaire" if request.htmx else "questionnaire/step.html"
    )
    return render(request, template, context, status=status)


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Resume at the first unanswered step, or at the review when all are answered."""
    draft = current_draft(request)
    step = questionnaire.first_unanswered_step(draft.answers if draft else {})
    return redirect(_step_url(step) if step else reverse("questionnaire_review"))


@require_http_methods(["GET", "POST"])
@never_cache
def step_view(request: HttpRequest, slug: str) -> HttpResponse:
    step = questionnaire.STEPS_BY_SLUG.get(slug)
    if step is None:
        return _bad_request(request, _("There is no questionnaire step called “%s”.") % slug[:40])

    if request.method == "GET":
        draft = current_draft(request)
        form = StepForm(step, answers=draft.answers if draft else {})
        return _render_step(request, step, form, draft)

    draft = current_draft(request)
    posted_id = request.POST.get("draft_id", "")
    if posted_id and (draft is None or posted_id != str(draft.pk)):
        return _bad_request(
            request,
            _(
                "This form belongs to another questionnaire, or your session has expired. "
                "Nothing was saved. Reload the page to carry on with your own answers."
            ),
        )
    draft = draft or _create_draft(request)
    form = StepForm(step, request.POST, answers=draft.answers)
    if "language" in request.POST:
        # The language switcher: keep what is valid so far, and come back to this step.
        form.is_valid()
        draft.save_step(step, _valid_part(form))
        url = _step_url(step) + ("?return=review" if request.POST.get("return") == "review" else "")
        response = HttpResponseClientRedirect(url) if request.htmx else redirect(url)
        return remember_language(request, response, request.POST["language"])
    going_back = request.POST.get("nav") == "back"
    valid = form.is_valid()
    if valid and form.new_questions and not going_back:
        # The answers bring follow-up questions the page did not show: keep what is
        # answered, and ask them on the same step.
        draft.save_step(step, form.answers())
        return _render_step(request, step, form, draft)
    if valid or (going_back and form.has_only_missing_answers()):
        draft.save_step(step, form.answers() if valid else _valid_part(form))
        return _after_save(request, step, draft, going_back)
    return _render_step(request, step, form, draft, status=_rejected(request))


def _valid_part(form: StepForm) -> dict:
    """What can be kept from a step left with blanks when going Back."""
    return {k: v for k, v in form.answers().items() if k not in form.errors}


@require_POST
@never_cache
def autosave(request: HttpRequest, slug: str) -> HttpResponse:
    """htmx: keep a step's answers as they are given, so that a reload loses nothing.

    Posted a moment after the person stops changing the step (its `hx-trigger` delay),
    it saves what is valid, as Back does, and keeps the saved answer to a question whose
    new value is not valid yet (a number half typed). It answers 204 and changes nothing
    on the page, so, like the inline check, it never replaces a control. A form of
    another draft saves nothing (409); the step's own save then says why.
    """
    step = questionnaire.STEPS_BY_SLUG.get(slug)
    if step is None:
        return _bad_request(request, _("There is no questionnaire step called “%s”.") % slug[:40])
    draft = current_draft(request)
    posted_id = request.POST.get("draft_id", "")
    if posted_id and (draft is None or posted_id != str(draft.pk)):
        return HttpResponse(status=409)
    draft = draft or _create_draft(request)
    form = StepForm(step, request.POST, answers=draft.answers)
    form.is_valid()
    draft.save_step(step, _autosaved_part(form, draft.answers))
    return HttpResponse(status=204)


def _autosaved_part(form: StepForm, saved: dict) -> dict:
    """The valid answers, and the saved one where the new value is wrong rather than blank."""
    wrong = [
        key
        for key, errors in form.errors.as_data().items()
        if any(error.code != "required" for error in errors)
    ]
    return {**{k: saved[k] for k in wrong if k in saved}, **_valid_part(form)}


def _after_save(request, step, draft, going_back: bool) -> HttpResponse:
    index = questionnaire.STEPS.index(step)
    if going_back:
        target = questionnaire.STEPS[index - 1] if index > 0 else step
    elif request.POST.get("return") == "review" or index + 1 == len(questionnaire.STEPS):
        target = None
    else:
        target = questionnaire.STEPS[index + 1]
    url = _step_url(target) if target else reverse("questionnaire_review")
    if not request.htmx:
        return redirect(url)
    if target is None:
        return push_url(_render_review(request, draft), url)
    form = StepForm(target, answers=draft.answers)
    return push_url(_render_step(request, target, form, draft), url)


@require_POST
@never_cache
def check(request: HttpRequest, slug: str) -> HttpResponse:
    """htmx: check one answer as it is given, without saving anything.

    Answers, out of band, the changed question's error (or none), and the slot of each
    question that depends on it and has appeared or vanished with the answer: one the page
    shows (it posts a `shown` marker) that still applies is left alone. No control on
    the page is ever replaced, so a check that lands while the person ticks a box, types
    or tabs on cannot undo a tick, move the focus or split a group of radios; and the
    slot of the question answered stays, so a newer check of it replaces an older one
    (its hx-sync). Out of band, what lands is found by id on the page as it is then.
    """
    step = questionnaire.STEPS_BY_SLUG.get(slug)
    changed = request.htmx.trigger_name if request.htmx else None
    if step is None or changed not in step.keys:
        return _bad_request(request, _("There is no such question on this step."))
    draft = current_draft(request)
    form = StepForm(step, request.POST, answers=draft.answers if draft else {})
    form.is_valid()
    shown = set(request.POST.getlist("shown"))
    appeared_or_vanished = [
        q
        for q in step.questions
        if q.shows_when
        and changed in q.shows_when.keys
        and (q in form.applicable) != (q.key in shown)
    ]
    html = [render_to_string(ERRORS, {"field": form[changed]}, request)]
    html += [
        render_to_string(SLOT, {**form.slot(q), "oob": True}, request) for q in appeared_or_vanished
    ]
    return HttpResponse("".join(html))


SLOT = "questionnaire/step.html#slot"
ERRORS = "questionnaire/step.html#errors"


def _consent_kept(draft: Draft | None) -> dict:
    """Editing answers keeps the consent to counsellor review that the member gave for
    the answers they edit: the box comes ticked as they left it, and only unticking it
    withdraws it for the new version (docs/counselling.md)."""
    if draft is None or draft.based_on is None:
        return {}
    return {"consent_review": draft.based_on.consent_review}


def _render_review(request: HttpRequest, draft: Draft | None, *, form=None, status=200):
    answers = draft.answers if draft else {}
    context = {
        "draft": draft,
        "rows": questionnaire.answer_rows(answers),
        "problems": questionnaire.validate(answers),
        # An edit that changes nothing would only be a copy of the answers it edits.
        "unchanged": draft.based_on if draft and draft.unchanged else None,
        "form": form or SubmitForm(initial=_consent_kept(draft)),
        "steps": questionnaire.STEPS,
        "done": _done(answers),
        # After an htmx step the request's own path is the step's, not this page's.
        "here": reverse("questionnaire_review"),
    }
    template = (
        "questionnaire/review.html#questionnaire" if request.htmx else "questionnaire/review.html"
    )
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@never_cache
def review(request: HttpRequest) -> HttpResponse:
    draft = current_draft(request)
    if request.method == "GET":
        # Back after submitting: the draft is now a submission, and its result is what
        # these answers lead to (an empty review read as if nothing was saved).
        latest = None
        if draft is None and request.user.is_authenticated:
            latest = Submission.objects.for_owner(request.user).first()
        if latest is not None:
            messages.info(
                request,
                _("These answers are submitted. To change them, choose “Edit these answers”."),
            )
            return redirect("submission", latest.pk)
        return _render_review(request, draft)

    if not request.user.is_authenticated:
        return _bad_request(
            request, _("Please sign up or log in to submit; your answers are kept.")
        )
    posted_id = request.POST.get("draft_id", "")
    if draft is None or posted_id != str(draft.pk):
        # A second click on Submit: the first one already made the submission.
        done = Submission.objects.for_owner(request.user).filter(draft_token=_uuid(posted_id))
        if submission := done.first():
            return _go(request, reverse("submission", args=[submission.pk]))
        return _bad_request(request, _("This questionnaire was not found. Nothing was submitted."))
    form = SubmitForm(request.POST)
    if questionnaire.validate(draft.answers) or draft.unchanged or not form.is_valid():
        return _render_review(request, draft, form=form, status=_rejected(request))
    submission = submit(
        draft, consent_review=form.cleaned_data["consent_review"], language=request.LANGUAGE_CODE
    )
    messages.success(request, _("Thank you. Your answers are submitted."))
    return _go(request, reverse("submission", args=[submission.pk]))


def _uuid(value: str) -> uuid.UUID | None:
    """A posted id as a UUID, or None for anything else (`not-a-uuid` was a 500)."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _go(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_http_methods(["GET", "POST"])
@never_cache
def restart(request: HttpRequest) -> HttpResponse:
    """Start over: the page asks first (without JavaScript too), its form clears the answers."""
    draft = current_draft(request)
    if request.method == "GET":
        return render(request, "questionnaire/restart.html", {"draft": draft})
    if draft is not None:
        draft.start_over()
    messages.info(request, _("Your answers were cleared. Start again whenever you like."))
    return redirect(_step_url(questionnaire.STEPS[0]))


def _get_submission_for_user(request: HttpRequest, submission_id) -> Submission:
    return get_object_or_404(Submission.objects.for_owner(request.user), pk=submission_id)


@login_required
@require_GET
@never_cache
def submission_view(request: HttpRequest, submission_id) -> HttpResponse:
    submission = _get_submission_for_user(request, submission_id)
    context = {"submission": submission, "plan": submission.plans.first()}
    if request.htmx:
        if context["plan"] is None:  # deleted meanwhile, in another tab
            return HttpResponseStopPolling()
        # The poll: the plan's status only, which stops polling once the plan is finished.
        return render(request, "questionnaire/submission.html#plan_status", context)
    versions = next(
        v for v in Submission.objects.for_owner(request.user).answer_sets() if submission in v
    )
    context["latest"] = versions[0] if versions[0] != submission else None
    context["result"] = matching.rank(submission.answers)
    context["first_things"] = content.first_things(submission.answers)
    context["changes"] = matching.what_would_change(submission.answers, context["result"])
    return render(request, "questionnaire/submission.html", context)


@login_required
@require_POST
def edit_submission(request: HttpRequest, submission_id) -> HttpResponse:
    submission = _get_submission_for_user(request, submission_id)
    submission.start_revision()
    messages.info(request, _("Your earlier answers are loaded. Submitting makes a new version."))
    return redirect("questionnaire_review")
