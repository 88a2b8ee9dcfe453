"""A plan's content, written from a person's own answers, one section at a time.

Pure: answers in, plain JSON data out, in the active language. No database, no clock.
The person's situation comes first (triage), then the path: what a path says (its
milestones, risks and story) comes from its archetype file, what the law says from
advisor/advice/law/, and what is said to everyone is here, marked for translation.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advisor.advice import catalogue, evidence, law, matching, money, rights, triage
from advisor.advice.catalogue import Archetype, Benchmark
from advisor.advice.money import Money
from profiles import questionnaire
from profiles.answers import Answers
from profiles.formats import is_chinese, number, sentences, us_dollars, yuan
from profiles.formats import months as month_count

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
    # The answers whose change would put another path first (the match section).
    changes: list[str] = field(default_factory=list)


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
    if not person.wants_rest:
        return Rest(0, False)
    sick_leave = person.health_followup == "on_sick_leave" or (
        person.fainted_or_ill and person.employed and person.jurisdiction in ("cn", "hk")
    )
    wanted = REST_WANTED.get(person.need_break, 1)
    if funds.covered:
        affordable = wanted
    else:
        affordable = math.floor(max(0.0, funds.runway_months - funds.reserve_months))
    months = min(wanted, person.months_off, affordable)
    # Someone who fainted rests a month even if it dips into the reserve, unless sick
    # leave pays for it or there is not a month's money at all.
    if person.fainted_or_ill and not sick_leave and months < 1 and funds.runway_months >= 1:
        return Rest(1, False, dips_into_reserve=True)
    return Rest(months, sick_leave)


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


def _match_section(
    archetype: Archetype,
    result: matching.Result,
    changes: Sequence[matching.Change],
    *,
    chosen_by_counsellor: bool,
) -> Section:
    match = next(m for m in result.matches if m.archetype.slug == archetype.slug)
    section = Section("match", _("The match and why"))
    if not result.close and not chosen_by_counsellor:
        section.paragraphs.append(
            _(
                "None of Leap's paths fits you well. The closest is %(name)s, at %(score)d out "
                "of 100: a story near yours, not yours. So this plan does not follow any "
                "story: it starts from your situation and gives general next steps, and a "
                "counsellor can look at it with you."
            )
            % {"name": archetype.name, "score": match.score}
        )
    else:
        section.paragraphs.append(
            _("%(name)s: %(score)d / 100, %(fit)s. %(summary)s")
            % {
                "name": archetype.name,
                "score": match.score,
                "fit": match.fit_label.lower(),
                "summary": archetype.summary,
            }
        )
    if chosen_by_counsellor:
        section.paragraphs.append(
            _(
                "Your counsellor chose this path for you; the best match on your answers "
                "alone was %(best)s."
            )
            % {"best": result.best.archetype.name}
        )
    section.changes = [change.sentence for change in changes]
    if not result.close and not chosen_by_counsellor:
        section.items = [
            _("Closest: %(name)s (%(score)d / 100, %(fit)s).")
            % {"name": m.archetype.name, "score": m.score, "fit": m.fit_label.lower()}
            for m in result.matches[:3]
        ]
        return section
    section.items = [f.sentence for f in match.raised[:4]] + [f.sentence for f in match.lowered[:2]]
    if result.runner_up and result.best is match:
        section.paragraphs.append(result.runner_up.sentence)
    # How sure the match is belongs to the uncertainties, said once there.
    section.paragraphs.append(str(archetype.description))
    return section


def _rest_section(person: Answers, funds: Money, rest: Rest) -> Section | None:
    if not person.wants_rest:
        return None
    section = Section("rest", _("Rest and reflection first"))
    if rest.months or rest.sick_leave:
        opening = (
            _(
                "This is not a diagnosis. It is a reason to stop before you start: the path "
                "below waits until you have rested."
            )
            if person.strain_is_high
            else _("You asked for a break before anything new: the plan makes room for it first.")
        )
    else:
        opening = (
            _("This is not a diagnosis, but what you told us is a reason to rest.")
            if person.strain_is_high
            else _("You asked for a break before anything new.")
        )
    section.paragraphs.append(opening)
    if rest.sick_leave:
        section.paragraphs.append(
            _(
                "Rest starts on sick leave, for as long as your doctor advises: it is paid, "
                "so it does not spend your savings."
            )
        )
    affordable = max(0.0, funds.runway_months - funds.reserve_months)
    if funds.covered:
        sizing = _("Other income covers your costs, so your savings do not limit the rest.")
    elif affordable < 1:
        sizing = _(
            "Your money lasts about %(runway)s without a salary: no more than the %(reserve)s "
            "Leap keeps untouched as a reserve, so rest cannot come from savings."
        ) % {
            "runway": month_count(funds.runway_months),
            "reserve": month_count(funds.reserve_months),
        }
    else:
        sizing = _(
            "Your money lasts about %(runway)s without a salary; %(reserve)s of it stays "
            "untouched as a reserve, which leaves %(affordable)s for rest."
        ) % {
            "runway": month_count(funds.runway_months),
            "reserve": month_count(funds.reserve_months),
            "affordable": month_count(affordable),
        }
    if not person.months_off:
        said = _("You said you could not take time off now.")
    elif rest.months:
        said = _("You said you could take %(off)s off. Rest from savings: %(rest)s.") % {
            "off": month_count(person.months_off),
            "rest": month_count(rest.months),
        }
    elif rest.sick_leave:
        said = _(
            "You said you could take %(off)s off: your savings cannot pay for it, so your "
            "sick leave is your rest."
        ) % {"off": month_count(person.months_off)}
    else:
        said = _("You said you could take %(off)s off: your savings cannot pay for it yet.") % {
            "off": month_count(person.months_off)
        }
    section.paragraphs.append(sentences(sizing, said))
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
        # What must happen before the break: the milestones only start after it.
        before = {
            "employed": _(
                "Before the break begins: agree your last day or your leave dates in writing, "
                "hand over your work, and switch off work messages on the first day."
            ),
            "notice": _(
                "Before the break begins: agree your last day in writing, hand over your work, "
                "and switch off work messages on the first day."
            ),
            "laid_off": _(
                "In the first week, deal with the first steps at the top of your plan "
                "(severance, the papers from your employer, the deadlines), then stop."
            ),
        }
        section.items = [
            # Someone already on sick leave has begun the break.
            *(
                [before[person.employment_status]]
                if person.employment_status in before and person.health_followup != "on_sick_leave"
                else []
            ),
            _("First weeks: stop. No plans, no job boards, no work messages."),
            _("Then: one conversation a week with someone whose work you envy."),
            _("Last weeks: write down what you want your next working week to look like."),
        ]
    else:
        # No months off: say whether the money or the person's own answer rules them out.
        reason = (
            _("Your money does not allow months off yet.")
            if affordable < 1 and not funds.covered
            else _("Until you can take time off, rest has to fit around work.")
        )
        section.paragraphs.append(
            sentences(
                reason,
                _(
                    "Take the leave you are owed in one block, keep evenings and one full day "
                    "a week free of work, and see the steps at the top of this plan first."
                )
                if person.employed
                else _(
                    "Keep evenings and one full day a week free of the search for work, keep "
                    "regular hours of sleep, and see the steps at the top of this plan first."
                ),
            )
        )
    return section


# How fast the 30/60/90 days run, by when the person wants to move: someone starting as
# soon as they can keeps the pace, someone just exploring takes three times as long.
PACE = {"now": 1, "3_months": 1, "6_months": 2, "1_year": 3, "exploring": 3}


def _milestones_section(
    person: Answers,
    archetype: Archetype | None,
    rest: Rest,
    funds: Money,
    found: Mapping[str, Any],
) -> Section:
    pace = PACE.get(person.timeline, 1)
    days = [day * pace for day in catalogue.MILESTONE_DAYS]
    section = Section(
        "milestones",
        _("%(first)d, %(second)d and %(third)d days")
        % {"first": days[0], "second": days[1], "third": days[2]},
    )
    if person.timeline == "6_months":
        section.paragraphs.append(
            _("You plan to move within six months, so the steps are spread over %(days)d days.")
            % {"days": days[2]}
        )
    elif pace > 1:
        section.paragraphs.append(
            _(
                "You are in no hurry, so the steps are spread over %(days)d days instead of "
                "90: take each as an experiment, not a commitment."
            )
            % {"days": days[2]}
        )
    elif person.timeline == "now":
        section.paragraphs.append(
            _("You want to move as soon as you can, so the steps keep the full pace.")
        )
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
            % {"rest": month_count(rest.months)}
        )
    if archetype is None:
        steps = _general_steps(person, funds)
    else:
        steps = [
            (milestone.day, str(milestone.text))
            for milestone in archetype.milestones
            if (milestone.unless_skill is None or milestone.unless_skill not in person.skills)
            and milestone.holds(found)
        ]
    section.milestones = [{"day": day * pace, "text": text} for day, text in steps]
    return section


def _general_steps(person: Answers, funds: Money) -> list[tuple[int, str]]:
    """Next steps when no story is close: the person's own situation, no one else's."""
    if person.direction in ("found", "freelance") and person.employment_status != "self_employed":
        return [
            (
                30,
                _(
                    "Write down the problem you would solve and for whom. Talk to ten people "
                    "who have it, and ask what they pay for today."
                ),
            ),
            (
                60,
                _(
                    "Sell a first small piece of it before you build: a paid pilot, a "
                    "pre-order, one client. Keep your costs within what your runway allows."
                ),
            ),
            # Someone with a job tests the idea beside it; without one, against the runway.
            (
                90,
                _(
                    "Decide with figures: what it has earned beside your job, and what it "
                    "cost. Leave the job only once it has covered your monthly costs for three "
                    "months running."
                )
                if person.employed
                else _(
                    "Decide with figures: what it has earned, what it cost, and how many months "
                    "of runway remain. Set the date by which it must pay you, or you take a job."
                ),
            ),
        ]
    if person.left_a_job and person.direction != "leave_tech":
        below_reserve = not funds.covered and funds.runway_months < funds.reserve_months
        steps = [
            (
                30,
                _(
                    "Write to ten people who know your work: what you did, what you want next, "
                    "and one introduction you would value. Update your CV with figures."
                ),
            ),
            (
                60,
                _(
                    "Apply to a short list each week, and after each interview write down what "
                    "they asked that you could not answer well; prepare that next."
                ),
            ),
        ]
        if below_reserve:
            # The reserve is already reached: a bridge job is this month's step, not a
            # fallback for day 90.
            steps.insert(
                1,
                (
                    30,
                    _(
                        "Your money is already below the reserve: look for contract or bridge "
                        "work now, beside the search, and take it if it covers your costs."
                    ),
                ),
            )
            steps.append(
                (
                    90,
                    _(
                        "Compare what the search has brought with what you need each month: "
                        "if no offer is near, widen the search to other roles or cities."
                    ),
                )
            )
        else:
            steps.append(
                (
                    90,
                    _(
                        "Compare what the search has brought with your runway: widen the "
                        "search, or take a bridge job, before the reserve is reached."
                    ),
                )
            )
        return steps
    if person.employment_status == "self_employed":
        return [
            (
                30,
                _(
                    "List your clients of the last twelve months: what each paid, the hours "
                    "each took, and when they paid. Work out what an hour earns you after "
                    "costs and tax."
                ),
            ),
            (
                60,
                _(
                    "Put every new job on a written agreement with a deposit and payment "
                    "dates. Quote new clients above your present rate, and ask two satisfied "
                    "clients for an introduction each."
                ),
            ),
            (
                90,
                _(
                    "Compare three months of income with your costs. If it covers them, build "
                    "the reserve first; if not, decide whether part-time or contract work "
                    "beside your clients closes the gap."
                ),
            ),
        ]
    if person.direction == "join":
        return [
            (
                30,
                _(
                    "Write down what the next job must have and must not: hours, on-call, the "
                    "lowest pay you would take, the work. Ask three people at employers you "
                    "would consider what a normal week there looks like."
                ),
            ),
            (
                60,
                _(
                    "Apply to a short list. In every interview ask about hours, on-call and "
                    "weekend work, and how the team met its last deadline."
                ),
            ),
            (
                90,
                _(
                    "Compare each offer with the list you wrote at the start, not only on pay; "
                    "hand in your notice only with a signed offer."
                )
                if person.employment_status == "employed"
                else _(
                    "Compare each offer with the list you wrote at the start, not only on pay, "
                    "and get it signed before you say yes to a start date."
                ),
            ),
        ]
    if person.direction == "leave_tech":
        return [
            (
                30,
                _(
                    "Talk to two people who left tech for the work you are considering: what "
                    "their first year cost, paid and asked of them."
                ),
            ),
            (
                60,
                _(
                    "Try it small while you still have an income: a course, a weekend of the "
                    "work, an exam date, a trial month."
                ),
            ),
            (
                90,
                _(
                    "Decide with figures: what it pays, the hours, what it costs to start, and "
                    "what you give up. Then edit your answers and write a new plan."
                ),
            ),
        ]
    return [
        (
            30,
            _(
                "Write down the two or three moves you are weighing, and for each the one "
                "question that would decide it. Put each question to someone who made that move."
            ),
        ),
        (
            60,
            _(
                "Try the likeliest one small, beside your income if you have one: a project, a "
                "course, a trial week."
            ),
        ),
        (
            90,
            _(
                "Decide with figures: what it pays, the hours, and what it costs. Then edit your "
                "answers and write a new plan."
            ),
        ),
    ]


def _money_section(
    person: Answers, story: Archetype | None, funds: Money, rest: Rest, found: Mapping[str, Any]
) -> Section:
    section = Section("money", _("Money"))
    amount = person.amount
    if person.version == 1:
        section.paragraphs.append(
            _("Runway: your savings cover %(savings)s of expenses.")
            % {"savings": month_count(funds.runway_months)}
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
            % {
                "rest": month_count(rest.months),
                "left": month_count(funds.months_after(rest.months)),
            }
        )
    if funds.monthly_need and person.version == 2 and not funds.covered:
        section.paragraphs.append(_income_needed(funds, amount, after_rest=bool(rest.months)))
        if not rest.months:
            section.paragraphs.append(_before_the_reserve(person, funds, amount))
    if person.severance_status and person.severance_status != "none" and not funds.lump_sum:
        if person.severance_status == "agreed":
            unpaid = _(
                "If the severance agreed is not paid yet, it is not in these figures: add it "
                "under “%(question)s” in your answers, and a new version of this plan counts it."
            )
        else:
            unpaid = _(
                "The severance you are owed is not in these figures. Once the amount is agreed, "
                "add it under “%(question)s” in your answers: a new version of this plan "
                "counts it."
            )
        section.paragraphs.append(unpaid % {"question": questionnaire.QUESTIONS["lump_sum"].label})
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
            if person.employed
            else _(
                "Less than six months of runway is thin: put income first, a bridge job "
                "included, and make the bigger change from there."
            )
        )
    section.paragraphs += list(funds.assumptions)
    if story is not None and story.benchmarks:
        section.paragraphs.append(
            (
                _(
                    "The figures below come from one story, told in the article “%(title)s”: "
                    "one success, not a typical result, and not a forecast of yours."
                )
                if story.source.success
                else _(
                    "The figures below come from one story, told in the article “%(title)s”: "
                    "not a typical result, and not a forecast of yours."
                )
            )
            % {"title": story.source.title}
        )
        section.paragraphs += _notes(story, "money", found)
        section.items = [benchmark_text(b) for b in story.benchmarks]
    return section


def _income_needed(funds: Money, amount, *, after_rest: bool) -> str:
    """What a new path must pay, and the reserve to keep meanwhile."""
    values = {
        "need": amount(funds.monthly_need),
        "reserve": amount(funds.reserve or 0),
        "side": amount(funds.side_income),
    }
    if funds.side_income:
        return (
            _(
                "Your own work brings in %(side)s a month; to live on it, it must bring in "
                "at least %(need)s more, after tax. Income from your own clients can stop "
                "from one month to the next: keep %(reserve)s, three months of costs "
                "without it, untouched as a reserve."
            )
            % values
        )
    if after_rest:
        return (
            _(
                "Whatever path you take, by then it must pay you at least %(need)s a month "
                "after tax: that is what leaves your account now. Keep %(reserve)s, three "
                "months of it, untouched as a reserve."
            )
            % values
        )
    return (
        _(
            "Whatever path you take must in the end pay you at least %(need)s a month after "
            "tax: that is what leaves your account now. Keep %(reserve)s, three months of "
            "it, untouched as a reserve."
        )
        % values
    )


def _before_the_reserve(person: Answers, funds: Money, amount) -> str:
    """What can be spent before the reserve: the figure a job search runs against."""
    spendable = (funds.savings or 0) + funds.lump_sum - (funds.reserve or 0)
    if spendable <= 0:
        if person.employed:
            return _("Your savings do not yet reach that reserve: build it before any gap in pay.")
        return _(
            "Your savings are already below that reserve: an income, even a bridge job, comes "
            "before anything else."
        )
    months = round(spendable / funds.monthly_need, 1)
    return ngettext(
        "That leaves %(spendable)s to spend before you touch it: about %(months)s month at "
        "what leaves your account now.",
        "That leaves %(spendable)s to spend before you touch it: about %(months)s months at "
        "what leaves your account now.",
        1 if months == 1 else 2,
    ) % {"spendable": amount(spendable), "months": number(months)}


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
        "runway": month_count(funds.runway_months),
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


def _risks_section(
    person: Answers, story: Archetype | None, found: Mapping[str, Any]
) -> Section | None:
    section = Section("risks", _("Risks, and how to meet them"))
    if story is not None:
        section.items = [
            _("%(risk)s: %(how)s") % {"risk": risk.title, "how": risk.how}
            for risk in story.risks
            if risk.holds(found)
        ]
        section.paragraphs = _notes(story, "risks", found)
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
    return section if section.items or section.paragraphs else None


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


def _resources_section(story: Archetype | None, found: Mapping[str, Any]) -> Section | None:
    resources = [r for r in story.resources if r.holds(found)] if story else []
    if not resources:
        return None
    section = Section("resources", _("Resources"))
    section.sources = [_source(str(r.title), r.url, r.checked) for r in resources]
    return section


def _source(citation: str, url: str, checked: datetime.date) -> dict[str, str]:
    """A page to check, and the day it was checked: ISO for machines, and as the reader
    writes a date (30 Nov 2026, 2026年11月30日)."""
    return {
        "citation": citation,
        "url": url,
        "checked": checked.isoformat(),
        "checked_label": date_format(checked),
    }


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
        section.sources.append(_source(fact.citation, fact.url, fact.checked))
    return section


def _notes_section(notes: Sequence[str]) -> Section | None:
    if not notes:
        return None
    return Section("notes", _("Your counsellor's notes"), items=list(notes))


def _uncertainties_section(
    person: Answers,
    result: matching.Result,
    story: Archetype | None,
    cited: Sequence[str],
) -> Section:
    section = Section("uncertainties", _("What this plan cannot know"))
    section.items.append(
        _(
            "Leap does not know your contract, your health or your city's own rules; where "
            "they matter, the plan says where to check. It is advice, not a diagnosis or a "
            "legal opinion."
        )
    )
    if result.confidence.level != "high":
        section.items.append(result.confidence.sentence)
    if story is not None and story.benchmarks:
        section.items.append(
            _(
                "The figures from this path's story come from one article, about one person "
                "or one company: not a typical result, and not a forecast of yours."
            )
        )
    if cited:
        checked = max(law.fact(key).checked for key in cited)
        section.items.append(
            _(
                "The law in this plan was checked on %(date)s. Laws and city rules change: "
                "follow the links under the sources before you rely on one."
            )
            % {"date": date_format(checked)}
        )
    revisit = 6 if person.timeline in ("1_year", "exploring") else 3
    section.items.append(
        _(
            "Come back to this plan in %(months)s, or as soon as your job, health, money or "
            "family changes: edit your answers, and a new version is written."
        )
        % {"months": month_count(revisit)}
    )
    return section


def build(
    *,
    answers: Mapping[str, Any],
    archetype: str | None = None,
    by_counsellor: bool | None = None,
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    """The plan for a complete, valid answer set, in the active language.

    `archetype` is the slug to write it for; the best match when None. `by_counsellor`
    says whether a counsellor chose it (a plan records this); when None, a path other
    than the best match is taken for a counsellor's choice. When no path fits well and no
    counsellor chose one, the plan follows no story: it gives general next steps, and
    says which paths were closest.
    """
    result = matching.rank(answers)
    chosen = catalogue.by_slug(archetype) if archetype else result.best.archetype
    if chosen is None:
        raise ValueError(f"There is no archetype “{archetype}”.")
    if by_counsellor is None:
        by_counsellor = chosen.slug != result.best.archetype.slug
    story = chosen if result.close or by_counsellor else None
    person = Answers.of(answers)
    funds = money.of(person)
    found = evidence.of(answers)
    rest = rest_of(person, funds)
    flags = triage.triage(person, funds)
    rights_found = rights.rights(person)
    changes = matching.what_would_change(answers, result)
    cited = [key for flag in flags for key in flag.facts] + rights_found.facts
    if person.restrictions in ("noncompete", "both") and person.jurisdiction == "cn":
        cited += NONCOMPETE_FACTS
    sections = [
        _triage_section(flags),
        _match_section(chosen, result, changes, chosen_by_counsellor=by_counsellor),
        _rest_section(person, funds, rest),
        _milestones_section(person, story, rest, funds, found),
        _money_section(person, story, funds, rest, found),
        _risks_section(person, story, found),
        _rights_section(rights_found),
        _resources_section(story, found),
        _uncertainties_section(person, result, story, cited),
        _sources_section(cited),
        _notes_section(notes),
    ]
    return {
        "archetype": chosen.slug,
        "name": str(story.name) if story else _("No close path yet"),
        "close": story is not None,
        "rest_months": rest.total_months,
        "runway_months": funds.runway_months,
        "triage": [flag.key for flag in flags],
        # The figures behind the plan's pictures (runway, hours against a legal cap).
        "figures": {
            "runway_months": funds.runway_months,
            "covered": funds.covered,
            "rest_months": rest.months,
            "sick_leave": rest.sick_leave,
            "reserve_months": round(funds.reserve_months, 1),
            "overtime": list(rights_found.overtime) if rights_found.overtime else None,
            # Amounts for the runway's picture: None where the answers give none.
            "currency": funds.currency,
            "money": (funds.savings or 0) + funds.lump_sum if funds.savings is not None else None,
            "reserve": funds.reserve if funds.savings is not None else None,
        },
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
