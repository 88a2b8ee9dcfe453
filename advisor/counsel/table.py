"""The rows of the counsellors' queue and caseload as HTML, built in Python.

Why not a template loop: the queue must stay fast at 100,000 reviews (bench/counsel_queue.py),
and a Django template loop over 25 rows (a label, a link, dates and translated words per
cell) cost more than all the rest of the page together. Here every label, format and URL
prefix is worked out once per page, and each row is one `format_html`. What a row shows is
in docs/counselling.md ("The queue"); templates/counsel/rows.html holds the table around it.
"""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID

from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, ngettext

from advisor.advice import catalogue
from advisor.counsel.models import Review

ROW = (
    '<tr><td data-label="{member_label}"><a href="{{link}}">{{email}}</a></td>'
    '<td data-label="{submitted_label}">{{submitted}}{{allowed}}</td>'
    '<td data-label="{age_label}">{{age}}</td>'
    '<td data-label="{due_label}">{{due}}</td>'
    '<td data-label="{archetype_label}">{{archetype}}</td>'
    '<td data-label="{status_label}">{{status}}</td>'
    '<td data-label="{priority_label}">{{priority}}{{strain}}</td>'
    '<td data-label="{assigned_label}">{{assignee}}</td></tr>'
)


def headers() -> dict[str, str]:
    """The columns' names, in the reader's language."""
    return {
        "member_label": gettext("Member"),
        "submitted_label": gettext("Submitted"),
        "age_label": gettext("Age"),
        "due_label": gettext("Due"),
        "archetype_label": gettext("Archetype"),
        "status_label": gettext("Status"),
        "priority_label": gettext("Priority"),
        "assigned_label": gettext("Assigned"),
    }


def rows(reviews: list[Review]) -> SafeString:
    """The table rows for `reviews`; each cell also carries its column's name
    (`data-label`) for the phone layout, where the table becomes a list. Every value is
    escaped: the labels once for the page, the rest in each row."""
    labels = {name: escape(label) for name, label in headers().items()}
    row = ROW.format(**labels)
    link = reverse("counsel_submission", args=[UUID(int=0)]).replace(str(UUID(int=0)), "{}")
    archetypes = {a.slug: escape(a.name) for a in catalogue.archetypes()}
    statuses = {status.value: escape(status.label) for status in Review.Status}
    words = {
        "allowed": gettext("Review allowed on %(when)s"),
        "paused": escape(gettext("Paused: waiting for the member")),
        "overdue": format_html(' <span class="badge badge-overdue">{}</span>', gettext("Overdue")),
        "strain": format_html(
            ' <span class="badge badge-strain">{}</span>', gettext("High strain")
        ),
        "datetime": get_format("SHORT_DATETIME_FORMAT"),
        "date": get_format("SHORT_DATE_FORMAT"),
        "ages": {},  # days -> "3 days", as the rows need them
    }
    now = timezone.now()
    return mark_safe(  # noqa: S308 (every value in it is escaped above or in _row)
        "".join(_row(review, row, link, archetypes, statuses, words, now) for review in reviews)
    )


def _row(review, row, link, archetypes, statuses, words, now) -> str:
    allowed = ""
    if review.opened_after_submit:
        when = _format(review.created_at, words["datetime"])
        allowed = '<br><span class="muted">{}</span>'.format(
            escape(words["allowed"] % {"when": when})
        )
    days = (now - review.created_at).days
    if days not in words["ages"]:
        words["ages"][days] = escape(
            ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
        )
    return row.format(
        link=link.format(review.submission_id),
        email=escape(review.submission.owner.email),
        submitted=escape(_format(review.submission.created_at, words["datetime"])),
        allowed=allowed,
        age=words["ages"][days],
        due=_due(review, words),
        archetype=archetypes.get(review.archetype) or escape(review.archetype),
        status=statuses.get(review.status) or escape(review.status),
        priority=review.priority,
        strain=words["strain"] if review.high_strain else "",
        assignee=escape(review.assignee.email) if review.assignee else "—",
    )


def _due(review: Review, words: dict) -> str:
    if review.status == Review.Status.AWAITING_MEMBER:
        return words["paused"]
    if review.due_at is None:
        return "—"
    due = escape(_format(review.due_at, words["date"]))
    return due + words["overdue"] if review.is_overdue else due


def _format(moment, form: str) -> str:
    return _formatted(moment, form, get_language())


@lru_cache(maxsize=4096)
def _formatted(moment, form: str, language: str) -> str:
    """A moment as the reader's language writes it. Formatting is a pure function of
    these, and a queue shows the same rows again and again: each is done once."""
    return dateformat.format(localtime(moment), form)
