"""One person's case, worked out once: the answers, the money, the ranking, the rest, the
hours against the law, and what the rules of the advice may turn on. Pure.

A plan is written in one pass from one Case (advisor/advice/content.py): nothing here is
computed twice. `evidence` is what the rules' conditions read (the answers, and the facts
of advisor.advice.evidence.WORKED); `value(name)` fills their placeholders: a figure of
FIGURES, formatted in the active language, an answer as the person reads it, or a legal
fact's value.
"""

from __future__ import annotations

import calendar
import datetime
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils.formats import date_format

from advisor.advice import catalogue, engine, evidence, formats, law, matching, money, questionnaire
from advisor.advice.answers import Answers
from advisor.advice.catalogue import Archetype
from advisor.advice.charts import DAYS_A_MONTH
from advisor.advice.formats import is_chinese, number
from advisor.advice.formats import months as month_count
from advisor.advice.money import Money

REST_WANTED = {"long": 6, "short": 1, "no": 1}  # months; Li Jing took six
# How fast the 30/60/90 days run, by when the person wants to move: someone starting as
# soon as they can keeps the pace, someone just exploring takes three times as long.
PACE = {"now": 1, "3_months": 1, "6_months": 2, "1_year": 3, "exploring": 3}
# The months a timeline gives, rest included: a slower pace is kept only as far as the
# last step still comes within them.
TIMELINE_MONTHS = {"6_months": 6, "1_year": 12}
# Months of money past which a slower pace is safe even with income at risk and others
# depending on it: the slowest plan's last step comes at nine months.
MONEY_FOR_LEISURE = 12
# Months of money above the reserve below which no slower pace is given to someone whose
# income is at risk, whoever depends on them: the next income cannot wait.
MONEY_FOR_ANY_PACE = 3
# Countries whose job-tied permits carry their own date to leave by once the job is lost:
# Canada's employer-specific work permit (ca.visa.employer_specific_permit_change_or_job_loss).
# Leap does not ask that date, so their plans keep the person's pace (visa_rush).
PERMIT_DATED = frozenset({"canada"})
# Countries whose work statuses do not end with the job: in Japan the status is for a kind
# of work, not one employer, and leaving is notified (jp.visa.contracting_organization_notice);
# in Germany a residence title for work (an EU Blue Card) stays valid until the foreigners
# authority, told of the job's end, decides whether to shorten it
# (de.visa.employer_notice_early_end_4_weeks). The date on the card, or the one the
# authority sets, is the clock; their plans keep the person's pace too (no US-style sprint).
STATUS_OUTLIVES_JOB = frozenset({"japan", "germany"})
# With the wage already stopped and a mortgage to pay, the money is near its end below this
# many months (below three for anyone): the bank and the housing provident fund come first.
MORTGAGE_EDGE_MONTHS = 6
# Months after a job's end past which its severance, if agreed, is settled business, and the
# rehiring priority of a mass layoff (six months) has run out.
JOB_LONG_GONE_MONTHS = 6
# Months of wages unpaid from which working on is no plan: ending the contract under
# Article 38 comes first (unpaid_job_to_end). A month late can still be a delay; two are not.
UNPAID_MONTHS_TO_END = 2
# Monthly pay (yuan) at which a mainland severance is likely counted at the cap (three times
# the city's average wage): Leap does not know the city, so this is a judgement, never
# printed, set well above three times the averages cities publish. Below it, the plan gives
# the full-pay figure first; above it, the cap's effect comes first.
LIKELY_CAPPED_PAY_CNY = 45_000
# Paths that lead to any direction: a rest before it, a bridge income on the way. When one
# comes first, the steps after the rest (or beside the bridge) are those of the path that
# leads where the person said they want to go (`onward_of`), and plan B honours it too.
WAYPOINTS = frozenset({"rest_first", "platform_bridge"})
# The least a path must fit to be followed after a rest or named as plan B: a possible fit.
ONWARD_FIT = 45
# Directions away from the field: for them plan B is drawn from the paths that lead there,
# since "the next job in your field" is the one thing the person said they do not want. For
# the others (founding, freelancing, study, abroad, a job) the path's own fallback stays:
# an income, which the money's switch ("an income comes first") needs.
AWAY = frozenset({"leave_tech", "exam", "home"})

# A job that ended `months_since_left` whole months ago may have ended that many months and
# up to one more ago, each of up to 31 days: a grace period counted from it is taken to have
# run that long, so that the plan assumes the shortest time that could remain.
LONGEST_MONTH_DAYS = 31
# On a grace period whose end Leap can count, the decision comes this many days before the
# soonest day it could end, and no sooner than a week from today.
VISA_MARGIN_DAYS = 10
VISA_SOONEST_DECISION_DAYS = 7
WEEKS_PER_MONTH = 52 / 12
# The labour authority Leap names for each country people answer with (law/*.toml).
COUNTRY_AUTHORITY = {
    "us": "us",
    "uk": "uk",
    "germany": "de",
    "singapore": "sg",
    "japan": "jp",
    "canada": "ca",
    "australia": "au",
    "new_zealand": "nz",
}
# The standard week and the caps that hours are set against, where a law caps them.
HOURS_LAW = {
    "cn": (
        "cn.hours.standard_40h",
        "hours_per_week",
        "cn.overtime.limits",
        "max_extension_hours_per_month",
    ),
    "tw": ("tw.hours.normal", "weekly_normal_hours", "tw.overtime.limits", "overtime_month"),
}


@dataclass(frozen=True)
class Rest:
    """Rest before any path: on sick leave first where a job and illness allow it, then
    months from savings, sized by need and capped by what the money allows."""

    months: int  # from savings
    sick_leave: bool
    dips_into_reserve: bool = False
    # What sets the months: the rest they need ("need"), the time they can take off
    # ("time_off") or the money ("money").
    limit: str = "need"

    @property
    def total_months(self) -> int:
        """Months before the path's milestones start (sick leave counts as one at least)."""
        return max(self.months, 1 if self.sick_leave else 0)


def rest_of(person: Answers, funds: Money, *, visa_rush: bool = False) -> Rest:
    if not person.wants_rest:
        return Rest(0, False)
    sick_leave = person.health_followup == "on_sick_leave" or (
        person.fainted_or_ill and person.employed and person.jurisdiction in ("cn", "hk")
    )
    # On a visa's short clock, counted from today, no months of rest come before the
    # search's first steps: they would push them past the status's last day.
    if visa_rush:
        return Rest(0, sick_leave, limit="visa")
    wanted = REST_WANTED.get(person.need_break, 1)
    if funds.covered:
        affordable = wanted
    else:
        affordable = math.floor(max(0.0, funds.runway_months - funds.reserve_months))
    bounds = {"need": wanted, "time_off": person.months_off, "money": affordable}
    limit = min(bounds, key=bounds.get)  # the first of equals: need, then time off
    months = bounds[limit]
    # Someone who fainted rests a month even if it dips into the reserve, unless sick
    # leave pays for it or there is not a month's money at all.
    if person.fainted_or_ill and not sick_leave and months < 1 and funds.runway_months >= 1:
        return Rest(1, False, dips_into_reserve=True, limit="money")
    return Rest(months, sick_leave, limit=limit)


@dataclass(frozen=True)
class Hours:
    """Hours set against the legal cap of the place, where a law caps them and the hours
    system counts weekly: None otherwise."""

    week: int  # the standard week
    cap: int  # overtime a month
    monthly: float  # overtime a month, 52 weeks over 12 months
    per_day: float  # overtime a working day

    @property
    def over_cap(self) -> bool:
        return self.monthly > self.cap


def hours_of(person: Answers) -> Hours | None:
    where = person.jurisdiction
    if where not in HOURS_LAW or person.employment_status in ("self_employed", "student"):
        return None
    if person.hours_system not in ("standard", "not_sure", ""):
        return None
    if not (person.has_employer or person.left_a_job):
        return None
    week_key, week_value, cap_key, cap_value = HOURS_LAW[where]
    week = law.fact(week_key)[week_value]
    if person.hours_per_week <= week:
        return None
    monthly = round(max(0.0, person.hours_per_week - week) * WEEKS_PER_MONTH, 1)
    per_day = person.hours_per_week / person.days_worked - week / 5
    return Hours(week, law.fact(cap_key)[cap_value], monthly, per_day)


