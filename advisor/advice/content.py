"""A plan's content, written in one pass from one Case. Pure: answers in, plain JSON data
out, in the active language. No database, no clock: the day a plan is written comes in
with the answers (`build(today=...)`).

The person's situation comes first, then the path. What is said lives in data: the
rules of advisor/advice/rules/ (what the situation puts first, rest, money, rights, and
the general steps), the path's archetype file (its milestones, risks, story), the law
files (every legal fact). Here the sections are put together in their order, and the
facts each sentence rests on are gathered for the sources.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from advisor.advice import catalogue, engine, formats, law
from advisor.advice.case import FIGURES, PACE, Case
from advisor.advice.catalogue import Benchmark
from advisor.advice.formats import money, number

__all__ = ["PACE", "build", "compare_sections", "first_things", "rules"]


@cache
def rules() -> engine.Rules:
    """The advice's rules, loaded and checked once per process (advisor.apps checks them
    at start-up)."""
    return engine.load(engine.RULES_DIR, FIGURES)


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    # The answers whose change would put another path first: plans written before they
    # moved to the result page have them in the match section.
    changes: list[str] = field(default_factory=list)


class Writer:
    """Says the rules of each place for one case, and keeps the facts they cite."""

    def __init__(self, case: Case):
        self.case = case
        self.rules = rules()
        self.cited: list[str] = []
        self.fired: list[str] = []

    def cite(self, *keys: str) -> None:
        self.cited += [key for key in dict.fromkeys(keys) if key not in self.cited]

    def said(self, place: str) -> list[engine.Said]:
        found = engine.say(self.rules.at(place), self.case.evidence, self.case.value)
        for said in found:
            self.cite(*said.facts)
            self.fired += [said.rule.id, *said.appended]
        return found

    def texts(self, place: str, kind: str) -> list[str]:
        return [s.text for s in self.said(place) if s.rule.kind == kind]

    def section(self, key: str) -> Section:
        """A section whose paragraphs and items are its rules' sentences."""
        said = self.said(key)
        return Section(
            key,
            self.title(key),
            paragraphs=[s.text for s in said if s.rule.kind == "paragraph"],
            items=[s.text for s in said if s.rule.kind == "item"],
        )

    def title(self, key: str) -> str:
        return engine.fill(self.rules.titles[key], self.case.value)

    def situations(self) -> list[dict[str, Any]]:
        found = []
        for situation in self.rules.present(self.case.evidence):
            said = self.said(situation.key)
            titles = [s.text for s in said if s.rule.kind == "title"]
            found.append(
                {
                    "key": situation.key,
                    "title": titles[0] if titles else engine.fill(situation.title, self.case.value),
                    "reasons": [s.text for s in said if s.rule.kind == "reason"],
                    "steps": [s.text for s in said if s.rule.kind == "step"],
                }
            )
        return found


