from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from advisor.health import run_checks


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


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


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, without Django's default handler's CSRF check: that check reads the body
    again, and a body that could not be read the first time (a charset other than UTF-8,
    too many fields) raised again inside the handler, hundreds of times, ending in 500."""
    return HttpResponse(loader.render_to_string("400.html", request=request), status=400)
