import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")

app = Celery("advisor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(task=None, **kwargs) -> None:
    """Treat each task as Django treats a request: keep the connection for reuse, but
    drop one that is too old or broken (DB_CONN_MAX_AGE, health checks). Celery's own
    fix-up would close it around every task (see CELERY_DB_REUSE_MAX in settings).

    Not for a task run eagerly, inside the caller's own connection and transaction."""
    from django.db import close_old_connections

    if task is None or not task.request.is_eager:
        close_old_connections()