# The maternity leave the law of the place gives (a verified fact, its value and the days
# in each unit): someone on it has her dated steps start after it (Case.leave_months).
MATERNITY_LEAVE = {
    "cn": ("cn.maternity.leave_days", "maternity_leave_days", 1),
    "hk": ("hk.maternity.leave_and_pay", "leave_weeks", 7),
    "tw": ("tw.maternity.leave", "maternity_leave_weeks", 7),
}


# An exam this many days away, or less, is the next thing to do: the plan's steps are
# about sitting it.
EXAM_SOON_DAYS = 60
# An exam that can fall within this many days comes first, dated by its own day, not by the
# plan's 30/60/90 (review 13, person 7): it is among the first things (exam_first).
EXAM_FIRST_DAYS = 30
# With under three months of money and the income at risk or gone (income_urgent), a step
# toward the next income (`income_step`) comes by this day, this week, whatever its day
# (review 13, person 2).
INCOME_STEP_DAY = 7
# A registered exam farther off sets the calendar too (review 12): the steps to get ready
# for it (practice papers, the decision whether to sit it) come at least this many days
# before its first possible day, and those for after it only once it is past.
EXAM_MARGIN_DAYS = 14


class Case:
    """Everything a plan says is worked out from, once."""

    def __init__(
        self,
        answers: Mapping[str, Any],
        *,
        archetype: str | None = None,
        by_counsellor: bool | None = None,
        notes: Sequence[str] = (),
        today: datetime.date | None = None,
    ):
        self.answers = answers
        # The day the plan is written: the worker passes it; without it, the day the law
        # was last checked, so that a plan read again says what it said then.
        self.today: datetime.date = today or law.as_of()
        self.person = Answers.of(answers)
        # A protected dismissal's offered lump sum is not counted: the plan tells her not to
        # take it (leaving.unlawful_against_offer_cn), so no figure rests on it. Nor is a
        # severance offered abroad and not yet agreed (lump_sum_unagreed): it comes only
        # with a signature.
        self.funds = money.of(
            self.person,
            lump_sum=not (self.ending_contested or self.lump_sum_unagreed),
            partner_may_go=self.partner_may_go,
        )
        self.result = matching.rank(answers)
        chosen = catalogue.by_slug(archetype) if archetype else self.result.best.archetype
        if chosen is None:
            raise ValueError(f"There is no archetype “{archetype}”.")
        self.chosen: Archetype = chosen
        if by_counsellor is None:
            by_counsellor = chosen.slug != self.result.best.archetype.slug
        self.by_counsellor = by_counsellor
        self.story: Archetype | None = chosen if self.result.close or by_counsellor else None
        self.notes = tuple(notes)
        # Rest is not paid from a lump sum that comes only with an ending the plan says to
        # weigh first: it is sized on the money without it.
        self.rest_funds = (
            money.of(self.person, lump_sum=False, partner_may_go=self.partner_may_go)
            if self.lump_sum_if_you_accept
            else self.funds
        )
        self.rest = rest_of(self.person, self.rest_funds, visa_rush=self.visa_rush)
        self.hours = hours_of(self.person)
        # The newest check of the law the plan cites: set once the plan knows what it cites.
        self.law_checked: datetime.date | None = None

    def match_of(self, archetype: Archetype) -> matching.Match:
        return next(m for m in self.result.matches if m.archetype.slug == archetype.slug)

    @cached_property
    def pace(self) -> int:
        # A dispute, an offer in hand, a maternity leave and an exam near keep their own
        # clock, whatever the timeline of a move: the exam's steps are dated by its day, and
        # nothing is spread over months it does not leave (review 13, person 7).
        if (
            self.pace_kept_for_risk
            or self.pace_kept_for_pay
            or self.pace_kept_for_signature
            or self.visa_rush
            or self.steps_from_today
            or self.exam_soon
        ):
            return 1
        wanted = PACE.get(self.person.timeline, 1)
        within = TIMELINE_MONTHS.get(self.person.timeline)
        if within is None:
            return wanted
        # The rest comes first: the steps after it fit in what is left of the time wanted,
        # to the nearest pace (each pace is three months: 90 days at the full one).
        return max(1, min(wanted, math.floor((within - self.rest.total_months) / 3 + 0.5)))

    def day(
        self,
        day: int,
        *,
        fixed: bool = False,
        before_exam: bool = False,
        after_exam: int | None = None,
        income_step: bool = False,
    ) -> int:
        """A milestone's day at this plan's pace (`stretched`: the first steps stay within
        the first month, the later ones spread): twice as fast on a visa's clock, and
        faster still when the days that may be left of it are counted (`visa_days_left`):
        the last step, the decision, comes VISA_MARGIN_DAYS before the soonest day the
        status could end. A fixed day (an announcement to read before its registration
        closes) is never later. With an exam registered and ahead (`exam_window`), a step
        to take before it comes EXAM_MARGIN_DAYS before its first possible day at the
        latest, and one for after it (`after_exam` days after its last possible day) no
        sooner. A step toward the next income comes this week (INCOME_STEP_DAY) when the
        money is short and the income at risk or gone (`income_urgent`)."""
        found = self._day(day, fixed=fixed, before_exam=before_exam, after_exam=after_exam)
        if income_step and self.income_urgent:
            return min(found, INCOME_STEP_DAY)
        return found

    def step_day(self, step) -> int:
        """The day of a step (a rule's or a story's milestone), by the timing it carries."""
        return self.day(
            step.day,
            fixed=step.fixed_day,
            before_exam=step.before_exam,
            after_exam=step.after_exam,
            income_step=step.income_step,
        )

    def _day(self, day: int, *, fixed: bool, before_exam: bool, after_exam: int | None) -> int:
        if self.visa_rush:
            decide = self.visa_decision_day
            if decide is not None and decide < 45:
                return max(1, math.ceil(day * decide / 90))
            return day // 2
        paced = day if fixed else stretched(day, self.pace)
        window = self.exam_window
        if window is None:
            return paced
        first, last = window
        if before_exam:
            return max(1, min(paced, first - EXAM_MARGIN_DAYS))
        if after_exam is not None:
            return max(paced, last + after_exam)
        return paced

    @property
    def visa_clock(self) -> bool:
        """A right to stay tied to a job that has ended or is ending: the search runs on the
        visa's deadline, not the plan's."""
        p = self.person
        return "visa" in p.circumstances and (
            p.leaving or self.pushed_out or "closing" in p.circumstances
        )

    @property
    def partner_may_go(self) -> bool:
        """A right to stay tied to a job that has ended or is ending, where a partner here as
        a dependant would lose theirs with it (not where the status outlives the job, nor for
        residents of Hong Kong, Macau or Taiwan working in the mainland): the partner's
        income is not counted as lasting."""
        p = self.person
        return (
            self.visa_clock
            and p.country not in STATUS_OUTLIVES_JOB
            and p.residence_status not in ("hk_macau", "taiwan")
        )

    @cached_property
    def visa_days_left(self) -> int | None:
        """The fewest days of the US grace period (us.visa.h1b_grace_period) that could be
        left today, when the job has ended and the answers say how many months ago: the
        count starts on the last day, and a job that ended "0 months ago" may have ended
        up to a month ago. None where Leap cannot count them."""
        p = self.person
        if not self.visa_rush or p.country != "us" or not p.left_a_job:
            return None
        if p.months_since_left is None:
            return None
        grace = law.fact("us.visa.h1b_grace_period")["grace_days"]
        return max(0, grace - LONGEST_MONTH_DAYS * (p.months_since_left + 1))

    @property
    def visa_decision_day(self) -> int | None:
        """The day, from today, by which to decide, well before the status could end."""
        left = self.visa_days_left
        if left is None:
            return None
        return max(VISA_SOONEST_DECISION_DAYS, left - VISA_MARGIN_DAYS)

    @property
    def exam_calendar(self) -> str:
        """Where today falls against the latest national civil-service exam Leap has
        verified (cn.civil_service.national_exam_timetable): "open" up to its written exam;
        "sat" after it; "due" from a year after its registration opened (a newer intake's
        registration, if the calendar held); "passed" from a year after its written exam
        (a newer intake's written exam, if the calendar held, has been sat too)."""
        timetable = law.fact("cn.civil_service.national_exam_timetable")
        opens = datetime.date.fromisoformat(timetable["registration_opens"])
        written = datetime.date.fromisoformat(timetable["written_exam"])
        if self.today <= written:
            return "open"
        if self.today >= _a_year_after(written):
            return "passed"
        if self.today >= _a_year_after(opens):
            return "due"
        return "sat"

    @property
    def master_exam_calendar(self) -> str:
        """ "open" up to the latest national master's exam Leap has verified
        (cn.study.master_exam_dates_2026); "passed" after it."""
        end = datetime.date.fromisoformat(law.fact("cn.study.master_exam_dates_2026")["exam_end"])
        return "open" if self.today <= end else "passed"

    @cached_property
    def exam_day(self) -> tuple[datetime.date, bool] | None:
        """The exam they have registered for: its day (the first of its month when they
        gave only the month), and whether they gave the day."""
        if self.person.exam_registered != "yes":
            return None
        given = self.person.exam_date
        try:
            if len(given) == len("2026-12"):
                return datetime.date.fromisoformat(given + "-01"), False
            return datetime.date.fromisoformat(given), True
        except ValueError:
            return None

    @property
    def exam_booked(self) -> bool:
        """They have registered for an exam that is still ahead, near or not: its posts are
        chosen, and the plan counts from its date, not from the next announcement."""
        return self.exam_day is not None and not self.exam_past

    @property
    def exam_window(self) -> tuple[int, int] | None:
        """Days from today to the first and the last day the registered exam can fall on:
        its day, or, given by its month, the month's first and last; None when no exam is
        booked."""
        if not self.exam_booked:
            return None
        day, exact = self.exam_day
        if exact:
            last = day
        else:
            last = datetime.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
        return (day - self.today).days, (last - self.today).days

    @property
    def exam_soon(self) -> bool:
        """The exam is near: within EXAM_SOON_DAYS of its day, or, given by its month, this
        month or the next; and not past."""
        if not self.exam_booked:
            return False
        day, exact = self.exam_day
        if exact:
            return 0 <= (day - self.today).days <= EXAM_SOON_DAYS
        months = (day.year - self.today.year) * 12 + day.month - self.today.month
        return months in (0, 1)

    @property
    def exam_first(self) -> bool:
        """The registered exam can fall within EXAM_FIRST_DAYS: it comes first, dated by its
        own day, and the plan's steps come after it."""
        window = self.exam_window
        return window is not None and window[0] <= EXAM_FIRST_DAYS

    @property
    def exam_days_left(self) -> int:
        """Days from today to the registered exam's first possible day (0 when it may be
        today or has begun)."""
        window = self.exam_window
        return max(0, window[0]) if window else 0

    @property
    def exam_past(self) -> bool:
        if self.exam_day is None:
            return False
        day, exact = self.exam_day
        if exact:
            return day < self.today
        return (day.year, day.month) < (self.today.year, self.today.month)

    @property
    def visa_rush(self) -> bool:
        """On a visa's clock whose date Leap does not know but the law makes short: the
        steps run twice as fast. Where the permit itself carries the date to leave by,
        that date is the clock, and a plan cannot assume it is near."""
        return self.visa_clock and self.person.country not in PERMIT_DATED | STATUS_OUTLIVES_JOB

    @property
    def pace_kept_for_risk(self) -> bool:
        """No leisurely pace for someone whose income is at risk and who carries others,
        or whose money above the reserve is nearly gone, or whose two incomes hang on one
        employer at risk."""
        wanted = PACE.get(self.person.timeline, 1)
        risky = self.income_at_risk and (self.short_for_others or self.pace_kept_for_money)
        return wanted > 1 and (risky or self.two_incomes_at_risk)

    @property
    def two_incomes_at_risk(self) -> bool:
        """Both incomes come from one employer, and that employer's jobs are at risk (layoffs
        feared, pay pressed or stopped, closing): they can end together."""
        return self.funds.partner_at_risk and self.income_at_risk

    @property
    def signature_pressed(self) -> bool:
        """Pressed to sign something (a resignation, an agreement to leave, a transfer) by
        the employer: its answer, and its deadline, come before any pace a timeline gives."""
        return "asked_to_sign" in self.person.circumstances

    @property
    def pace_kept_for_signature(self) -> bool:
        """In no hurry by the answers, but pressed to sign away the job, with no law keeping
        it (pregnancy, illness): the pace follows the deadline, not the timeline."""
        if PACE.get(self.person.timeline, 1) < 2:
            return False
        return self.pushed_out and self.signature_pressed and not self.protected

    @property
    def pace_kept_for_pay(self) -> bool:
        """In no hurry by the answers, but the employer they still work for owes their pay:
        pay that does not come is no income, and no leisurely pace (review 12)."""
        return PACE.get(self.person.timeline, 1) > 1 and self.pay_owed

    @property
    def short_for_others(self) -> bool:
        """Others depend on the income and the money lasts less than MONEY_FOR_LEISURE
        months: no leisurely pace, and founding only beside an income."""
        funds = self.funds
        return self.carries_others and not funds.covered and funds.runway_months < MONEY_FOR_LEISURE

    @property
    def money_short(self) -> bool:
        """The money lasts less than three months without a salary."""
        funds = self.funds
        return not funds.covered and funds.runway_months < money.RESERVE_MONTHS

    @property
    def income_urgent(self) -> bool:
        """Less than three months of money, and the wage stopped or at risk: the first step
        toward the next income comes this week, not on the plan's day 30 (review 13)."""
        return self.money_short and (self.wage_stopped or self.income_at_risk)

    @property
    def pace_kept_for_money(self) -> bool:
        """Income at risk, and less than MONEY_FOR_ANY_PACE months of money above the
        reserve: the steps keep the full pace, whatever the timeline wanted."""
        funds = self.funds
        if funds.covered or not self.income_at_risk or PACE.get(self.person.timeline, 1) < 2:
            return False
        return funds.runway_months - funds.reserve_months < MONEY_FOR_ANY_PACE

    # --- What the rules turn on ------------------------------------------------------

    @property
    def pushed_out(self) -> bool:
        p = self.person
        return "unpaid" in p.circumstances or (
            "asked_to_sign" in p.circumstances and p.sign_what in ("resignation", "agreement")
        )

    @property
    def rest_ends_job(self) -> bool:
        """The rest the plan follows (rest_first) is taken by leaving the job: someone
        employed rests on savings, with no leave that keeps the job (sick leave, maternity
        leave, a carer's leave, a break after answering what they are pressed to sign, a
        pregnancy). Its "Leaving the job well" says to hand in the notice, so no step after
        the rest may assume the job is still there (review 13, person 1)."""
        p = self.person
        if self.story is None or self.story.slug != "rest_first":
            return False
        if p.employment_status != "employed" or not self.rest.months or self.rest.sick_leave:
            return False
        if self.on_leave or self.signature_pressed or "pregnant" in p.circumstances:
            return False
        return not (self.rest_kind == "care" and self.job_to_keep)

    @property
    def on_leave(self) -> bool:
        p = self.person
        return p.health_followup == "on_sick_leave" or p.pregnancy_stage == "maternity_leave"

    @property
    def protected(self) -> bool:
        """On the mainland, pregnant, on maternity leave, nursing or ill, with an employer:
        the law keeps them from being dismissed, so pressure to sign need not end the job."""
        p = self.person
        return (
            p.jurisdiction == "cn"
            and p.has_employer
            and bool({"pregnant", "illness"} & p.circumstances or self.on_leave)
        )

    @property
    def ending_contested(self) -> bool:
        """Dismissed on the mainland while pregnant, on maternity leave or nursing: the law
        forbids the ending, so the plan treats the job as hers to claim back, and the end's
        severance, certificate and job search as what she must not take up yet."""
        p = self.person
        return (
            self.protected and "pregnant" in p.circumstances and p.employment_status == "laid_off"
        )

    @property
    def rest_story_fits(self) -> bool:
        """A founder's months of reflection after leaving a job are no model for someone
        pregnant, on leave, or ill: their rest is protected leave or treatment, not a gap."""
        p = self.person
        return not ({"pregnant", "illness"} & p.circumstances or self.on_leave)

    @property
    def rest_kind(self) -> str:
        """What a break is for: for someone on maternity leave the leave is the break; a
        carer's break goes to the care; anyone else's to rest and reflection."""
        p = self.person
        if p.pregnancy_stage == "maternity_leave" and "pregnant" in p.circumstances:
            return "leave"
        if "caring" in p.circumstances:
            return "care"
        return "reflection"

    @property
    def severance_gap(self) -> int:
        """A disputed severance: what the person's own figure (whole years at their pay,
        before the cap) leaves above the lump sum offered. Zero when either is unknown."""
        p = self.person
        if p.jurisdiction != "cn" or p.employment_status != "laid_off":
            return 0
        if p.raw.get("severance_status") != "disputed" or not p.lump_sum:
            return 0
        total = _severance(self)[1]
        return max(0, (total or 0) - p.lump_sum)

    @property
    def bridge_short_for_household(self) -> bool:
        """A platform bridge cannot carry this household: others depend on the income, and
        what it needs each month is more than the mainland's average wage in private urban
        employers (Leap has no figure for platform pay; that average is the nearest official
        one, and above what a bridge of orders can be planned on)."""
        funds = self.funds
        if not self.carries_others or funds.covered or not funds.monthly_need:
            return False
        if self.person.currency != "CNY":
            return False
        average = law.fact("cn.wages.private_urban_average_2024")["annual_yuan"] / 12
        return funds.monthly_need > average

    @property
    def plan_b_platform(self) -> bool:
        """Platform work (driving, delivering) is named as the path or as plan B."""
        named = (self.story, self.plan_b)
        return any(a is not None and a.slug == "platform_bridge" for a in named)

    @property
    def job_to_keep(self) -> bool:
        """In a job they can mean to keep: employed, not pressed out (or protected from
        it), the employer not closing. Someone on leave keeps the job for after it."""
        p = self.person
        return (
            p.employment_status in ("", "employed")
            and (not self.pushed_out or (self.protected and "unpaid" not in p.circumstances))
            and "closing" not in p.circumstances
        )

    @property
    def income_at_risk(self) -> bool:
        p = self.person
        return (
            p.leaving
            or self.pushed_out
            or bool({"closing", "asked_to_sign"} & p.circumstances)
            or p.raw.get("layoff_worry") == "high"
        )

    @property
    def pay_owed(self) -> bool:
        """Pay owed (not social insurance alone) by an employer they still work for: pay
        that does not come is no income, so the money counts the salary as stopped now
        (review 11), not from the day the job ends."""
        p = self.person
        return (
            "unpaid" in p.circumstances
            and p.owed_what != "social_insurance"
            and p.has_employer
            and not p.left_a_job
        )

    @property
    def unpaid_job_to_end(self) -> bool:
        """On the mainland, still working for an employer that has left their wages unpaid
        for two months or more, with no pregnancy or illness keeping the job: ending it under
        Article 38 (with severance) comes first, before any second job on top of it
        (review 12, person 7). Someone protected keeps the job and claims instead."""
        p = self.person
        return (
            p.jurisdiction == "cn"
            and self.pay_owed
            and (p.owed_months or 0) >= UNPAID_MONTHS_TO_END
            and not self.protected
        )

    @property
    def wage_stopped(self) -> bool:
        """No wage is coming in now: the job has ended, the pay is owed, or the employer
        is closing. Social insurance owed alone leaves the wage coming in."""
        p = self.person
        return p.left_a_job or self.pay_owed or "closing" in p.circumstances

    @property
    def severance_settled(self) -> bool:
        """Laid off a month or more ago with the severance agreed or paid: how severance is
        counted is no longer their question."""
        p = self.person
        agreed = p.raw.get("severance_status") == "agreed"
        return p.left_a_job and agreed and (p.months_since_left or 0) >= 1

    @property
    def job_long_gone(self) -> bool:
        """The last job ended six months ago or more: its rehiring priority has passed, and
        the claims still open come before the rest."""
        p = self.person
        return p.left_a_job and (p.months_since_left or 0) >= JOB_LONG_GONE_MONTHS

    @property
    def money_edge(self) -> bool:
        """The money is near its end: less than three months of it; or, with the wage
        already stopped and a mortgage to pay, less than six (docs/advice.md)."""
        funds = self.funds
        if funds.covered:
            return False
        if funds.runway_months < money.RESERVE_MONTHS:
            return True
        return (
            self.wage_stopped
            and self.person.housing == "mortgage"
            and funds.runway_months < MORTGAGE_EDGE_MONTHS
        )

    @property
    def carries_others(self) -> bool:
        p = self.person
        return bool(p.dependants) or p.housing == "mortgage" or "sole_earner" in p.circumstances

    @property
    def noncompete_live(self) -> bool:
        p = self.person
        if p.restrictions not in ("noncompete", "both") or p.noncompete_state == "released":
            return False
        return (
            p.competitor_offer
            or p.noncompete_state in ("enforced_paid", "enforced_unpaid")
            or p.leaving
            or self.pushed_out
        )

    @property
    def offer_in_hand(self) -> bool:
        """A competitor's offer in hand under a live non-compete, and no business of their own
        in view: the next steps deal with that offer, not with a search."""
        p = self.person
        return (
            self.noncompete_live
            and p.competitor_offer
            and p.direction not in ("found", "freelance")
        )

    @property
    def direction_honoured(self) -> bool:
        """Whether the path first leads where the person said they want to go."""
        stated = self.person.direction
        return stated in ("", "unsure") or stated in self.result.best.archetype.directions

    @property
    def blocked_direction(self) -> matching.Match | None:
        """The best path that leads where the person wants to go, when it did not come
        first: what holds it back is what the plan must say."""
        stated = self.person.direction
        if self.direction_honoured:
            return None
        # A bridge income leads anywhere on the way: the path that is the destination
        # says more about what holds the person back.
        leading = [m for m in self.result.matches if stated in m.archetype.directions]
        return next((m for m in leading if not m.archetype.income_now), None) or next(
            iter(leading), None
        )

    @cached_property
    def onward(self) -> matching.Match | None:
        """After a rest, or beside a bridge income, the path that leads where the person
        said they want to go, when one fits: its steps are the plan's."""
        if self.story is None:
            return None
        return onward_of(self.result, self.story, self.person.direction)

    @property
    def lead(self) -> Archetype | None:
        """The path whose steps the plan gives: the onward path, or the story's own."""
        return self.onward.archetype if self.onward else self.story

    @cached_property
    def fallback(self) -> tuple[Archetype | None, bool]:
        """Plan B's path before the person's status is weighed, and whether it keeps the
        stated direction only as a goal (no path that leads there fits: the plan says so)."""
        if self.story is None:
            return None, False
        return plan_b_of(self.result, self.story, self.lead, self.person.direction)

    @property
    def plan_b_kept_goal(self) -> bool:
        """Plan B does not lead where the person wants to go, since no other path that
        does fits them: the plan says so, and keeps the direction as the goal."""
        return self.fallback[1] and self.plan_b is not None

    @property
    def plan_b(self) -> Archetype | None:
        """The fallback that honours the stated direction (plan_b_of); but no bridge job for
        someone whose status allows no other work (their plan B is going back, or another
        scheme abroad), nor for someone pregnant or ill, or outside the mainland, whose
        rules the bridge rests on (no plan B path: widen this one)."""
        fallback = self.fallback[0]
        if fallback is None:
            return None
        if not fallback.income_now:
            return fallback
        if self.visa_clock and self.person.jurisdiction != "cn":
            home = self.person.return_home != "no"
            return catalogue.by_slug("returnee_engineer" if home else "talent_abroad")
        p = self.person
        if {"pregnant", "illness"} & p.circumstances or p.fainted_or_ill:
            return None  # no driving or delivering for them: plan_b.widen says what then
        if p.jurisdiction != "cn":
            return None  # the bridge's rules are the mainland's
        if self.bridge_short_for_household:
            # Orders cannot carry a household that needs more than an average wage:
            # contract or project work in the person's field is the fallback.
            return catalogue.by_slug("freelance_contracting")
        return fallback

    def switches_now(self) -> list[catalogue.Switch]:
        """Plan B's moments to switch that the answers show have come already."""
        if self.story is None:
            return []
        found = self.evidence
        return [w for w in self.switches if w.checkable and w.holds(found)]

    @property
    def switches(self) -> list[catalogue.Switch]:
        """The moments to switch to plan B that apply to this person: those of the path
        whose steps the plan gives (the onward path's, after a rest or beside a bridge)."""
        if self.lead is None:
            return []
        found = self.evidence
        return [w for w in self.lead.switches if w.applies(found)]

    @property
    def mainland_later(self) -> bool:
        p = self.person
        return p.jurisdiction != "cn" and p.return_home in ("open", "planning")

    @property
    def north_moving(self) -> bool:
        """Works in Hong Kong or Taiwan, not on a visa tied to the job, and is moving to the
        mainland or open to it: most likely a resident of the place, whom the move north
        asks for the papers of a Hong Kong, Macao or Taiwan resident. (A mainlander there on
        a work visa ticks the visa.)"""
        p = self.person
        return (
            self.mainland_later
            and p.jurisdiction in ("hk", "tw", "hk_or_tw")
            and "visa" not in p.circumstances
        )

    def authority(self, jurisdiction: str | None = None) -> law.Authority | None:
        """The labour authority of the place they work (or of `jurisdiction`)."""
        where = jurisdiction or self.person.jurisdiction
        if where == "overseas":
            where = COUNTRY_AUTHORITY.get(self.person.country, "")
        return law.law().authority(where)

    @property
    def general_track(self) -> str:
        """Which general next steps fit someone whose plan follows no story."""
        p = self.person
        if self.ending_contested:
            return "contest"  # the dispute's steps, not a search inside the protected time
        if self.offer_in_hand:
            return "offer"  # the offer in hand and the non-compete's answer, not a search
        if p.direction in ("found", "freelance") and p.employment_status != "self_employed":
            return "found"
        if p.direction in ("study", "exam"):
            return p.direction
        if p.direction == "stay" and self.protected and not p.left_a_job:
            return "stay"  # the law keeps the job: steps back into it, not a search
        if self.round_the_birth and self.job_to_keep:
            return "leave"  # ready at home, the search only once back at work
        leaving = p.left_a_job or self.pushed_out or "closing" in p.circumstances
        if leaving and p.direction != "leave_tech":
            return "job_search"
        if p.employment_status == "self_employed":
            return "job_search" if p.direction == "join" else "self_employed"
        if p.direction in ("join", "leave_tech"):
            return p.direction
        return "unsure"

    @property
    def round_the_birth(self) -> bool:
        """Pregnant or on maternity leave: the job, its pay and its maternity insurance come
        first, and any move waits until she is back at work."""
        p = self.person
        stages = ("pregnant", "maternity_leave")
        return "pregnant" in p.circumstances and p.pregnancy_stage in stages

    @property
    def steps_from_today(self) -> bool:
        """The general steps run on a clock of their own, counted from today, not from the
        end of any rest: a dispute's, an offer's deadline, or a maternity leave's (its
        steps are fitted into it: nothing but getting ready until she is back)."""
        return self.story is None and self.general_track in ("contest", "offer", "leave")

    @cached_property
    def leave_months(self) -> int:
        """Months of maternity leave the dated steps wait for. On the leave now, with steps
        that count from its end (not fitted into it, as the leave track's are): the whole
        leave the law of the place gives, counted from today, since Leap does not know the
        day it began; 0 otherwise, and where Leap has no verified length (the plan then
        says to count the days from the leave's end)."""
        if self.rest_kind != "leave" or self.steps_from_today:
            return 0
        length = MATERNITY_LEAVE.get(self.person.jurisdiction)
        if length is None:
            return 0
        key, value, days_each = length
        return math.ceil(law.fact(key)[value] * days_each / DAYS_A_MONTH)

    @property
    def steps_start_months(self) -> int:
        """When the dated steps start, in months from today (Plan.date_of): after any
        maternity leave and rest, unless they run on a clock of their own (a dispute, an
        offer, a leave they are fitted into)."""
        if self.steps_from_today:
            return 0
        return self.leave_months + self.rest.total_months

    @property
    def leave_ahead(self) -> bool:
        """Pregnant, with dated steps that count from today and are not fitted round the
        birth (a story's, an exam's, a search's): her maternity leave will fall among them,
        on days Leap cannot know without a due date. A dispute's steps do not wait for it."""
        p = self.person
        if "pregnant" not in p.circumstances or p.pregnancy_stage != "pregnant":
            return False
        return not (self.story is None and self.general_track in ("leave", "contest"))

    @cached_property
    def evidence(self) -> dict[str, Any]:
        p, funds, rest = self.person, self.funds, self.rest
        rest_funds = self.rest_funds
        affordable = max(0.0, rest_funds.runway_months - rest_funds.reserve_months)
        found = evidence.of(self.answers)
        found.update(
            jurisdiction=p.jurisdiction or "unknown",
            employed=p.employed,
            has_employer=p.has_employer,
            left_a_job=p.left_a_job,
            leaving=p.leaving,
            job_to_keep=self.job_to_keep,
            pushed_out=self.pushed_out,
            on_leave=self.on_leave,
            rest_ends_job=self.rest_ends_job,
            protected=self.protected,
            ending_contested=self.ending_contested,
            rest_kind=self.rest_kind,
            plan_b_platform=self.plan_b_platform,
            visa_clock=self.visa_clock,
            visa_rush=self.visa_rush,
            visa_days_counted=self.visa_days_left is not None,
            visa_days_left=self.visa_days_left if self.visa_days_left is not None else -1,
            exam_calendar=self.exam_calendar,
            master_exam_calendar=self.master_exam_calendar,
            visa_tied="visa" in p.circumstances,
            family_may_be_dependants=p.dependants > 0
            or p.caring_for in ("partner", "child")
            or p.partner_income > 0,
            side_work_banned=p.employed and p.restrictions in ("side_job_ban", "both"),
            on_sick_leave=p.health_followup == "on_sick_leave",
            income_at_risk=self.income_at_risk,
            carries_others=self.carries_others,
            short_for_others=self.short_for_others,
            noncompete_live=self.noncompete_live,
            exam_soon=self.exam_soon,
            exam_first=self.exam_first,
            exam_day_known=bool(self.exam_day and self.exam_day[1]),
            exam_booked=self.exam_booked,
            exam_past=self.exam_past,
            home_to_a_parent=p.direction == "home"
            and "caring" in p.circumstances
            and p.caring_for == "parent",
            penalty_over_savings=(p.noncompete_penalty or 0) > (funds.savings or 0),
            money_short=self.money_short,
            income_urgent=self.income_urgent,
            wage_stopped=self.wage_stopped,
            pay_owed=self.pay_owed,
            unpaid_job_to_end=self.unpaid_job_to_end,
            money_edge=self.money_edge,
            job_long_gone=self.job_long_gone,
            severance_settled=self.severance_settled,
            severance_gap=self.severance_gap > 0,
            bridge_short_for_household=self.bridge_short_for_household,
            bridge_not_plan_b=bool(
                self.story
                and self.story.fallback == "platform_bridge"
                and self.plan_b is not None
                and self.plan_b.slug != "platform_bridge"
                and self.bridge_short_for_household
            ),
            pay_likely_capped=p.jurisdiction == "cn"
            and p.currency == "CNY"
            and (p.monthly_pay or 0) >= LIKELY_CAPPED_PAY_CNY,
            earlier_questionnaire=p.version < questionnaire.SCHEMA_VERSION,
            over_35=p.over_35,
            over_45=p.age_band == "45_plus",
            strain_high=p.strain_is_high,
            fainted=p.fainted_or_ill,
            wants_rest=p.wants_rest,
            ready_despite_strain=p.says_ready_despite_strain,
            money_in_amounts=p.version >= 2,
            covered=funds.covered,
            runway_capped=funds.runway_capped,
            below_reserve=not funds.covered and funds.runway_months <= funds.reserve_months,
            thin_runway=not funds.covered and funds.months_after(rest.months) < 6,
            spendable=self.spendable > 0,
            partner_at_risk=funds.partner_at_risk,
            partner_visa_at_risk=funds.partner_visa_at_risk,
            lump_sum_large=funds.lump_sum_large,
            social_insurance_unknown=funds.social_insurance_unknown,
            other_income_counted=bool(funds.partner_income or funds.side_income),
            partner_income_counted=bool(funds.partner_income),
            side_income_counted=bool(funds.side_income),
            side_covers=funds.side_covers,
            side_is_own_work=bool(funds.side_income)
            and (p.employment_status == "self_employed" or p.direction in ("freelance", "found")),
            si_counted=bool(funds.social_insurance),
            lump_sum_given=bool(funds.lump_sum),
            lump_sum_if_you_accept=self.lump_sum_if_you_accept,
            lump_sum_unagreed=self.lump_sum_unagreed,
            germany_job_ending=self.germany_job_ending,
            need_known=bool(funds.monthly_need),
            rest_months=rest.months,
            rest_limit=rest.limit,
            sick_leave_rest=rest.sick_leave,
            rest_planned=bool(rest.months or rest.sick_leave),
            rest_affordable=rest_funds.covered or affordable >= 1,
            dips_into_reserve=rest.dips_into_reserve,
            pace=self.pace,
            pace_kept_for_risk=self.pace_kept_for_risk,
            pace_kept_for_money=self.pace_kept_for_money,
            pace_kept_for_pay=self.pace_kept_for_pay,
            pace_kept_for_signature=self.pace_kept_for_signature,
            two_incomes_at_risk=self.two_incomes_at_risk,
            signature_pressed=self.signature_pressed,
            rest_story_fits=self.rest_story_fits,
            overtime_counted=self.hours is not None,
            over_cap=self.hours is not None and self.hours.over_cap,
            over_daily_limit=self.hours is not None and self.over_daily_limit,
            overwork_injury_question=self.overwork_injury_question,
            general_track=self.general_track,
            steps_from_today=self.steps_from_today,
            leave_months=self.leave_months,
            leave_ahead=self.leave_ahead,
            mainland_later=self.mainland_later,
            mainland_rules=p.jurisdiction == "cn" or self.mainland_later,
            north_moving=self.north_moving,
            north=self.north_moving
            or (
                p.jurisdiction == "cn"
                and "visa" in p.circumstances
                and p.raw.get("residence_status") in ("hk_macau", "taiwan")
            ),
            authority_known=self.authority() is not None,
            story_benchmarks=bool(self.story and self.story.benchmarks),  # narrowed below
            story_grounded=bool(self.story and self.story.grounds),
            plan_b_named=self.plan_b is not None,
            plan_b_kept_goal=self.plan_b_kept_goal,
            onward=bool(self.onward),
            onward_held=bool(self.onward and self.onward.lowered),
            steps_path=self.lead.slug if self.lead else "",
            plan_b_path=self.plan_b.slug if self.plan_b else "",
            path_is_income=bool(self.story and self.story.income_now),
            direction_honoured=self.direction_honoured,
            direction_blocker_known=bool(_blocker(self.blocked_direction)),
            story_success=bool(self.story and self.story.source and self.story.source.success),
            close=self.result.close,
            story=self.story is not None,
            by_counsellor=self.by_counsellor,
            sure=self.result.confidence.level == "high",
            version=p.version,
            law_cited=True,  # decided when the plan is written: content.py sets it
        )
        switches = [w for w in self.lead.switches if w.applies(found)] if self.lead else ()
        found["switch_now"] = any(w.checkable and w.holds(found) for w in switches)
        # The story's figures said are those whose conditions hold (the mainland's, say).
        benchmarks = self.story.benchmarks if self.story else ()
        found["story_benchmarks"] = any(b.holds(found) for b in benchmarks)
        return found

    @property
    def lump_sum_if_you_accept(self) -> bool:
        """A lump sum not yet agreed, when the plan's first advice is not to accept the
        ending it would come with: a signature pressed for, or a protected dismissal."""
        p = self.person
        if not p.lump_sum or p.raw.get("severance_status") == "agreed":
            return False
        return "asked_to_sign" in p.circumstances or (
            self.protected and p.employment_status == "laid_off"
        )

    @property
    def lump_sum_unagreed(self) -> bool:
        """Laid off outside the mainland, Hong Kong and Taiwan, with a severance offered but
        disputed or not yet discussed: no law Leap has verified owes it there (in Germany it
        comes with an Aufhebungsvertrag, or with a dismissal letter's § 1a offer once the
        claim deadline has passed), so until it is agreed in writing it is money to come
        only if the person signs, and no figure counts it (review 13, person 5)."""
        p = self.person
        return bool(
            p.lump_sum
            and p.jurisdiction in ("overseas", "")
            and p.employment_status == "laid_off"
            and p.raw.get("severance_status") in ("disputed", "not_yet")
        )

    @property
    def germany_job_ending(self) -> bool:
        """Working in Germany, dismissed or on notice, the job ended this month or still
        running: the three weeks to bring a claim against a dismissal and the three days to
        register as seeking work run now (de.dismissal.claim_within_3_weeks,
        de.unemployment.register_as_jobseeker)."""
        p = self.person
        return (
            p.country == "germany"
            and p.jurisdiction == "overseas"
            and p.employment_status in ("laid_off", "notice")
            and not p.months_since_left
        )

    @property
    def over_daily_limit(self) -> bool:
        special = law.fact("cn.overtime.limits")["special_max_extension_hours_per_day"]
        return self.person.jurisdiction == "cn" and self.hours.per_day > special

    @property
    def overwork_injury_question(self) -> bool:
        """In Taiwan, fell ill or fainted because of work, still with the employer, after
        overtime beyond even the highest monthly limit the law allows (with the union's or
        the labour-management meeting's consent): whether it is an occupational injury is
        the first question, before sick leave or a resignation."""
        p = self.person
        if p.jurisdiction != "tw" or not p.fainted_or_ill or not p.has_employer:
            return False
        if self.hours is None:
            return False
        return self.hours.monthly > law.fact("tw.overtime.limits")["overtime_month_flex"]

    @property
    def spendable(self) -> float:
        funds = self.funds
        return (funds.savings or 0) + funds.lump_sum - (funds.reserve or 0)

    # --- Placeholders -----------------------------------------------------------------

    def value(self, name: str) -> str:
        """A placeholder's text: a figure, an answer as the person reads it, or a fact's
        value."""
        if name in FIGURES:
            return FIGURES[name].compute(self)
        if name in questionnaire.QUESTIONS:
            if questionnaire.QUESTIONS[name].kind == "multi":  # each choice in quotation marks
                return catalogue.quoted_answer(name, self.person.raw)
            return self.person.quote(name)
        return engine.fact_value(name)

    def amount(self, value: float, *, exact: bool = False) -> str:
        return formats.money(value, self.person.currency, exact=exact)


