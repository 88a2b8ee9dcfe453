"""The outcomes page's charts, drawn from its tables: columns by month for the figures
over time, bars for the rest.

Pure: a table in, shapes and words out. templates/outcomes/chart.html draws them as
inline SVG, with no script, and with the same presentation attributes as the plan's
pictures (advisor/advice/charts.py) so that the strict CSP has nothing to refuse. Each
chart says what it shows in its title and description, for a screen reader; the table
under it holds the same figures for everyone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from advisor.advice.charts import LINE, Figure, Label, Shape
from advisor.advice.formats import is_chinese, number, sentences
from advisor.outcomes.figures import Row, Table

WIDTH = 480  # the viewBox's width for bars; columns widen it with the months
SERIES = ("#3f7cac", "#0b6e5f", "#a86a12")  # a colour per column of a table
BAR = 18  # a bar's thickness
AXIS = 18  # room for the labels under the columns


@dataclass
class Chart:
    key: str  # the table's key: also the id of the SVG's title and description
    title: str
    width: int
    height: int
    shapes: list[Shape] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    keys: list[Figure] = field(default_factory=list)  # what each colour stands for
    summary: str = ""


def of(table: Table) -> Chart | None:
    """The chart of a table; None when it has nothing to draw."""
    if table.empty:
        return None
    if table.key == "over_time":
        return _columns(table, columns=(1, 2))
    if table.key == "first_review":
        rows = [row for row in table.rows if row.unit == "hours"]
        return _bars(table, rows)
    return _bars(table, table.rows)


def _summary(table: Table, rows: list[Row], columns: tuple[int, ...]) -> str:
    stop = "。" if is_chinese() else "."
    parts = []
    for row in rows:
        figures = ", ".join(
            _("%(name)s %(value)s") % {"name": table.columns[c], "value": row.shown[c]}
            for c in columns
        )
        parts.append(_("%(label)s: %(figures)s") % {"label": row.label, "figures": figures} + stop)
    return sentences(*parts)


def _bars(table: Table, rows: list[Row]) -> Chart | None:
    """One bar a row, its label above it and its figure after it; a hidden figure draws
    no bar, only its words."""
    drawn = [row for row in rows if row.values[0] is not None]
    if not drawn:
        return None
    top = max(row.values[0] for row in drawn) or 1
    step = BAR + 24
    chart = Chart(table.key, table.title, WIDTH, step * len(rows) + 4)
    chart.summary = _summary(table, rows, (0,))
    room = WIDTH - 70  # the figure goes after the longest bar
    for i, row in enumerate(rows):
        y = i * step
        chart.labels.append(Label(1, y + 14, row.label))
        value = row.values[0]
        length = 0.0 if value is None else max(room * value / top, 1.0 if value else 0.0)
        if length:
            chart.shapes.append(Shape(1, y + 20, length, BAR, SERIES[0]))
        chart.labels.append(Label(length + 6, y + 20 + BAR - 5, row.shown[0]))
    return chart


def _columns(table: Table, *, columns: tuple[int, ...]) -> Chart:
    """Side-by-side columns a month, one colour a column of the table; a hidden figure
    draws none. Months are named under the axis, as many as fit."""
    months = table.rows
    group = 16 * len(columns) + 12
    width = max(WIDTH, group * len(months) + 2)
    height = 180
    base = height - AXIS
    top = max((v for row in months for c in columns if (v := row.values[c]) is not None), default=0)
    chart = Chart(table.key, table.title, width, height)
    chart.summary = _summary(table, months, columns)
    chart.keys = [Figure(table.columns[c], SERIES[i]) for i, c in enumerate(columns)]
    chart.shapes.append(Shape(0, base, width, 0, "", stroke=LINE))
    scale = (base - 20) / (top or 1)
    chart.labels.append(
        Label(width - 1, 12, _("highest: %(value)s") % {"value": number(top)}, "end")
    )
    every = math.ceil(66 / group)  # a month's name takes some 60 units
    for i, row in enumerate(months):
        x = 1 + i * group
        for j, c in enumerate(columns):
            value = row.values[c]
            if value:
                tall = value * scale
                chart.shapes.append(Shape(x + j * 16, base - tall, 14, tall, SERIES[j]))
        if i % every == 0:
            chart.labels.append(Label(x, height - 3, row.label))
    return chart
