from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class AdvisorConfig(AppConfig):
    name = "advisor"
    verbose_name = "Advisor"

    def ready(self) -> None:
        from advisor import catalogue

        # A broken archetype file stops every process at start-up, naming the file and
        # field, rather than failing a member's request later.
        try:
            catalogue.archetypes()
        except catalogue.CatalogueError as exc:
            raise ImproperlyConfigured(f"The archetype catalogue is broken: {exc}") from None
