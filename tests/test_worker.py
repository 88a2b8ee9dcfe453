from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from profiles.tasks import clear_expired_sessions


@pytest.mark.integration
def test_a_task_round_trips_through_the_broker_and_a_real_worker(transactional_db, worker):
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="new", session_data="", expire_date=now + timedelta(days=1))

    result = clear_expired_sessions.delay()
    result.get(timeout=30)

    assert result.successful()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]
