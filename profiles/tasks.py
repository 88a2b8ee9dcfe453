from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    """Beat runs this so that abandoned visitor sessions (and their drafts) do not pile up."""
    call_command("clearsessions")
