from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckInsConfig(AppConfig):
    name = "advisor.checkins"
    label = "checkins"
    verbose_name = _("Check-ins")