def _leads(archetype: Archetype, direction: str) -> bool:
    return direction in archetype.directions


def onward_of(result: matching.Result, story: Archetype, direction: str) -> matching.Match | None:
    """When the path followed is a waypoint (a rest, a bridge income), the best-ranked path
    that leads where the person said they want to go, if it fits at least possibly: after
    the rest, or beside the bridge, its steps are the plan's. None otherwise."""
    if story.slug not in WAYPOINTS or direction in ("", "unsure"):
        return None
    for match in result.matches:
        found = match.archetype
        if found.slug in WAYPOINTS or found.income_now or not _leads(found, direction):
            continue
        return match if match.score >= ONWARD_FIT else None
    return None


def plan_b_of(
    result: matching.Result, story: Archetype, lead: Archetype, direction: str
) -> tuple[Archetype | None, bool]:
    """Plan B, for someone who wants away from their field (AWAY), drawn from the paths that
    honour that direction: the path's own fallback if it leads there; else the best-ranked
    other path that does, fits at least possibly and is held back by no cap; else the
    fallback, keeping the direction as the goal (the second value: the plan says why).
    Never the path followed or its waypoint."""
    taken = {story.slug, lead.slug}
    own = [catalogue.by_slug(a.fallback) for a in (lead, story)]
    own = [a for a in own if a is not None and a.slug not in taken]
    fallback = own[0] if own else None
    if direction not in AWAY or (fallback is not None and _leads(fallback, direction)):
        return fallback, False
    for match in result.matches:
        found = match.archetype
        if found.slug in taken | WAYPOINTS or not _leads(found, direction):
            continue
        if match.score >= ONWARD_FIT and not any(f.cap is not None for f in match.lowered):
            return found, False
    return fallback, fallback is not None


