from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from advisor.advice import catalogue, questionnaire
from advisor.health import run_checks
from advisor.plans.models import Plan
from profiles.questionnaire_views import current_draft


@never_cache  # it may show a person's draft and plan
@require_safe  # GET, and HEAD for monitors and link checkers
def home(request: HttpRequest) -> HttpResponse:
    """The front page, which knows where you left off: a draft to continue, the latest plan."""
    draft = current_draft(request)
    context = {
        "archetypes": catalogue.archetypes(),
        "draft": draft if draft and draft.answers else None,
    }
    if context["draft"]:
        context["resume_step"] = questionnaire.first_unanswered_step(draft.answers)
    if request.user.is_authenticated:
        plan = Plan.objects.for_owner(request.user).defer("content").first()
        context["plan"] = plan
        context["plan_path"] = catalogue.by_slug(plan.archetype) if plan else None
    return render(request, "home.html", context)


@require_GET
def story(request: HttpRequest, slug: str) -> HttpResponse:
    """A path's story, told only from its archetype file and the article it quotes."""
    archetype = catalogue.by_slug(slug)
    if archetype is None:
        raise Http404
    return render(request, "advice/story.html", {"archetype": archetype})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    down = [check.name for check in checks if not check.ok]
    body = {
        "status": "down" if down else "ok",
        "down": down,
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    return JsonResponse(body, status=503 if down else 200)


# Error pages. Django's own handlers run the CSRF check again to offer a token to the
# page, and that check reads the body again: a body that could not be read the first
# time (a charset other than UTF-8, a multipart without a boundary, too many fields)
# raised again inside the handler, ending in a 500 or, from the 500 handler itself,
# gunicorn's bare 500 and hundreds of log lines. These render the same templates
# without that check.


def _error_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return HttpResponse(loader.render_to_string(template, request=request), status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Without the request: whatever broke (the database, say) must not break this too."""
    try:
        return HttpResponse(loader.render_to_string("500.html"), status=500)
    except Exception:  # the page itself could not be made: say it plainly
        return HttpResponse("Server error", content_type="text/plain", status=500)
