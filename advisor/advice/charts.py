"""A plan's pictures: the runway, overtime against the legal limit, and the 30/60/90
days, drawn from the figures the plan was written with.

Pure: a plan's content in, shapes and words out, in the active language. The template
(templates/plans/chart.html) draws them as inline SVG, for the page and the PDF alike, with
no script. Each chart says what it shows twice: in the SVG's title and description for a
screen reader, and as a list of figures under it for everyone.

Colours are presentation attributes rather than CSS, so that WeasyPrint draws them as the
browser does, and the strict CSP (no inline styles) has nothing to refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advisor.advice import evidence
from advisor.advice import money as money_model
from advisor.advice.formats import DEFAULT_CURRENCY, is_chinese, money, months, number, sentences

WIDTH = 320  # the viewBox's width: the SVG scales to its box, down to a 375 px phone
BAR = 28  # a bar's height
REST, EARN, RESERVE, SHORT = "#3f7cac", "#0b6e5f", "#a86a12", "#ffffff"
OVER, WITHIN, LIMIT, INK, LINE = "#b3261e", "#0b6e5f", "#5a6478", "#1d2433", "#dcd8cf"
DAYS_A_MONTH = 30  # as the milestones calendar counts a month of rest
_months = partial(months, exact=True)  # months to one decimal, as the pictures draw them


@dataclass(frozen=True)
class Shape:
    """A rectangle, or a line when `height` is 0; `dashed` draws its outline dashed."""

    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str = ""
    dashed: bool = False

    @property
    def x2(self) -> float:
        return self.x + self.width

    @property
    def y2(self) -> float:
        return self.y + self.height

    @property
    def is_line(self) -> bool:
        return not self.width or not self.height


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"  # SVG's text-anchor: start, middle, end


@dataclass(frozen=True)
class Figure:
    """One figure said in words, with the colour it has in the picture ('' for none)."""

    text: str
    colour: str = ""


@dataclass
class Chart:
    key: str  # runway, hours, timeline: also the id of its title and description
    title: str
    height: int
    shapes: list[Shape] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    # The figures as one text, for the SVG's description: set by `of`, in the language
    # the figures were written in (a page may be in another).
    summary: str = ""

    @property
    def width(self) -> int:
        return WIDTH


def _summary(chart: Chart) -> str:
    stop = "。" if is_chinese() else "."
    return sentences(*(f.text if f.text.endswith(stop) else f.text + stop for f in chart.figures))


def _hours(value: float) -> str:
    return ngettext("%(hours)s hour", "%(hours)s hours", 1 if value == 1 else 2) % {
        "hours": number(round(value))
    }


def runway(figures: Mapping[str, Any]) -> Chart | None:
    """Savings as months without a salary: rest first, then the months left to earn, then
    the reserve that stays untouched; a dashed box for any part of the reserve the money
    does not reach yet. None when other income covers every cost (nothing is drawn on)."""
    if figures.get("covered"):
        return None
    total = float(figures["runway_months"])
    reserve = float(figures["reserve_months"])
    rest = min(float(figures["rest_months"]), total)
    kept = max(0.0, min(reserve, total - rest))
    earn = max(0.0, total - rest - reserve)
    short = reserve - kept
    # Past the cap the bar is drawn to the cap: the words say "more than 10 years".
    drawn_earn = min(earn, max(0.0, money_model.RUNWAY_CAP_MONTHS - rest - kept))
    scale = (WIDTH - 2) / max(rest + drawn_earn + kept + short, 1.0)
    said = evidence.runway_text(total)
    chart = Chart("runway", _("Your runway: %(months)s") % {"months": said}, 44)
    x = 1.0
    for length, colour in ((rest, REST), (drawn_earn, EARN), (kept, RESERVE)):
        if length > 0:
            chart.shapes.append(Shape(x, 8, length * scale, BAR, colour))
            x += length * scale
    if short > 0:
        chart.shapes.append(Shape(x, 8, short * scale, BAR, SHORT, stroke=OVER, dashed=True))
    amount = figures.get("money")
    currency = figures.get("currency") or DEFAULT_CURRENCY
    if amount is not None:
        chart.figures.append(
            Figure(
                _("Savings and lump sums: %(amount)s, about %(months)s without a salary")
                % {"amount": money(amount, currency), "months": said}
            )
        )
    else:
        chart.figures.append(Figure(_("About %(months)s without a salary") % {"months": said}))
    if figures.get("sick_leave"):
        chart.figures.append(Figure(_("Sick leave first: it is paid, so it is not drawn here")))
    if rest:
        chart.figures.append(Figure(_("Rest: %(months)s") % {"months": _months(rest)}, REST))
    chart.figures.append(
        Figure(
            _("Months left to earn before the reserve: %(months)s")
            % {"months": evidence.runway_text(earn)},
            EARN,
        )
    )
    kept_text = _("Reserve kept untouched: %(months)s") % {"months": _months(kept)}
    if figures.get("reserve") is not None and not short:
        kept_text = _("Reserve kept untouched: %(months)s, %(amount)s") % {
            "months": _months(kept),
            "amount": money(figures["reserve"], currency),
        }
    chart.figures.append(Figure(kept_text, RESERVE))
    if short > 0:
        chart.figures.append(
            Figure(
                _("Reserve not yet covered: %(months)s") % {"months": _months(short)},
                OVER,
            )
        )
    return chart


def hours(figures: Mapping[str, Any]) -> Chart | None:
    """Overtime a month against the law's monthly limit; None where no law sets one for
    the person's hours (Hong Kong, other countries, averaged or unfixed hours)."""
    found = figures.get("overtime")
    if not found:
        return None
    overtime, cap = float(found[0]), int(found[1])
    top = max(overtime, cap) * 1.1
    scale = (WIDTH - 2) / top
    chart = Chart("hours", _("Overtime against the legal limit"), 84)
    colour = OVER if overtime > cap else WITHIN
    chart.shapes.append(Shape(1, 8, max(overtime * scale, 1), BAR, colour))
    chart.shapes.append(Shape(1, 46, cap * scale, BAR, LIMIT))
    chart.shapes.append(Shape(1 + cap * scale, 2, 0, 80, INK, stroke=INK, dashed=True))
    chart.figures.append(
        Figure(
            _("Your overtime: about %(hours)s a month") % {"hours": _hours(overtime)},
            colour,
        )
    )
    chart.figures.append(
        Figure(_("The legal limit: %(hours)s a month") % {"hours": _hours(cap)}, LIMIT)
    )
    if overtime > cap:
        chart.figures.append(
            Figure(
                _("%(over)s over the limit, %(times)s times it")
                % {"over": _hours(overtime - cap), "times": number(round(overtime / cap, 1))}
            )
        )
    else:
        chart.figures.append(Figure(_("Within the limit")))
    return chart