def stretched(day: int, pace: int) -> int:
    """A step's day at a slower pace: the first month's steps (day 30 or sooner) keep their
    day, so that every plan starts within its first month (review 13, persons 4 and 6), and
    the later ones spread evenly up to the last, at `pace` times 90 days: at pace 2, days
    30, 105 and 180; at pace 3, days 30, 150 and 270."""
    if pace <= 1 or day <= 30:
        return day
    last = 90 * pace
    return round(30 + (day - 30) * (last - 30) / 60)


def _a_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def hk_severance(years: int, monthly_pay: float) -> float:
    """Hong Kong severance payment (hk.termination.sp_lsp_amount): two-thirds of the last
    month's wages, the month counted at the cap at most, for each year, within the total cap."""
    fact = law.fact("hk.termination.sp_lsp_amount")
    per_year = min(monthly_pay, fact["monthly_wage_cap_hkd"]) * 2 / 3
    return min(years * per_year, fact["total_cap_hkd"])


@dataclass(frozen=True)
class Figure:
    describe: str
    compute: Callable[[Case], str]


FIGURES: dict[str, Figure] = {}


def figure(name: str, describe: str):
    def register(compute: Callable[[Case], str]) -> Callable[[Case], str]:
        FIGURES[name] = Figure(describe, compute)
        return compute

    return register


