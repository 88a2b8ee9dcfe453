"""A plan's milestones as an iCalendar file."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from advisor.plans.models import Plan


def milestones_calendar(plan: Plan) -> bytes:
    """The 30/60/90-day milestones and plan B's moments to switch, as all-day events,
    counted from the end of any rest, or from today when the steps do not wait for it."""
    content = plan.content
    # Plans written before `steps_start_months` counted every step from the rest's end.
    months = content.get("steps_start_months", content.get("rest_months", 0))
    start = (plan.finished_at or timezone.now()).date() + timedelta(days=30 * months)
    calendar = Calendar()
    calendar.add("prodid", "-//Leap//Plan milestones//EN")
    calendar.add("version", "2.0")
    sections = {s["key"]: s for s in plan.content["sections"]}
    events = [_("Leap, day %(day)d: %(text)s") % m for m in sections["milestones"]["milestones"]]
    days = [m["day"] for m in sections["milestones"]["milestones"]]
    # Plan B's moments to switch, as if-then checks on their day (plans written before
    # plan B have none).
    for switch in sections.get("plan_b", {}).get("milestones", []):
        events.append(_("Leap, day %(day)d: plan B? %(text)s") % switch)
        days.append(switch["day"])
    for number, (day, summary) in enumerate(zip(days, events, strict=True), start=1):
        event = Event()
        event.add("uid", f"{plan.pk}-{number}@leap")
        event.add("dtstamp", plan.finished_at or timezone.now())
        event.add("dtstart", start + timedelta(days=day))
        event.add("summary", summary)
        calendar.add_component(event)
    return calendar.to_ical()
