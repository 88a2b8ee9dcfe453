"""Celery tasks of the check-ins: thin."""

from celery import shared_task

from advisor.checkins import sweep


@shared_task(name="advisor.checkins.tasks.sweep_checkins", ignore_result=True)
def sweep_checkins() -> dict[str, int]:
    """Beat runs this: make, email and follow up check-ins, each once."""
    return sweep.sweep()