figure(
    "runway",
    "how long the money lasts without a salary, to a tenth of a month as the chart draws it",
)(lambda c: evidence.runway_text(c.funds.runway_months))
figure("runway_savings_only", "the runway from savings alone, without lump sums")(
    lambda c: evidence.runway_text(money.runway(c.funds.savings or 0, c.funds.monthly_need or 0))
)
figure("runway_if_you_accept", "the runway counting a lump sum the plan says not to accept")(
    lambda c: evidence.runway_text(money.of(c.person).runway_months)
)
figure("runway_with_partner", "the runway if the partner's income from the same employer goes on")(
    lambda c: evidence.runway_text(c.funds.runway_with_partner)
)
figure("reserve", "the reserve in money: three months of costs")(
    lambda c: c.amount(c.funds.reserve or 0)
)
figure("reserve_months", "the reserve in months of the runway")(
    lambda c: month_count(c.funds.reserve_months)
)
figure("need", "what leaves the account each month without a salary")(
    lambda c: c.amount(c.funds.monthly_need or 0)
)
figure("need_in_work", "that need less the social insurance an employer would pay")(
    lambda c: c.amount(max(0, (c.funds.monthly_need or 0) - c.funds.social_insurance))
)
figure("household_need", "the household's monthly costs, with no income but savings")(
    lambda c: c.amount((c.funds.monthly_expenses or 0) + c.funds.social_insurance)
)
figure("need_with_side", "what leaves the account each month with side income as it averages")(
    lambda c: c.amount(c.funds.need_with_side)
)
figure("runway_with_side", "the runway with side income as it averages: the better case")(
    lambda c: evidence.runway_text(c.funds.runway_with_side)
)
figure("need_year", "that need over a year")(lambda c: c.amount((c.funds.monthly_need or 0) * 12))


