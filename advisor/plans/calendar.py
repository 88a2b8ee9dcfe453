"""A plan's milestones, plan B's moments to switch and the check-ins as an iCalendar file
that a calendar can import again and again: each event keeps its UID, so a second import
updates it instead of adding a copy (docs/plans.md, "The calendar")."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from advisor.plans.checklist import steps
from advisor.plans.models import Plan

# The days of the check-ins, counted as the milestones are, from the end of any rest.
CHECK_IN_DAYS = (30, 60, 90)
# SEQUENCE counts seconds from here to when the plan was written: a later version of the
# plan always outranks an earlier one, and the same version always says the same.
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def milestones_calendar(plan: Plan) -> bytes:
    """The plan's 30/60/90-day milestones, plan B's moments to switch and the day 30, 60
    and 90 check-ins, as all-day events in the plan's language, each with a description
    and a link back to the plan. Two downloads of one plan give the same file."""
    with translation.override(plan.language):
        return _calendar(plan).to_ical()


def _calendar(plan: Plan) -> Calendar:
    written = plan.finished_at or timezone.now()
    # Every version of the same answers (an edit, a check-in, the other language) names
    # the same step by the same UID: importing a newer version moves its events.
    scope = plan.submission.first_version()
    link = settings.SITE_URL + reverse("plan", args=[plan.pk])
    calendar = Calendar()
    calendar.add("prodid", "-//Leap//Plan milestones//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Leap: your plan"))

    def add(uid: str, day: int, summary: str, description: str, anchor: str) -> None:
        event = Event()
        event.add("uid", f"{scope}-{uid}@leap")
        event.add("dtstamp", written)
        event.add("last-modified", written)
        event.add("sequence", int((written - SEQUENCE_EPOCH).total_seconds()))
        event.add("dtstart", plan.date_of(day))
        event.add("summary", summary)
        back = _("Your plan: %(link)s") % {"link": f"{link}#{anchor}"}
        event.add("description", f"{description}\n\n{back}")
        event.add("url", f"{link}#{anchor}")
        event.add("transp", "TRANSPARENT")  # a reminder, not time taken
        calendar.add_component(event)

    for m in steps(plan.content):
        add(
            m["key"],
            m["day"],
            _("Leap, day %(day)d: %(text)s") % m,
            _("Your step for day %(day)d of your plan: %(text)s") % m,
            f"milestone-{m['key']}",
        )
    switches = steps(plan.content, "plan_b")
    for w in switches:
        add(
            w["key"],
            w["day"],
            _("Leap, day %(day)d: plan B? %(text)s") % w,
            _("A moment to decide on plan B. If this is so, take the step it names: %(text)s") % w,
            "section-plan_b",
        )
    earlier = 0
    for day in CHECK_IN_DAYS:
        description = _(
            "Day %(day)d of your plan: time to look back. What happened, how much you have "
            "saved now, how strained you feel, and whether anything has changed. Leap "
            "re-reads your plan, and plan B, against your new answers."
        ) % {"day": day}
        due = [w["text"] for w in switches if earlier < w["day"] <= day]
        if due:
            description += "\n\n" + _("Check plan B too:") + "\n" + "\n".join(f"- {t}" for t in due)
        add(
            f"check-in-{day}",
            day,
            _("Leap check-in, day %(day)d") % {"day": day},
            description,
            "section-milestones",
        )
        earlier = day
    return calendar
