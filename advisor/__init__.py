# Load the Celery app whenever Django starts, so that tasks can be enqueued
# from web processes (Celery's Django guide).
from .celery import app as celery_app

__all__ = ("celery_app",)
