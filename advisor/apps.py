from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core.exceptions import ImproperlyConfigured

from advisor.advice import catalogue, content, engine, law


class AdvisorConfig(AppConfig):
    """The project's own app: start-up checks of the archetype, law and rule files, /healthz,
    `manage.py advise`, and the migrations that made the plans' and counsellors' tables
    before those apps had them."""

    name = "advisor"
    verbose_name = "Advisor"

    def ready(self) -> None:
        # A broken archetype file stops every process at start-up, naming the file and
        # field, rather than failing a member's request later.
        try:
            catalogue.archetypes()
        except catalogue.CatalogueError as exc:
            raise ImproperlyConfigured(f"The archetype catalogue is broken: {exc}") from None
        # Likewise a legal fact without its source, link or checked date.
        try:
            law.law()
        except law.LawError as exc:
            raise ImproperlyConfigured(f"The law files are broken: {exc}") from None
        # And a rule of the advice that names what does not exist, or lacks a language.
        try:
            content.rules()
        except engine.RulesError as exc:
            raise ImproperlyConfigured(f"The advice's rules are broken: {exc}") from None


class LeapAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that asks for the second factor (advisor/admin.py)."""

    default = False  # named in INSTALLED_APPS; AdvisorConfig is the advisor app's
    default_site = "advisor.admin.LeapAdminSite"
