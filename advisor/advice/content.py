"""A plan's content, written from a person's own answers, one section at a time.

Pure: answers in, plain JSON data out, in the active language. No database, no clock.
The person's situation comes first (triage), then the path: what a path says (its
milestones, risks and story) comes from its archetype file, what the law says from
advisor/advice/law/, and what is said to everyone is here, marked for translation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advisor.advice import catalogue, evidence, law, matching, money, rights, triage
from advisor.advice.catalogue import Archetype, Benchmark
from advisor.advice.money import RESERVE_MONTHS, Money
from profiles.answers import Answers
from profiles.formats import is_chinese, number, sentences, us_dollars, yuan

REST_WANTED = {"long": 6, "short": 1, "no": 1}  # months; Li Jing took six


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Rest:
    """Rest before any path: on sick leave first where a job and illness allow it, then
    months from savings, sized by need and capped by what the money allows."""

    months: int  # from savings
    sick_leave: bool
    dips_into_reserve: bool = False

    @property
    def total_months(self) -> int:
        """Months before the path's milestones start (sick leave counts as one at least)."""
        return max(self.months, 1 if self.sick_leave else 0)


def rest_of(person: Answers, funds: Money) -> Rest:
    if not person.strain_is_high:
        return Rest(0, False)
    sick_leave = person.health_followup == "on_sick_leave" or (
        person.fainted_or_ill and person.employed and person.jurisdiction in ("cn", "hk")
    )
    wanted = REST_WANTED.get(person.need_break, 1)
    if funds.covered:
        affordable = wanted
    else:
        affordable = math.floor(max(0.0, funds.runway_months - RESERVE_MONTHS))
    months = min(wanted, person.months_off, affordable)
    # Someone who fainted rests a month even if it dips into the reserve, unless sick
    # leave pays for it or there is not a month's money at all.
    if person.fainted_or_ill and not sick_leave and months < 1 and funds.runway_months >= 1:
        return Rest(1, False, dips_into_reserve=True)
    return Rest(months, sick_leave)


def _months(count: float) -> str:
    whole = math.floor(count)
    return ngettext("%(count)d month", "%(count)d months", whole) % {"count": whole}


def _notes(archetype: Archetype, section: str, found: Mapping[str, Any]) -> list[str]:
    """The archetype's own paragraphs for this section whose conditions hold."""
    return [str(note.text) for note in archetype.notes_for(section) if note.holds(found)]


def _flag_data(flag: triage.Flag) -> dict[str, Any]:
    return {
        "key": flag.key,
        "title": flag.title,
        "reasons": list(flag.reasons),
        "steps": [step.text for step in flag.steps],
    }