def _blocker(match: matching.Match | None) -> str:
    if match is None or not match.lowered:
        return ""
    return match.lowered[0].sentence


def link(label: str, url: str) -> str:
    """A link inside a sentence, as the plan's pages, PDF and emails render it
    ([label](url): advisor/templatetags/plan_text.py)."""
    return f"[{label}]({url})"


def _authority_link(c: Case, where: str | None = None) -> str:
    found = c.authority(where)
    return link(str(found.name), found.url) if found else ""


figure("authority", "the labour authority of the place they work, as a link")(_authority_link)
figure("authority_hk", "Hong Kong's labour authority, as a link")(
    lambda c: _authority_link(c, "hk")
)
figure("authority_tw", "Taiwan's labour authority, as a link")(lambda c: _authority_link(c, "tw"))
figure("savings", "savings")(lambda c: c.amount(c.funds.savings or 0))
figure("lump_sum", "lump sums")(lambda c: c.amount(c.person.lump_sum))
figure("money_total", "savings and lump sums")(
    lambda c: c.amount((c.funds.savings or 0) + c.funds.lump_sum)
)
figure("money_total_exact", "savings and lump sums, every digit, for the runway's division")(
    lambda c: c.amount((c.funds.savings or 0) + c.funds.lump_sum, exact=True)
)
figure("need_exact", "what leaves the account each month, every digit, for the division")(
    lambda c: c.amount(c.funds.monthly_need or 0, exact=True)
)
figure("expenses", "monthly costs")(lambda c: c.amount(c.funds.monthly_expenses or 0))
figure("other_income", "a partner's and side income")(
    lambda c: c.amount(c.funds.partner_income + c.funds.side_income)
)
figure("side", "side income a month")(lambda c: c.amount(c.funds.side_income))
figure("si", "social insurance paid by oneself a month")(
    lambda c: c.amount(c.funds.social_insurance)
)
figure("affordable", "months the money for rest lasts above the reserve, to a tenth")(
    lambda c: evidence.runway_text(
        max(0.0, c.rest_funds.runway_months - c.rest_funds.reserve_months)
    )
)
figure("rest", "months of rest from savings")(lambda c: month_count(c.rest.months))
figure("steps_start", "when the dated steps start, from today: after any leave and rest")(
    lambda c: month_count(c.steps_start_months)
)
figure("months_off", "months they could take off")(lambda c: month_count(c.person.months_off))
figure("after_rest", "the runway left after rest")(
    lambda c: evidence.runway_text(c.funds.months_after(c.rest.months))
)
figure("spendable", "what can be spent before the reserve")(lambda c: c.amount(c.spendable))
figure("spendable_months", "months of costs that can be spent before the reserve")(
    lambda c: evidence.runway_text(
        c.spendable / c.funds.monthly_need if c.funds.monthly_need else 0
    )
)
figure(
    "spendable_months_with_side",
    "months that can be spent before the reserve, with side income as it averages",
)(
    lambda c: evidence.runway_text(
        min(c.spendable / c.funds.need_with_side, money.RUNWAY_BOUND_MONTHS)
        if c.funds.need_with_side
        else money.RUNWAY_BOUND_MONTHS
    )
)
figure("dependants_count", "people who depend on their income")(lambda c: str(c.person.dependants))
figure("housing_cost", "rent or mortgage a month")(lambda c: c.amount(c.person.housing_cost or 0))
figure("lump_sum_years", "years of costs above which a lump sum is checked")(
    lambda c: str(money.PLAUSIBLE_LUMP_SUM_YEARS)
)
figure("lump_sum_label", "the question for lump sums, as the person read it")(
    lambda c: str(questionnaire.QUESTIONS["lump_sum"].label)
)


