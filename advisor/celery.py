import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init

from advisor.logs import request_id

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


@task_prerun.connect
def log_with_the_task_id(task_id=None, **kwargs) -> None:
    """A worker's log lines carry the id of the task they are about (advisor/logs.py)."""
    request_id.set(task_id or "-")


@task_postrun.connect
def forget_the_task_id(**kwargs) -> None:
    request_id.set("-")


@worker_init.connect
def tune_database_for_tasks(**kwargs) -> None:
    """Database connections in worker processes (set before the pool forks), for tasks
    whose writes are all derived from what members have committed already, and redone
    if lost: a plan is written again by the sweeper, a failure or a requeue redone.

    - No health check, a SELECT 1 before each task's first query: a plan's whole run
      is two statements, and the check would add a third round trip. A connection that
      broke while idle fails its task's first query instead; the task retries that
      (TRANSIENT in advisor/plans/tasks.py), and close_old_connections drops the connection.
    - Asynchronous commit on PostgreSQL (WORKER_ASYNC_COMMIT): a task does not wait for
      the commit's WAL flush, about 0.2 ms twice a plan. A database crash can lose the
      last 0.6 s of the workers' writes, and nothing else (web requests keep synchronous
      commits): those plans go back to queued or running, and are written again.

    Both are measured in bench/README.md.
    """
    from django.conf import settings
    from django.db import connections

    for connection in connections.all(initialized_only=False):
        connection.settings_dict["CONN_HEALTH_CHECKS"] = False
        if connection.vendor == "postgresql" and settings.WORKER_ASYNC_COMMIT:
            options = connection.settings_dict["OPTIONS"]
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
