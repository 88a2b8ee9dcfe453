"""The outcomes page at /outcomes/: aggregate figures for counsellors and staff, as
charts with their tables, by month, and each table as CSV. Nothing on it names a member
(advisor/outcomes/figures.py, docs/outcomes.md)."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from advisor.counsel.views import counsellor_required, csv_cell
from advisor.outcomes import charts, figures
from advisor.outcomes.forms import MonthFilter

# The page's tables, in the order they come. The check-ins' (figures.checkins_by_path)
# joins them once the check-ins exist.
TABLES = {
    "over_time": figures.over_time,
    "paths": figures.paths,
    "strain": figures.strain,
    "runway": figures.runway,
    "first_review": figures.first_review,
    "checkins": figures.checkins,
}


@counsellor_required
@require_GET
def outcomes(request: HttpRequest) -> HttpResponse:
    form = MonthFilter(request.GET)
    if not form.is_valid():
        return render(request, "outcomes/outcomes.html", {"form": form}, status=400)
    tables = [make(form.period) for make in TABLES.values()]
    context = {
        "form": form,
        "sections": [(table, charts.of(table)) for table in tables],
        "query": request.GET.urlencode(),
    }
    return render(request, "outcomes/outcomes.html", context)


@counsellor_required
@require_GET
def export_csv(request: HttpRequest, table: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404
    form = MonthFilter(request.GET)
    if not form.is_valid():
        return render(request, "outcomes/outcomes.html", {"form": form}, status=400)
    found = TABLES[table](form.period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = "-".join(["leap", table.replace("_", "-"), *_months(form)])
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # a BOM, so that Excel reads the Chinese labels as UTF-8
    writer = csv.writer(response)
    writer.writerow([csv_cell(cell) for cell in ["key", found.head, *found.columns]])
    for row in found.rows:
        cells = [figures.HIDDEN if value is None else value for value in row.values]
        writer.writerow([csv_cell(cell) for cell in [row.key, row.label, *cells]])
    return response


def _months(form: MonthFilter) -> list[str]:
    period = form.period
    return [f"{day:%Y-%m}" for day in (period.first, period.last) if day]