def _severance(c: Case) -> tuple[int, int | None]:
    months = (c.person.tenure_years or 0) * law.fact("cn.severance.amount")["months_per_full_year"]
    total = months * c.person.monthly_pay if c.person.monthly_pay else None
    return months, total


figure("severance_months", "months' pay of severance for whole years, before the cap")(
    lambda c: str(_severance(c)[0])
)
figure("severance_total", "that severance in money, before the cap")(
    lambda c: c.amount(_severance(c)[1] or 0)
)
figure("severance_half_month", "half a month's pay: the severance for under six months")(
    # To the yuan, halves up, in both languages (English amounts are whole; Chinese ones
    # would keep the half).
    lambda c: c.amount(
        math.floor(
            (c.person.monthly_pay or 0) * law.fact("cn.severance.amount")["under_six_months_months"]
            + 0.5
        )
    )
)
figure("severance_gap", "a disputed severance: the person's figure less the lump sum offered")(
    lambda c: c.amount(c.severance_gap)
)
figure("private_average_monthly", "2024 average wage in private urban units, a month")(
    lambda c: c.amount(round(law.fact("cn.wages.private_urban_average_2024")["annual_yuan"] / 12))
)
figure("owed_pay", "pay owed at most: the months owed times the monthly pay")(
    lambda c: c.amount((c.person.owed_months or 0) * (c.person.monthly_pay or 0))
)
figure(
    "noncompete_default_pay",
    "30% of the monthly pay: a non-compete's compensation when none is set",
)(
    lambda c: c.amount(
        round(
            (c.person.monthly_pay or 0)
            * law.fact("cn.noncompete.default_compensation_30pct")["pct_of_avg_monthly_wage"]
            / 100
        )
    )
)
figure("unlawful_total", "twice that severance: an unlawful ending's compensation, before the cap")(
    lambda c: c.amount(
        (_severance(c)[1] or 0)
        * law.fact("cn.termination.unlawful_compensation_2x")["multiple_of_art47"]
    )
)
figure("noncompete_months_left", "months until three have passed unpaid since the job ended")(
    lambda c: month_count(
        law.fact("cn.noncompete.unpaid_three_months_release")["unpaid_months"]
        - (c.person.months_since_left or 0)
    )
)
figure("exam_days_left", "days from today to the registered exam's first possible day")(
    lambda c: formats.days(c.exam_days_left)
)
figure("exam_when", "the exam they registered for: its day, or its month")(
    lambda c: (
        date_format(c.exam_day[0], "DATE_FORMAT" if c.exam_day[1] else "YEAR_MONTH_FORMAT")
        if c.exam_day
        else ""
    )
)
figure("penalty_need_months", "the non-compete's penalty in months of what leaves the account")(
    lambda c: month_count(
        (c.person.noncompete_penalty or 0) / c.funds.monthly_need if c.funds.monthly_need else 0,
        exact=True,
    )
)
figure("months_to_claim", "months left to claim unpaid pay through arbitration")(
    lambda c: month_count(
        12 * law.fact("cn.disputes.arbitration_limitation")["unpaid_pay_deadline_after_end_years"]
        - (c.person.months_since_left or 0)
    )
)
figure("hk_wage_cap", "Hong Kong's monthly wage cap for severance")(
    lambda c: formats.money(law.fact("hk.termination.sp_lsp_amount")["monthly_wage_cap_hkd"], "HKD")
)
figure("hk_total_cap", "Hong Kong's total cap for severance")(
    lambda c: formats.money(law.fact("hk.termination.sp_lsp_amount")["total_cap_hkd"], "HKD")
)
figure(
    "de_1a_severance",
    "Germany's § 1a KSchG severance at the person's whole years and monthly pay",
)(
    lambda c: c.amount(
        law.fact("de.dismissal.claim_within_3_weeks")["severance_months_per_year"]
        * (c.person.tenure_years or 0)
        * (c.person.monthly_pay or 0)
    )
)
figure("hk_severance_owed", "Hong Kong severance for the years served, at the person's pay")(
    lambda c: formats.money(hk_severance(c.person.tenure_years or 0, c.person.monthly_pay), "HKD")
)
figure("overtime_monthly", "overtime hours a month")(lambda c: f"{c.hours.monthly:g}")
figure("week_over", "hours a week over the standard week")(
    lambda c: str(c.person.hours_per_week - c.hours.week)
)
figure("standard_week", "the standard week in hours")(lambda c: str(c.hours.week))
figure("overtime_cap", "the legal overtime cap a month")(lambda c: str(c.hours.cap))
figure("overtime_per_day", "overtime hours a working day")(lambda c: f"{c.hours.per_day:.1f}")
figure("days_worked", "working days a week")(lambda c: str(c.person.days_worked))
figure("times_cap", "overtime as a multiple of the cap")(
    lambda c: f"{c.hours.monthly / c.hours.cap:.1f}"
)
figure("hours", "hours a week")(lambda c: str(c.person.hours_per_week))
figure("day1", "the first milestone's day, at this plan's pace")(lambda c: str(c.day(30)))
figure("day2", "the second milestone's day")(lambda c: str(c.day(60)))
figure("day3", "the last milestone's day")(lambda c: str(c.day(90)))
figure("visa_days_left", "the fewest days of the US grace period that could be left today")(
    lambda c: number(c.visa_days_left or 0)
)
figure("visa_soonest_end", "the soonest date the status could end, counted from today")(
    lambda c: date_format(c.today + datetime.timedelta(days=c.visa_days_left or 0))
)
figure("visa_decide_day", "the day, from today, by which to decide")(
    lambda c: str(c.visa_decision_day or 0)
)
figure("revisit", "when to come back to the plan")(
    lambda c: month_count(6 if c.person.timeline in ("1_year", "exploring") else 3)
)
figure("path", "the path the plan follows")(lambda c: str(c.chosen.name))
figure("plan_b", "plan B: the path to switch to")(lambda c: str(c.plan_b.name) if c.plan_b else "")
figure("plan_b_summary", "plan B's one-line summary")(
    lambda c: str(c.plan_b.summary) if c.plan_b else ""
)
figure("onward_path", "the path whose steps follow a rest or a bridge: where they want to go")(
    lambda c: str(c.onward.archetype.name) if c.onward else ""
)
figure("onward_score", "its score")(lambda c: str(c.onward.score) if c.onward else "")
figure("onward_blocker", "what holds that path back, in the matching's words")(
    lambda c: _blocker(c.onward)
)
figure("direction_path", "the best path that leads where the person wants to go")(
    lambda c: str(c.blocked_direction.archetype.name) if c.blocked_direction else ""
)
figure("direction_blocker", "what holds that path back, in the matching's words")(
    lambda c: _blocker(c.blocked_direction)
)
figure("path_summary", "its one-line summary")(lambda c: str(c.chosen.summary))
figure("path_description", "its story, as its file tells it")(lambda c: str(c.chosen.description))
figure("path_score", "its score")(lambda c: str(c.match_of(c.chosen).score))
figure("path_fit", "its fit, in words")(lambda c: c.match_of(c.chosen).fit_label.lower())
figure("best_path", "the best match on the answers alone")(
    lambda c: str(c.result.best.archetype.name)
)
figure("confidence", "how sure the match is, in a sentence")(lambda c: c.result.confidence.sentence)


def _story_title(c: Case) -> str:
    """The article's title, quoted: in a Chinese plan its Chinese rendering, with the
    English original it renders."""
    source = c.story.source if c.story else None
    if source is None:
        return ""
    if is_chinese() and source.title_zh:
        return f"《{source.title_zh}》（原题：{source.title}）"
    return f"“{source.title}”"


figure("story_title", "the article the path's story comes from, in quotation marks")(_story_title)
figure("law_checked", "the date the law in the plan was last checked")(
    lambda c: date_format(c.law_checked) if c.law_checked else ""
)
figure("owed_months", "months of pay or social insurance owed")(
    lambda c: month_count(c.person.owed_months or 0)
)
figure("sign_days", "days until they want a signature")(
    lambda c: number(c.person.sign_deadline_days or 0)
)
figure("partner_income", "the partner's income towards costs")(
    lambda c: c.amount(c.person.partner_income)
)
figure("noncompete_penalty", "the non-compete's penalty")(
    lambda c: c.amount(c.person.noncompete_penalty or 0)
)
