import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")

app = Celery("advisor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

if app.conf.broker_url.startswith("filesystem://"):
    # The embedded broker and result store are plain folders, which must exist
    # before web, worker or beat touch them.
    from django.conf import settings

    for folder in ("queue", "control", "processed", "results"):
        (settings.BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
