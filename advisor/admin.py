"""The admin site, behind the same sign-in as the rest of Leap: password, then the second
factor, which every member of staff must use (profiles/two_factor.py)."""

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from profiles.redirects import safe_next
from profiles.two_factor_views import ask_for_second_factor


class LeapAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """Leap's own log-in (throttled, two factors), not the admin's password form."""
        next_url = safe_next(request, default=reverse("admin:index", current_app=self.name))
        if self.has_permission(request):
            return redirect(next_url)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return ask_for_second_factor(request, next_url)
