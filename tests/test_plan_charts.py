"""A plan's pictures: the runway, overtime against the legal limit and the 30/60/90 days,
as SVG with their figures in words, in both languages, on the page and in the PDF."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from advisor.advice import charts, content
from tests import people


def plan_for(answers, language="en") -> dict:
    with translation.override(language):
        return content.build(answers=answers)


def charts_for(answers, language="en") -> dict[str, charts.Chart]:
    with translation.override(language):
        return charts.of(content.build(answers=answers))


def svg_of(chart: charts.Chart) -> str:
    return render_to_string("plans/chart.html", {"chart": chart})


def widths(svg: str, colour: str) -> list[float]:
    return [float(w) for w in re.findall(rf'width="([\d.]+)" height="[\d.]+" fill="{colour}"', svg)]


def test_the_runway_draws_rest_months_to_earn_and_the_reserve_in_proportion():
    # RESIGNED: 120,000 yuan at 15,000 a month is 8 months: 1 of rest, 4 to earn, 3 kept.
    runway = charts_for(people.RESIGNED)["money"]
    svg = svg_of(runway)
    rest, earn, reserve = (widths(svg, c)[0] for c in (charts.REST, charts.EARN, charts.RESERVE))
    assert earn == pytest.approx(4 * rest, abs=0.2)
    assert reserve == pytest.approx(3 * rest, abs=0.2)
    assert [f.text for f in runway.figures] == [
        "Savings and lump sums: 120,000 yuan, about 8 months without a salary",
        "Rest: 1 month",
        "Months left to earn before the reserve: 4 months",
        "Reserve kept untouched: 3 months, 45,000 yuan",
    ]


def test_the_runway_has_a_text_alternative_and_its_figures_in_words():
    svg = svg_of(charts_for(people.RESIGNED)["money"])
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-runway-title" aria-describedby="chart-runway-desc"' in svg
    assert '<title id="chart-runway-title">Your runway: 8 months</title>' in svg
    assert (
        '<desc id="chart-runway-desc">Savings and lump sums: 120,000 yuan, about 8 months '
        "without a salary. Rest: 1 month." in svg
    )
    assert "<li>" in svg and "Reserve kept untouched: 3 months, 45,000 yuan</li>" in svg


def test_the_runway_reads_in_chinese_with_amounts_in_wan():
    runway = charts_for(people.RESIGNED, "zh-hans")["money"]
    assert runway.title == "存款能撑多久：8个月"
    assert runway.summary == (
        "存款和一次性收入：12万元，没有工资约能撑8个月。休整：1个月。"
        "动用备用金之前，找到收入的时间：4个月。留着不动的备用金：3个月，4.5万元。"
    )


def test_a_runway_shorter_than_the_reserve_shows_what_is_missing_dashed():
    runway = charts_for(people.STUDENT_NOT_WORKING)["money"]
    svg = svg_of(runway)
    assert 'stroke-dasharray="4 3"' in svg
    assert "Reserve not yet covered: 0.5 months" in runway.summary


def test_no_runway_is_drawn_when_other_income_covers_every_cost():
    covered = people.person(partner_income=20_000, monthly_expenses=15_000)
    assert plan_for(covered)["figures"]["covered"]
    assert "money" not in charts_for(covered)


def test_overtime_is_drawn_against_the_mainland_limit():
    hours = charts_for(people.LAID_OFF_AT_38)["rights"]  # 60 hours a week
    svg = svg_of(hours)
    overtime, limit = widths(svg, charts.OVER)[0], widths(svg, charts.LIMIT)[0]
    assert overtime / limit == pytest.approx(86.7 / 36, rel=0.01)
    assert hours.summary == (
        "Your overtime: about 87 hours a month. The legal limit: 36 hours a month. "
        "51 hours over the limit, 2.4 times it."
    )
    assert charts_for(people.LAID_OFF_AT_38, "zh-hans")["rights"].summary == (
        "你的加班：每月约87小时。法定上限：每月36小时。超出上限51小时，是上限的2.4倍。"
    )


def test_taiwan_has_its_own_limit_and_hong_kong_none():
    assert "The legal limit: 46 hours a month" in charts_for(people.TAIPEI_TESTER)["rights"].summary
    # Hong Kong's law sets no limit on hours: no bar against one.
    assert "rights" not in charts_for(people.HONG_KONG_ENGINEER)


def test_the_timeline_puts_rest_first_then_each_day_once():
    timeline = charts_for(people.FAINTED_AND_READY)["milestones"]
    svg = svg_of(timeline)
    assert [label.text for label in timeline.labels] == ["Now", "Day 30", "Day 105", "Day 180"]
    assert svg.count(">Day 30<") == 1
    assert timeline.summary == (
        "Rest first: 1 month. Day 30: 2 steps. Day 105: 3 steps. Day 180: 2 steps."
    )
    chinese = charts_for(people.FAINTED_AND_READY, "zh-hans")["milestones"]
    assert chinese.summary == "先休整：1个月。第30天：2步。第105天：3步。第180天：2步。"


def test_the_svg_has_no_inline_style_for_the_csp_to_refuse():
    for chart in charts_for(people.RESIGNED).values():
        svg = svg_of(chart)
        assert "style=" not in svg and "<style" not in svg and "<script" not in svg


def test_a_plan_written_before_the_pictures_gets_only_its_timeline():
    old = plan_for(people.RESIGNED)
    del old["figures"]
    assert list(charts.of(old)) == ["milestones"]


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        (
            "en",
            ["Your runway: 8 months", "Overtime against the legal limit", "The steps, day by day"],
        ),
        ("zh-hans", ["存款能撑多久：8个月", "加班时长与法定上限", "每一步的时间"]),
    ],
)
def test_the_pdf_draws_the_charts(pdfs, alice, language, titles):
    from weasyprint import HTML

    from advisor.plans import worker
    from advisor.plans.models import Plan
    from tests.test_plan_views import submit

    plan = submit(alice, people.RESIGNED).plans.get()
    Plan.objects.filter(pk=plan.pk).update(language=language)
    assert worker.generate(plan.pk) == "ready"
    plan.refresh_from_db()
    document = HTML(string=worker.pdf_html(plan)).render()
    drawn, words = [], []

    def walk(box):
        if type(box).__name__ == "InlineReplacedBox":
            drawn.append(type(box.replacement).__name__)
        if hasattr(box, "text"):
            words.append(box.text)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    # Three charts, each with a key swatch per coloured figure: all SVG, all drawn.
    assert drawn.count("SVGImage") >= 3
    text = " ".join(words)
    for title in titles:
        assert title in text
    worker.deliver(plan.pk)
    plan.refresh_from_db()
    assert bytes(plan.pdf.data).startswith(b"%PDF")


pytestmark = pytest.mark.django_db
