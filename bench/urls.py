"""The app's URLs plus /bench/bare, the baseline the step save is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from advisor.urls import handler400, handler403, handler404, handler500  # noqa: F401
from advisor.urls import urlpatterns as app_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/bare", bare, name="bench_bare"), *app_urlpatterns]
