"""A plan's milestones as an iCalendar file."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from advisor.plans.models import Plan


def milestones_calendar(plan: Plan) -> bytes:
    """The 30/60/90-day milestones as all-day events, counted from the end of any rest."""
    start = (plan.finished_at or timezone.now()).date() + timedelta(
        days=30 * plan.content.get("rest_months", 0)
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Leap//Plan milestones//EN")
    calendar.add("version", "2.0")
    section = next(s for s in plan.content["sections"] if s["key"] == "milestones")
    for number, milestone in enumerate(section["milestones"], start=1):
        event = Event()
        event.add("uid", f"{plan.pk}-{number}@leap")
        event.add("dtstamp", plan.finished_at or timezone.now())
        event.add("dtstart", start + timedelta(days=milestone["day"]))
        event.add("summary", _("Leap, day %(day)d: %(text)s") % milestone)
        calendar.add_component(event)
    return calendar.to_ical()