def first_things(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What the person's situation puts first, as the plan shows it, for pages that show
    it before the plan is written (the result page, the counsellor's page)."""
    return Writer(Case(answers)).situations()


def _triage(writer: Writer) -> Section | None:
    flags = writer.situations()
    if not flags:
        return None
    return Section("triage", writer.title("triage"), flags=flags)


def _match(writer: Writer) -> Section:
    """The match and why. What another answer would change is the result page's
    (matching.what_would_change, worked out when it is shown): a plan says what to do."""
    case = writer.case
    section = writer.section("match")
    result, match = case.result, case.match_of(case.chosen)
    if case.story is None:
        return section
    section.items = [f.sentence for f in match.raised[:4]] + [f.sentence for f in match.lowered[:2]]
    if result.runner_up and result.best is match:
        section.paragraphs.append(result.runner_up.sentence)
    # How sure the match is belongs to the uncertainties, said once there.
    section.paragraphs.append(str(case.chosen.description))
    return section


def _rest(writer: Writer) -> Section | None:
    case = writer.case
    if not case.person.wants_rest:
        return None
    section = writer.section("rest")
    story = catalogue.rest_story()
    # A founder's months of reflection are no model for a carer's break or a mother's leave.
    # Nor for someone pregnant or ill: their rest is protected leave or treatment.
    reflection = case.rest_kind == "reflection" and case.rest_story_fits
    if (case.rest.months or case.rest.sick_leave) and story is not None and reflection:
        section.paragraphs.append(str(story))
    return section


def _milestones(writer: Writer) -> Section:
    case = writer.case
    section = writer.section("milestones")
    # The path's own word on its dates (an exam cycle already sat) comes before its steps.
    section.paragraphs[:0] = _notes(writer, "milestones")
    if case.story is None:
        steps = [
            (
                case.step_day(s.rule),
                s.text,
                catalogue.step_key("g", s.rule.id),
            )
            for s in writer.said("general")
        ]
    else:
        found = case.evidence
        # After a rest the onward path's steps replace the rest's own; beside a bridge
        # income they come with the bridge's (Case.onward).
        # The rest's own steps for a stated direction (try-outs in the work one wants to
        # leave tech for) stay.
        own = case.story.milestones
        if case.onward is not None and not case.story.income_now:
            own = tuple(m for m in own if any(c.key == "direction" for c in m.when))
        milestones = own + case.onward.archetype.milestones if case.onward else own
        steps = [
            (
                case.step_day(m),
                # A story's step names figures too (the exam's month, the reserve).
                engine.fill(m.text, case.value),
                m.key,
            )
            for m in milestones
            if (m.unless_skill is None or m.unless_skill not in case.person.skills)
            and m.holds(found)
            # After a rest taken by leaving the job, no step can lean on that job.
            and not (m.assumes_job and found["rest_ends_job"])
        ]
        if case.onward is not None and case.onward.archetype.grounds is not None:
            writer.cite(*_grounds_for(case, case.onward.archetype.grounds.facts))
    # A fixed day can come before steps the pace has moved later: in the order of the days.
    steps.sort(key=lambda step: step[0])
    keys = catalogue.unique_keys([key for _day, _text, key in steps])
    section.milestones = [
        {"day": day, "text": text, "key": key}
        for (day, text, _key), key in zip(steps, keys, strict=True)
    ]
    return section


def _plan_b(writer: Writer) -> Section:
    """Plan B, and the moments to switch to it, dated at the plan's pace; a moment the
    answers show has come is marked `now`."""
    case = writer.case
    section = writer.section("plan_b")
    if case.story is not None:
        now = case.switches_now()
        switches = sorted(case.switches, key=lambda w: w.day)
        keys = catalogue.unique_keys([w.key for w in switches])
        section.milestones = [
            {"day": case.day(w.day), "text": str(w.text), "now": w in now, "key": key}
            for w, key in zip(switches, keys, strict=True)
        ]
    return section


def _notes(writer: Writer, section: str) -> list[str]:
    """The story's own paragraphs for this section whose conditions hold."""
    story = writer.case.story
    if story is None:
        return []
    return [str(note.text) for note in story.notes_for(section) if note.holds(writer.case.evidence)]


def _money(writer: Writer) -> Section:
    section = writer.section("money")
    story = writer.case.story
    shown = [b for b in story.benchmarks if b.holds(writer.case.evidence)] if story else []
    if shown:
        section.paragraphs += _notes(writer, "money")
        section.items = [benchmark_text(b) for b in shown]
    if story is not None and story.grounds is not None:
        # A path no article tells rests on verified facts: they are its sources, but a
        # figure not shown to this person (the mainland's, to someone abroad) is not.
        hidden = {b.fact for b in story.benchmarks if b.fact} - {b.fact for b in shown}
        grounds = [f for f in _grounds_for(writer.case, story.grounds.facts) if f not in hidden]
        writer.cite(*grounds, *(b.fact for b in shown if b.fact))
    return section


def _grounds_for(case: Case, facts: Sequence[str]) -> list[str]:
    """A path's grounds that are this person's law: the mainland's facts (`cn.`) only for
    someone who works there or may move back; to anyone else they are another place's
    law, and the plan says where to ask instead."""
    if case.evidence["mainland_rules"]:
        return list(facts)
    return [key for key in facts if law.fact(key).jurisdiction != "cn"]


def benchmark_text(benchmark: Benchmark) -> str:
    value = benchmark.value
    currencies = {"yuan": "CNY", "US$": "USD", "HK$": "HKD", "S$": "SGD"}
    if benchmark.unit in currencies:
        amount = money(value, currencies[benchmark.unit])
    elif benchmark.unit == "%":
        amount = f"{value:g}%"
    else:
        amount = number(value)
    label = str(benchmark.label)
    if "{value}" in label:  # Chinese weaves the figure into the sentence
        return label.replace("{value}", amount)  # 第一年营收2000万元
    return f"{amount} {label}"  # 20 million yuan of revenue in the first year


def _risks(writer: Writer) -> Section | None:
    case = writer.case
    section = writer.section("risks")
    if case.story is not None:
        found = case.evidence
        section.items[:0] = [
            _("%(risk)s: %(how)s") % {"risk": risk.title, "how": risk.how}
            for risk in case.story.risks
            if risk.holds(found)
        ]
        section.paragraphs[:0] = _notes(writer, "risks")
    return section if section.items or section.paragraphs else None


def _resources(writer: Writer) -> Section | None:
    case = writer.case
    paths = [p for p in dict.fromkeys((case.story, case.lead)) if p is not None]
    found = [r for path in paths for r in path.resources if r.holds(case.evidence)]
    if not found:
        return None
    section = Section("resources", writer.title("resources"))
    section.sources = [_source(str(r.title), r.url, r.checked) for r in found]
    return section


def _source(citation: str, url: str, checked: datetime.date) -> dict[str, str]:
    """A page to check, and the day it was checked: ISO for machines, and as the reader
    writes a date (30 Nov 2026, 2026年11月30日)."""
    return {
        "citation": citation,
        "url": url,
        "checked": checked.isoformat(),
        "checked_label": _date_label(checked, get_language()),
    }


@lru_cache(maxsize=64)
def _date_label(day: datetime.date, language: str) -> str:
    """`day` as a reader of the active language, `language`, writes it: the sources of a
    plan share a few dates, and formatting one is slow."""
    return date_format(day)


def _uncertainties(writer: Writer) -> Section:
    case = writer.case
    # The law cited so far decides whether the plan says when it was checked.
    case.evidence["law_cited"] = bool(writer.cited)
    case.law_checked = max((law.fact(k).checked for k in writer.cited), default=None)
    return writer.section("uncertainties")


def _sources(writer: Writer) -> Section | None:
    cited = list(writer.cited)
    if not cited:
        return None
    section = writer.section("sources")
    section.sources = [
        _source(law.fact(key).citation, law.fact(key).url, law.fact(key).checked) for key in cited
    ]
    return section


def _counsellor_notes(writer: Writer) -> Section | None:
    notes = writer.case.notes
    return Section("notes", writer.title("notes"), items=list(notes)) if notes else None


def build(
    *,
    answers: Mapping[str, Any],
    archetype: str | None = None,
    by_counsellor: bool | None = None,
    notes: Sequence[str] = (),
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The plan for a complete, valid answer set, in the active language.

    `archetype` is the slug to write it for; the best match when None. `by_counsellor`
    says whether a counsellor chose it (a plan records this); when None, a path other
    than the best match is taken for a counsellor's choice. When no path fits well and no
    counsellor chose one, the plan follows no story: it gives general next steps, and
    says which paths were closest. `today` is the day it is written (dated steps, such
    as an exam's next cycle or a visa's last day, count from it); without it, the day the
    law was last checked.
    """
    with formats.one_language():
        case = Case(
            answers, archetype=archetype, by_counsellor=by_counsellor, notes=notes, today=today
        )
        return _build(case)


def _build(case: Case) -> dict[str, Any]:
    writer = Writer(case)
    sections = [
        _triage(writer),
        _match(writer),
        _rest(writer),
        _milestones(writer),
        _plan_b(writer),
        _money(writer),
        _risks(writer),
        writer.section("rights"),
        _resources(writer),
        _uncertainties(writer),
        _sources(writer),
        _counsellor_notes(writer),
    ]
    funds, rest, story = case.funds, case.rest, case.story
    return {
        "archetype": case.chosen.slug,
        "name": str(story.name) if story else _("No close path yet"),
        "close": story is not None,
        "rest_months": rest.total_months,
        # When the 30/60/90 days start, in months from now: after any maternity leave and
        # rest, unless the steps run on a clock of their own (a dispute, an offer, a leave
        # they are fitted into).
        "steps_start_months": case.steps_start_months,
        # Of those months, the maternity leave's (the timeline draws it as such).
        "leave_months": case.leave_months,
        "runway_months": funds.runway_months,
        "triage": [flag["key"] for flag in (sections[0].flags if sections[0] else [])],
        # The figures behind the plan's pictures (runway, hours against a legal cap).
        "figures": {
            "runway_months": funds.runway_months,
            "covered": funds.covered,
            "rest_months": rest.months,
            "sick_leave": rest.sick_leave,
            "reserve_months": round(funds.reserve_months, 1),
            "overtime": [case.hours.monthly, case.hours.cap] if case.hours else None,
            # Amounts for the runway's picture: None where the answers give none.
            "currency": funds.currency,
            "money": (funds.savings or 0) + funds.lump_sum if funds.savings is not None else None,
            "reserve": funds.reserve if funds.savings is not None else None,
        },
        "sections": [vars(s) for s in sections if s is not None],
        # The checklist's length, for My plans, which reads plans without their content.
        "milestone_count": len(sections[3].milestones),
        # Which rules made this plan: `manage.py rules why` explains each.
        "rules": writer.fired,
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