def timeline(content: Mapping[str, Any]) -> Chart | None:
    """Any rest, then the days of the milestones, counted from its end, on one line."""
    steps = next(
        (s["milestones"] for s in content.get("sections", []) if s["key"] == "milestones"), []
    )
    if not steps:
        return None
    days = sorted({step["day"] for step in steps})
    # The rest drawn first is the time before the steps: none when they count from today
    # (plans written before `steps_start_months` waited for every rest).
    rest = int(content.get("steps_start_months", content.get("rest_months")) or 0)
    span = rest * DAYS_A_MONTH + days[-1]
    left, right = 8.0, WIDTH - 30.0
    scale = (right - left) / span
    chart = Chart("timeline", _("The steps, day by day"), 64)
    chart.shapes.append(Shape(left, 30, right - left, 0, LINE, stroke=LINE))
    start = left
    if rest:
        start = left + rest * DAYS_A_MONTH * scale
        chart.shapes.append(Shape(left, 22, start - left, 16, REST))
        if content.get("leave_months"):  # the rest of her maternity leave, then any rest
            label = _("Maternity leave first: %(months)s")
        else:
            label = _("Rest first: %(months)s")
        chart.figures.append(Figure(label % {"months": _months(rest)}, REST))
    chart.labels.append(Label(left, 56, _("Now")))
    for place, day in enumerate(days):
        x = start + day * scale
        chart.shapes.append(Shape(x - 5, 25, 10, 10, EARN))
        # Labels alternate above and below the line, so that days drawn close (after a
        # long rest) do not overlap.
        chart.labels.append(
            Label(x, 56 if place % 2 else 16, _("Day %(day)s") % {"day": day}, "middle")
        )
        count = sum(1 for step in steps if step["day"] == day)
        chart.figures.append(
            Figure(
                ngettext("Day %(day)d: %(count)d step", "Day %(day)d: %(count)d steps", count)
                % {"day": day, "count": count},
                EARN,
            )
        )
    return chart


def of(content: Mapping[str, Any]) -> dict[str, Chart]:
    """The plan's charts by the section each belongs to. Plans written before the
    pictures carry no figures, and get the timeline only."""
    figures = content.get("figures") or {}
    found = {"milestones": timeline(content)}
    if "runway_months" in figures and "reserve_months" in figures:
        found["money"] = runway(figures)
    found["rights"] = hours(figures)
    charts = {key: chart for key, chart in found.items() if chart is not None}
    for chart in charts.values():
        chart.summary = _summary(chart)
    return charts
