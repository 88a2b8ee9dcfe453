"""A plan's content, written from a person's own answers, one section at a time.

Pure: answers in, plain JSON data out, in the active language. No database, no clock.
What a path says (its milestones, risks, targets and story) comes from its archetype
file; what is said to everyone is here, marked for translation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advisor.advice import catalogue, matching
from advisor.advice.catalogue import Archetype, Benchmark
from profiles.answers import Answers
from profiles.formats import is_chinese, number, us_dollars, yuan

STANDARD_WEEK = 40  # hours
OVERTIME_CAP_MONTH = 36  # hours a month, Labour Law of the PRC, article 41
WEEKS_PER_MONTH = 52 / 12
RESERVE_MONTHS = 3  # savings a rest never touches
REST_WANTED = {"long": 6, "short": 1, "no": 1}  # months; Li Jing took six


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)


def rest_months(answers: Answers) -> int:
    """The rest a person can afford: what they want, what they said they could take, and
    what their savings allow once a reserve is put aside."""
    if not answers.strain_is_high:
        return 0
    affordable = max(0, answers.savings_months - RESERVE_MONTHS)
    wanted = REST_WANTED.get(answers.need_break, 1)
    return min(wanted, answers.months_off, affordable)


def overtime_per_month(hours_per_week: int) -> float:
    return round(max(0, hours_per_week - STANDARD_WEEK) * WEEKS_PER_MONTH, 1)


def _months(count: int) -> str:
    return ngettext("%(count)d month", "%(count)d months", count) % {"count": count}


def _notes(archetype: Archetype, section: str, answers: Answers) -> list[str]:
    """The archetype's own paragraphs for this section whose conditions hold."""
    return [str(note.text) for note in archetype.notes_for(section) if note.holds(answers.raw)]


def _match_section(archetype: Archetype, result: matching.Result) -> Section:
    match = next(m for m in result.matches if m.archetype.slug == archetype.slug)
    section = Section("match", _("The match and why"))
    section.paragraphs.append(
        _("%(name)s: %(score)d / 100, %(fit)s. %(summary)s")
        % {
            "name": archetype.name,
            "score": match.score,
            "fit": match.fit_label.lower(),
            "summary": archetype.summary,
        }
    )
    if result.best.archetype.slug != archetype.slug:
        section.paragraphs.append(
            _(
                "Your counsellor chose this path for you; the best match on your answers "
                "alone was %(best)s."
            )
            % {"best": result.best.archetype.name}
        )
    section.items = [f.sentence for f in match.raised[:4]] + [f.sentence for f in match.lowered[:2]]
    if result.runner_up and result.best is match:
        section.paragraphs.append(result.runner_up.sentence)
    if result.confidence.level != "high":
        section.paragraphs.append(result.confidence.sentence)
    section.paragraphs.append(str(archetype.description))
    return section


def _rest_section(answers: Answers, rest: int) -> Section | None:
    if not answers.strain_is_high:
        return None
    section = Section("rest", _("Rest and reflection first"))
    if answers.strain_signals:
        section.paragraphs.append(
            _(
                "You told us: %(signals)s. This is not a diagnosis; it is a reason to stop "
                "before you start."
            )
            % {"signals": answers.quote("strain_signals")}
        )
    savings = answers.savings_months
    section.paragraphs.append(
        _(
            "Sizing it to your runway: your savings cover %(savings)s; keep %(reserve)s in "
            "reserve, which leaves %(affordable)s. You said you could take %(off)s off. "
            "Rest: %(rest)s."
        )
        % {
            "savings": _months(savings),
            "reserve": _months(RESERVE_MONTHS),
            "affordable": _months(max(0, savings - RESERVE_MONTHS)),
            "off": _months(answers.months_off),
            "rest": _months(rest),
        }
    )
    if rest:
        story = catalogue.rest_story()
        if story is not None:
            section.paragraphs.append(str(story))
        section.items = [
            _("Month 1: stop. No plans, no job boards."),
            _("Then: one conversation a week with someone whose work you envy."),
            _("Last month: write down what you want your next working week to look like."),
        ]
    else:
        section.paragraphs.append(
            _(
                "Your savings do not allow months off yet. Take your annual leave in one "
                "block now, keep evenings and one full weekend day free of work, and build "
                "the reserve first."
            )
        )
    return section