def first_things(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What the person's situation puts first, as the plan shows it, for pages that show
    it before the plan is written (the result page, the counsellor's page)."""
    person = Answers.of(answers)
    return [_flag_data(flag) for flag in triage.triage(person, money.of(person))]


def _triage_section(flags: Sequence[triage.Flag]) -> Section | None:
    if not flags:
        return None
    section = Section("triage", _("First things first"))
    section.flags = [_flag_data(flag) for flag in flags]
    return section


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


def _rest_section(person: Answers, funds: Money, rest: Rest) -> Section | None:
    if not person.strain_is_high:
        return None
    section = Section("rest", _("Rest and reflection first"))
    section.paragraphs.append(
        _(
            "This is not a diagnosis. It is a reason to stop before you start: the path below "
            "waits until you have rested."
        )
    )
    if rest.sick_leave:
        section.paragraphs.append(
            _(
                "Rest starts on sick leave, for as long as your doctor advises: it is paid, "
                "so it does not spend your savings."
            )
        )
    if funds.covered:
        sizing = _("Other income covers your costs, so your savings do not limit the rest.")
    else:
        sizing = _(
            "Your money lasts about %(runway)s without a salary; %(reserve)s of it stays "
            "untouched as a reserve, which leaves %(affordable)s for rest."
        ) % {
            "runway": _months(funds.runway_months),
            "reserve": _months(RESERVE_MONTHS),
            "affordable": _months(max(0.0, funds.runway_months - RESERVE_MONTHS)),
        }
    section.paragraphs.append(
        sentences(
            sizing,
            _("You said you could take %(off)s off. Rest from savings: %(rest)s.")
            % {"off": _months(person.months_off), "rest": _months(rest.months)},
        )
    )
    if rest.dips_into_reserve:
        section.paragraphs.append(
            _(
                "One month of rest, even though it dips into your reserve: you fainted or "
                "fell ill because of work, and that comes before the reserve."
            )
        )
    if rest.months or rest.sick_leave:
        story = catalogue.rest_story()
        if story is not None:
            section.paragraphs.append(str(story))
        section.items = [
            _("First weeks: stop. No plans, no job boards, no work messages."),
            _("Then: one conversation a week with someone whose work you envy."),
            _("Last weeks: write down what you want your next working week to look like."),
        ]
    else:
        section.paragraphs.append(
            _(
                "Your money does not allow months off yet. Take the leave you are owed in one "
                "block, keep evenings and one full day a week free of work, and see the steps "
                "at the top of this plan first."
            )
        )
    return section


def _milestones_section(
    person: Answers, archetype: Archetype, rest: Rest, found: Mapping[str, Any]
) -> Section:
    section = Section("milestones", _("30, 60 and 90 days"))
    if rest.sick_leave:
        section.paragraphs.append(
            _(
                "The days count from the end of your sick leave and rest, and begin only when "
                "your doctor agrees."
            )
        )
    elif rest.months:
        section.paragraphs.append(
            _("The days count from the end of your rest, %(rest)s from now.")
            % {"rest": _months(rest.months)}
        )
    for milestone in archetype.milestones:
        if milestone.unless_skill is not None and milestone.unless_skill in person.skills:
            continue
        if milestone.holds(found):
            section.milestones.append({"day": milestone.day, "text": str(milestone.text)})
    return section


def _money_section(
    person: Answers, archetype: Archetype, funds: Money, rest: Rest, found: Mapping[str, Any]
) -> Section:
    section = Section("money", _("Money"))
    amount = person.amount
    if person.version == 1:
        section.paragraphs.append(
            _("Runway: your savings cover %(savings)s of expenses.")
            % {"savings": _months(funds.runway_months)}
        )
        if funds.monthly_need:
            section.paragraphs.append(
                _("Your income floor is %(month)s a month: %(year)s a year.")
                % {"month": amount(funds.monthly_need), "year": amount(funds.monthly_need * 12)}
            )
    elif funds.covered:
        section.paragraphs.append(
            _(
                "Your costs of %(expenses)s a month are covered by other income (%(other)s), "
                "so your savings of %(savings)s are not drawn on while it lasts."
            )
            % {
                "expenses": amount(funds.monthly_expenses or 0),
                "other": amount(funds.partner_income + funds.side_income),
                "savings": amount(funds.savings or 0),
            }
        )
    else:
        section.paragraphs.append(_runway_sum(funds, amount))
    if not funds.covered and rest.months:
        section.paragraphs.append(
            _("After %(rest)s of rest, %(left)s remain before the new path must pay you.")
            % {"rest": _months(rest.months), "left": _months(funds.months_after(rest.months))}
        )
    if funds.monthly_need and person.version == 2 and not funds.covered:
        section.paragraphs.append(
            _(
                "Whatever path you take, by then it must pay you at least %(need)s a month "
                "after tax: that is what leaves your account now. Keep %(reserve)s, three "
                "months of it, untouched as a reserve."
            )
            % {"need": amount(funds.monthly_need), "reserve": amount(funds.reserve or 0)}
        )
    if person.dependants:
        section.paragraphs.append(
            ngettext(
                "%(count)d person depends on your income: their needs are part of that figure.",
                "%(count)d people depend on your income: their needs are part of that figure.",
                person.dependants,
            )
            % {"count": person.dependants}
        )
    if person.housing == "mortgage" and not funds.covered:
        section.paragraphs.append(
            _("Your mortgage has to be paid through any rest or gap: it is in your costs.")
        )
    if not funds.covered and funds.months_after(rest.months) < 6:
        section.paragraphs.append(
            _(
                "Less than six months of runway is thin for a change: keep a salary, or build "
                "the runway before you leap."
            )
        )
    section.paragraphs += list(funds.assumptions)
    section.paragraphs += _notes(archetype, "money", found)
    section.items = [benchmark_text(b) for b in archetype.benchmarks]
    return section


def _runway_sum(funds: Money, amount) -> str:
    """The runway, worked out where the person can check it."""
    parts = [_("your savings of %(savings)s") % {"savings": amount(funds.savings or 0)}]
    if funds.lump_sum:
        parts.append(_("lump sums of %(lump)s") % {"lump": amount(funds.lump_sum)})
    costs = _("costs of %(expenses)s") % {"expenses": amount(funds.monthly_expenses or 0)}
    if funds.partner_income or funds.side_income:
        costs += _(", less other income of %(other)s") % {
            "other": amount(funds.partner_income + funds.side_income)
        }
    if funds.social_insurance:
        costs += _(", plus social insurance you pay yourself, %(si)s") % {
            "si": amount(funds.social_insurance)
        }
    return _(
        "Runway: %(money)s, against %(costs)s, leaves %(need)s to find each month. "
        "%(total)s ÷ %(need)s = %(runway)s without a salary."
    ) % {
        "money": _(" and ").join(parts),
        "costs": costs,
        "need": amount(funds.monthly_need or 0),
        "total": amount((funds.savings or 0) + funds.lump_sum),
        "runway": _months(funds.runway_months),
    }


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
    return f"{amount} {benchmark.label}"  # 10 million yuan of revenue in a year


def _risks_section(person: Answers, archetype: Archetype, found: Mapping[str, Any]) -> Section:
    section = Section("risks", _("Risks, and how to meet them"))
    section.items = [
        _("%(risk)s: %(how)s") % {"risk": risk.title, "how": risk.how} for risk in archetype.risks
    ]
    section.paragraphs = _notes(archetype, "risks", found)
    if person.restrictions in ("noncompete", "both"):
        section.items.append(_noncompete(person))
    if person.restrictions in ("side_job_ban", "both") and person.side_business != "none":
        section.items.append(
            _(
                "Your contract bans side jobs and you have a side business: settle which "
                "comes first before your employer finds out, and keep the business off its "
                "time and its equipment."
            )
        )
    return section


def _noncompete(person: Answers) -> str:
    if person.jurisdiction != "cn":
        return _(
            "Your contract has a non-compete: before you join a competitor or start a "
            "similar business, ask a lawyer where you work whether it binds you."
        )
    term = law.fact("cn.noncompete.who_and_max_term")["max_years"]
    pay = law.fact("cn.noncompete.default_compensation_30pct")["pct_of_avg_monthly_wage"]
    return _(
        "Your contract has a non-compete (竞业限制). It can bind only senior managers, senior "
        "technical staff and others bound to confidentiality, for %(years)d years at most "
        "after you leave, and you are paid each month while it runs; if no sum was agreed "
        "and you keep to it, courts award %(pct)d%% of your average monthly pay. Since "
        "September 2025, a court will hold that it does not take effect if you never knew or "
        "had access to the employer's secrets. Read the clause before you found or join "
        "anything similar, and do not take code or documents with you."
    ) % {"years": term, "pct": pay}


NONCOMPETE_FACTS = (
    "cn.noncompete.who_and_max_term",
    "cn.noncompete.confidentiality_and_monthly_compensation",
    "cn.noncompete.default_compensation_30pct",
    "cn.noncompete.must_match_secrets",
)


def _rights_section(found: rights.Rights) -> Section:
    section = Section("rights", found.title)
    section.paragraphs = list(found.paragraphs)
    section.items = list(found.items)
    return section


def _resources_section(archetype: Archetype) -> Section:
    section = Section("resources", _("Resources"))
    section.items = [str(r.title) + (f" ({r.url})" if r.url else "") for r in archetype.resources]
    return section


def _sources_section(keys: Sequence[str]) -> Section | None:
    if not keys:
        return None
    section = Section("sources", _("Sources of the law in this plan"))
    section.paragraphs.append(
        _(
            "Each rule above comes from the text below, checked on the date given. Laws "
            "change: follow the link before you rely on one."
        )
    )
    for key in dict.fromkeys(keys):
        fact = law.fact(key)
        section.sources.append(
            {"citation": fact.citation, "url": fact.url, "checked": fact.checked.isoformat()}
        )
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
    funds = money.of(person)
    found = evidence.of(answers)
    rest = rest_of(person, funds)
    flags = triage.triage(person, funds)
    rights_found = rights.rights(person)
    sections = [
        _triage_section(flags),
        _match_section(chosen, result),
        _rest_section(person, funds, rest),
        _milestones_section(person, chosen, rest, found),
        _money_section(person, chosen, funds, rest, found),
        _risks_section(person, chosen, found),
        _rights_section(rights_found),
        _resources_section(chosen),
    ]
    cited = [key for flag in flags for key in flag.facts] + rights_found.facts
    if person.restrictions in ("noncompete", "both") and person.jurisdiction == "cn":
        cited += NONCOMPETE_FACTS
    sections += [_sources_section(cited), _notes_section(notes)]
    return {
        "archetype": chosen.slug,
        "name": str(chosen.name),
        "rest_months": rest.total_months,
        "runway_months": funds.runway_months,
        "triage": [flag.key for flag in flags],
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
