"""A task that does nothing: the baseline of bench/plans.py (a worker --include's it)."""

from celery import shared_task


@shared_task
def noop() -> None:
    return None