def _milestones_section(answers: Answers, archetype: Archetype, rest: int) -> Section:
    section = Section("milestones", _("30, 60 and 90 days"))
    if rest:
        section.paragraphs.append(
            _("The days count from the end of your rest, %(rest)s from now.")
            % {"rest": _months(rest)}
        )
    for milestone in archetype.milestones:
        if milestone.unless_skill is None or milestone.unless_skill not in answers.skills:
            section.milestones.append({"day": milestone.day, "text": str(milestone.text)})
    return section


def _money_section(answers: Answers, archetype: Archetype, rest: int) -> Section:
    savings, floor, dependants = answers.savings_months, answers.income_floor, answers.dependants
    section = Section("money", _("Money"))
    left = max(0, savings - rest)
    section.paragraphs.append(
        _(
            "Runway: your savings cover %(savings)s of expenses. After %(rest)s of rest, "
            "%(left)s remain before the new path must pay you."
        )
        % {"savings": _months(savings), "rest": _months(rest), "left": _months(left)}
    )
    if floor:
        section.paragraphs.append(
            _("Your income floor is %(month)s a month: %(year)s a year.")
            % {"month": yuan(floor), "year": yuan(floor * 12)}
        )
    if dependants:
        section.paragraphs.append(
            ngettext(
                "%(count)d person depends on your income: count their needs in that floor.",
                "%(count)d people depend on your income: count their needs in that floor.",
                dependants,
            )
            % {"count": dependants}
        )
    if left < 6:
        section.paragraphs.append(
            _(
                "Less than six months of runway is thin for a change: keep a salary, or build "
                "the runway before you leap."
            )
        )
    target = archetype.money_target
    if target is not None and floor:
        per_unit = archetype.benchmark(target.per).value / archetype.benchmark(target.by).value
        section.paragraphs.append(
            str(target.text).format(
                per=yuan(per_unit),
                total=yuan(archetype.benchmark(target.per).value),
                count=archetype.benchmark(target.by).value,
                year=yuan(floor * 12),
                needed=math.ceil(floor * 12 / per_unit),
            )
        )
    section.items = [benchmark_text(b) for b in archetype.benchmarks]
    return section


def benchmark_text(benchmark: Benchmark) -> str:
    value = benchmark.value
    if benchmark.unit == "yuan":
        amount = yuan(value)
    elif benchmark.unit == "US$":
        amount = us_dollars(value)
    elif benchmark.unit == "%":
        amount = f"{value:g}%"
    else:
        amount = number(value)
    if is_chinese():
        return f"{benchmark.label}：{amount}"  # 一年的营收：1000万元
    return f"{amount} {benchmark.label}"  # 10,000,000 yuan of revenue in a year


def _risks_section(answers: Answers, archetype: Archetype) -> Section:
    section = Section("risks", _("Risks, and how to meet them"))
    section.items = [f"{risk.title}: {risk.how}" for risk in archetype.risks]
    section.paragraphs = _notes(archetype, "risks", answers)
    if answers.has_audience:
        section.items.append(
            _(
                "Your audience lives on %(platforms)s: keep a way to reach them that no "
                "platform controls."
            )
            % {"platforms": answers.quote("audience_platforms")}
        )
    if answers.savings_months < 6:
        section.items.append(
            _(
                "Runway: with %(savings)s of savings, a bad quarter ends the attempt. Build "
                "the reserve first."
            )
            % {"savings": _months(answers.savings_months)}
        )
    return section


