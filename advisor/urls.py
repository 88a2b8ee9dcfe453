from django.contrib import admin
from django.urls import include, path

from advisor import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("profiles.urls")),
    path("counsel/", include("advisor.counsel_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
