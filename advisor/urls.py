from django.contrib import admin
from django.urls import include, path

from advisor import views
from profiles import views as profile_views

handler400 = "advisor.views.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("profiles.urls")),
    path("", include("advisor.plans.urls")),
    path("counsel/", include("advisor.counsel.urls")),
    path("i18n/setlang/", profile_views.switch_language, name="set_language"),
    path("admin/", admin.site.urls),
]