def _rights_section(answers: Answers) -> Section:
    hours = answers.hours_per_week
    overtime_week = max(0, hours - STANDARD_WEEK)
    monthly = overtime_per_month(hours)
    section = Section("rights", _("Your rights"))
    section.paragraphs.append(
        _(
            "Chinese labour law sets a standard week of %(standard)d hours and caps overtime "
            "at %(cap)d hours a month."
        )
        % {"standard": STANDARD_WEEK, "cap": OVERTIME_CAP_MONTH}
    )
    section.paragraphs.append(
        _(
            "You work %(hours)d hours a week: %(hours)d - %(standard)d = %(week)d hours of "
            "overtime a week; times 52 weeks, divided by 12 months, = %(month)s hours a month."
        )
        % {
            "hours": hours,
            "standard": STANDARD_WEEK,
            "week": overtime_week,
            "month": f"{monthly:g}",
        }
    )
    if monthly > OVERTIME_CAP_MONTH:
        section.paragraphs.append(
            _(
                "That is %(times)s times the legal cap of %(cap)d hours. 996, 72 hours a "
                "week, is illegal, as China's Supreme People's Court and the Ministry of "
                "Human Resources and Social Security said in 2021."
            )
            % {"times": f"{monthly / OVERTIME_CAP_MONTH:.1f}", "cap": OVERTIME_CAP_MONTH}
        )
        section.items = [
            _("Keep a record of your real hours: dates, start, end, and messages after hours."),
            _(
                "Overtime must be paid: 150% on working days, 200% on rest days, 300% on "
                "public holidays."
            ),
        ]
    else:
        section.paragraphs.append(_("That is within the legal cap."))
    return section


def _resources_section(archetype: Archetype) -> Section:
    section = Section("resources", _("Resources"))
    section.items = [str(r.title) + (f" ({r.url})" if r.url else "") for r in archetype.resources]
    return section


def _notes_section(notes: Sequence[str]) -> Section | None:
    if not notes:
        return None
    return Section("notes", _("Your counsellor's notes"), items=list(notes))


def build(
    *, answers: Mapping[str, Any], archetype: str | None = None, notes: Sequence[str] = ()
) -> dict[str, Any]:
    """The plan for a complete, valid answer set, in the active language.

    `archetype` is the slug to write it for (a counsellor's choice); the best match when
    None. `notes` are the counsellor's notes shared with the member.
    """
    result = matching.rank(answers)
    chosen = catalogue.by_slug(archetype) if archetype else result.best.archetype
    if chosen is None:
        raise ValueError(f"There is no archetype “{archetype}”.")
    person = Answers.of(answers)
    rest = rest_months(person)
    sections = [
        _match_section(chosen, result),
        _rest_section(person, rest),
        _milestones_section(person, chosen, rest),
        _money_section(person, chosen, rest),
        _risks_section(person, chosen),
        _rights_section(person),
        _resources_section(chosen),
        _notes_section(notes),
    ]
    return {
        "archetype": chosen.slug,
        "name": str(chosen.name),
        "rest_months": rest,
        "sections": [vars(s) for s in sections if s is not None],
    }


def compare_sections(left: Sequence[Mapping], right: Sequence[Mapping]) -> list[dict[str, Any]]:
    """Two plans' sections side by side, in the order they come, each marked as changed:
    `{"key", "title", "sides": [left or None, right or None], "changed"}`."""
    by_key = [{s["key"]: s for s in sections} for sections in (left, right)]
    keys = list(by_key[0]) + [k for k in by_key[1] if k not in by_key[0]]
    return [
        {
            "key": key,
            "title": (by_key[0].get(key) or by_key[1][key])["title"],
            "sides": [by_key[0].get(key), by_key[1].get(key)],
            "changed": by_key[0].get(key) != by_key[1].get(key),
        }
        for key in keys
    ]
