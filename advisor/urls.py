from django.contrib import admin
from django.urls import include, path

from advisor import views
from advisor.counsel.urls import member_urlpatterns as conversation_urls
from profiles import views as profile_views

handler400 = "advisor.views.bad_request"
handler403 = "advisor.views.permission_denied"
handler404 = "advisor.views.page_not_found"
handler500 = "advisor.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("stories/<slug:slug>/", views.story, name="story"),
    path("", include("profiles.urls")),
    path("", include("advisor.plans.urls")),
    path("", include("advisor.checkins.urls")),
    path("counsel/", include("advisor.counsel.urls")),
    path("outcomes/", include("advisor.outcomes.urls")),
    path("conversation/", include(conversation_urls)),
    path("i18n/setlang/", profile_views.switch_language, name="set_language"),
    path("admin/", admin.site.urls),
]
