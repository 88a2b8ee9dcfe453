"""The questionnaire: every question, once.

The step forms, the validation of a complete answer set, the JSON Schema
(`manage.py questionnaire_schema`) and docs/questionnaire.md are all derived
from the definitions below, so they cannot disagree.

Version 2 asks what changes the advice: where the person works, whether they are still
employed, who their legal employer is, their hours system, and their money in amounts
and their own currency. Version 3 asks what decides a case before any path: pregnancy,
pay or social insurance owed, a signature pressed for, a closing employer, a job-tied
visa, illness, caring, a partner at the same employer, being the only earner, the rent
or mortgage, and where a non-compete stands; most people tick "None of these" and see
no follow-up. Version 4 asks about a non-compete of someone who left of their own accord
within its longest term (24 months), and of someone going back to study or sitting an
exam, whether they have registered for it and when it is. Submissions of earlier versions
stay readable: retired questions (`until=1`) and retired choices are kept here so
that their answers still display, validate and match (advisor/advice/answers.py reads
every version); a question whose condition changed keeps its earlier one (`shown_before`),
so an answer set is read with the conditions it was answered under.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext, pgettext_lazy

from advisor.advice import formats

SCHEMA_VERSION = 4
VERSIONS = tuple(range(1, SCHEMA_VERSION + 1))
TEXT_LIMIT = 1000
MONEY_LIMIT = 10_000_000_000  # more than any amount a person plans a change with

Kind = Literal["choice", "multi", "integer", "text"]


@dataclass(frozen=True)
class When:
    """A question shows only when another answer is one of `values` (or, for a number,
    at most `at_most`), and every further condition in `also` holds too. With
    `missing_ok`, an answer not given (a question not asked) satisfies it as well."""

    key: str
    values: tuple[Any, ...] = ()
    also: tuple[When, ...] = ()
    at_most: int | None = None
    missing_ok: bool = False

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return self._holds_alone(answers) and all(other.holds(answers) for other in self.also)

    def _holds_alone(self, answers: Mapping[str, Any]) -> bool:
        if self.key not in answers:
            return self.missing_ok
        value = answers[self.key]
        if self.at_most is not None:
            return isinstance(value, int) and not isinstance(value, bool) and value <= self.at_most
        if isinstance(value, list):
            return any(v in self.values for v in value)
        return value in self.values

    @property
    def conditions(self) -> tuple[When, ...]:
        """Each single condition, this one first."""
        alone = When(self.key, self.values, at_most=self.at_most, missing_ok=self.missing_ok)
        return (alone, *(c for o in self.also for c in o.conditions))

    def text(self, quote: str = "") -> str:
        """This single condition in words, for the docs and the validator's messages."""
        if self.at_most is not None:
            said = f"{quote}{self.key}{quote} is at most {self.at_most}"
        else:
            said = f"{quote}{self.key}{quote} is " + " or ".join(
                f"{quote}{v}{quote}" for v in self.values
            )
        return f"{said} (or not asked)" if self.missing_ok else said

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(c.key for c in self.conditions)


@dataclass(frozen=True)
class Question:
    key: str
    kind: Kind
    label: Any
    help: Any
    choices: tuple[tuple[str, Any], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    required: bool = True
    max_selected: int | None = None
    shows_when: When | None = None
    unit: Any = ""
    money: bool = False  # an amount in the answer set's currency (formats.money)
    # The first and the last version that ask it (None: it is still asked). A new version
    # changes nothing here but for the questions it adds or retires.
    since: int = 1
    until: int | None = None
    # Choices an earlier version offered: still valid in answers of that version, and
    # still shown by their label.
    retired_choices: tuple[tuple[str, Any], ...] = ()
    # Conditions of earlier versions, oldest first: (the last version that asked it so,
    # its condition). Answers of those versions are read with the condition they were
    # given under.
    shown_before: tuple[tuple[int, When | None], ...] = ()
    # For text: the form the answer must take (a regular expression), and how it reads.
    pattern: str = ""
    pattern_text: Any = ""

    @property
    def versions(self) -> range:
        return range(self.since, (self.until or SCHEMA_VERSION) + 1)

    def condition(self, version: int = SCHEMA_VERSION) -> When | None:
        """When this question shows in `version`."""
        return next((w for last, w in self.shown_before if version <= last), self.shows_when)

    def applies(self, answers: Mapping[str, Any], *, version: int = SCHEMA_VERSION) -> bool:
        when = self.condition(version)
        return when is None or when.holds(answers)

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(value for value, _label in self.choices)

    def values_for(self, version: int) -> tuple[str, ...]:
        retired = () if version == SCHEMA_VERSION else self.retired_choices
        return self.choice_values + tuple(value for value, _label in retired)

    def display(self, value: Any, *, currency: str = formats.DEFAULT_CURRENCY) -> str:
        """The answer as a person reads it, in the active language."""
        labels = dict(self.retired_choices + self.choices)
        if self.kind == "multi":
            separator = pgettext("between the items of a list", ", ")
            return separator.join(str(labels.get(v, v)) for v in value) if value else str(_("None"))
        if self.kind == "choice":
            return str(labels.get(value, value))
        if self.money:
            amount = formats.money(value, currency)
            return self.unit % {"amount": amount} if self.unit else amount
        if self.kind == "integer" and self.unit:
            return self.unit % {"count": value}
        return str(value)


@dataclass(frozen=True)
class Step:
    slug: str
    title: Any
    intro: Any
    all_questions: tuple[Question, ...] = field(default_factory=tuple)

    # Worked out once: a step's questions never change (a step save reads them often).
    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """The questions of the current version, in order."""
        return self.questions_for(SCHEMA_VERSION)

    def questions_for(self, version: int) -> tuple[Question, ...]:
        return tuple(q for q in self.all_questions if version in q.versions)

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(q.key for q in self.questions)

    @property
    def number(self) -> int:
        return STEPS.index(self) + 1


YES_NO = (("yes", _("Yes")), ("no", _("No")))
# In a list of choices, the one that says none of the others apply.
NONE = "none"
LOW_MEDIUM_HIGH = (("low", _("Low")), ("medium", _("Medium")), ("high", _("High")))
OUTSIDE_MAINLAND = ("hk_tw", "hong_kong", "taiwan", "overseas")
# Employment statuses with an employer, now or until lately.
WITH_EMPLOYER = ("employed", "notice", "laid_off")
LEFT_A_JOB = ("laid_off", "between_jobs")
# An exam's month (2026-12) or day (2026-12-20).
EXAM_DATE_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$"
# The longest a non-compete can bind after the job ends (Labour Contract Law art. 24).
NONCOMPETE_MONTHS = 24
# Whom the restrictions are asked of: anyone with an employer now or until lately, the
# months since leaving at most a non-compete's longest term where the answers count them.
RESTRICTIONS_ASKED = When(
    "employment_status",
    (*WITH_EMPLOYER, "between_jobs"),
    also=(When("months_since_left", at_most=NONCOMPETE_MONTHS, missing_ok=True),),
)
MONTHS = ngettext_lazy("%(count)d month", "%(count)d months", "count")
YEARS = ngettext_lazy("%(count)d year", "%(count)d years", "count")

STEPS: tuple[Step, ...] = (
    Step(
        "situation",
        _("Your situation"),
        _(
            "Where you work and where you stand with your employer decide which rights and "
            "which first steps come first in your plan."
        ),
        (
            Question(
                "location",
                "choice",
                _("Where do you work?"),
                _(
                    "Your rights at work follow the place you work. If you are between jobs, "
                    "where you last worked; if you study, where you study."
                ),
                (
                    ("mainland", _("Mainland China")),
                    ("hong_kong", _("Hong Kong")),
                    ("taiwan", _("Taiwan")),
                    ("overseas", _("Overseas")),
                ),
                retired_choices=(("hk_tw", _("Hong Kong or Taiwan")),),
            ),
            Question(
                "country",
                "choice",
                _("Which country?"),
                _("The one you work in now."),
                (
                    ("us", _("United States")),
                    ("canada", _("Canada")),
                    ("uk", _("United Kingdom")),
                    ("germany", _("Germany")),
                    ("europe", _("Elsewhere in Europe")),
                    ("singapore", _("Singapore")),
                    ("japan", _("Japan")),
                    ("australia", _("Australia")),
                    ("new_zealand", _("New Zealand")),
                    ("other", _("Another country")),
                ),
                shows_when=When("location", ("overseas",)),
            ),
            Question(
                "employment_status",
                "choice",
                _("Where do you stand with work?"),
                _("It decides what your plan deals with first."),
                (
                    ("employed", _("Employed")),
                    ("notice", _("I have resigned or handed in my notice")),
                    ("laid_off", _("Laid off, or my employer ended my contract")),
                    ("between_jobs", _("Between jobs: I left of my own accord")),
                    ("student", _("Student or new graduate")),
                    ("self_employed", _("Self-employed or freelance")),
                ),
                since=2,
            ),
            Question(
                "severance_status",
                "choice",
                _("Were you offered severance?"),
                _("Severance (经济补偿) is what the employer pays when it ends a contract."),
                (
                    ("agreed", _("Yes, and the amount is agreed or paid")),
                    ("disputed", _("Offered, but less than I think I am owed")),
                    ("none", _("No severance was offered")),
                    ("not_yet", _("Not discussed yet")),
                ),
                shows_when=When("employment_status", ("laid_off",)),
                since=2,
            ),
            Question(
                "months_since_left",
                "integer",
                _("How many months ago did your last job end?"),
                _("0 if it ended this month. Some claims and benefits count from that day."),
                minimum=0,
                maximum=120,
                unit=MONTHS,
                shows_when=When("employment_status", LEFT_A_JOB),
                since=2,
            ),
            Question(
                "contract_type",
                "choice",
                _("Who is your legal employer?"),
                _(
                    "The company named on your contract and your payslip. If that is not the "
                    "company you work at, you are outsourced or dispatched."
                ),
                (
                    ("direct", _("The company I work at")),
                    ("outsourced", _("An outsourcing firm that places me at a client (外包)")),
                    ("dispatched", _("A labour-dispatch agency (劳务派遣)")),
                    ("not_sure", _("Not sure")),
                ),
                shows_when=When("employment_status", WITH_EMPLOYER),
                since=2,
            ),
            Question(
                "tenure_years",
                "integer",
                _("Years with this employer"),
                _(
                    "Whole years with your current employer, or your last one. Severance and "
                    "several protections are counted by them."
                ),
                minimum=0,
                maximum=50,
                unit=YEARS,
                shows_when=When("employment_status", WITH_EMPLOYER),
                since=2,
            ),
            Question(
                "monthly_pay",
                "integer",
                _("Your monthly pay before tax"),
                _(
                    "Optional. The average of the last 12 months, in the currency you choose "
                    "on the money step. Used only to work out severance."
                ),
                minimum=0,
                maximum=MONEY_LIMIT,
                required=False,
                money=True,
                shows_when=When("employment_status", WITH_EMPLOYER),
                since=2,
            ),
            Question(
                "age_band",
                "choice",
                _("Your age"),
                _(
                    "Optional. A job search at 35 or over often needs a plan of its own; "
                    "leave it blank if you prefer."
                ),
                (
                    ("under_25", _("Under 25")),
                    ("25_34", _("25 to 34")),
                    ("35_44", _("35 to 44")),
                    ("45_plus", _("45 or over")),
                ),
                required=False,
                since=2,
            ),
            Question(
                "circumstances",
                "multi",
                _("Is any of these true for you now?"),
                _(
                    "Each one changes what your plan deals with first. Tick all that apply, "
                    "or “None of these”."
                ),
                (
                    ("pregnant", _("I am pregnant, on maternity leave, or nursing a baby")),
                    ("unpaid", _("My employer owes me pay, or has not paid my social insurance")),
                    (
                        "asked_to_sign",
                        _(
                            "I am being pressed to sign something: a resignation, an agreement "
                            "to leave, a transfer or a pay cut"
                        ),
                    ),
                    ("closing", _("My employer is closing down or cannot pay its way")),
                    ("visa", _("My visa or residence permit depends on this job")),
                    ("illness", _("I live with a long-term illness or a disability")),
                    ("caring", _("I care for someone: a parent, a child, a partner")),
                    ("partner_same_employer", _("My partner works for the same employer")),
                    ("sole_earner", _("I am my household's only earner")),
                    ("none", _("None of these")),
                ),
                since=3,
            ),
            Question(
                "pregnancy_stage",
                "choice",
                _("Where are you now?"),
                _("The protections differ a little at each stage."),
                (
                    ("pregnant", _("Pregnant")),
                    ("maternity_leave", _("On maternity leave")),
                    ("nursing", _("Back at work, nursing a baby under one")),
                ),
                shows_when=When("circumstances", ("pregnant",)),
                since=3,
            ),
            Question(
                "owed_what",
                "choice",
                _("What does your employer owe you?"),
                _("Pay includes overtime pay and bonuses that were promised in writing."),
                (
                    ("pay", _("Pay")),
                    ("social_insurance", _("Social insurance contributions")),
                    ("both", _("Both")),
                ),
                shows_when=When("circumstances", ("unpaid",)),
                since=3,
            ),
            Question(
                "owed_months",
                "integer",
                _("For how many months?"),
                _("Count every month with anything unpaid. 0 if it is less than a month."),
                minimum=0,
                maximum=120,
                unit=MONTHS,
                shows_when=When("circumstances", ("unpaid",)),
                since=3,
            ),
            Question(
                "sign_what",
                "choice",
                _("What are you being asked to sign?"),
                _("Read it before you answer: the title matters less than what it says."),
                (
                    (
                        "resignation",
                        _("A resignation letter, or a form saying I leave of my own will"),
                    ),
                    ("agreement", _("An agreement to end my contract (协商解除)")),
                    ("transfer", _("A transfer, a new post or a pay cut")),
                    ("other", _("Something else")),
                ),
                shows_when=When("circumstances", ("asked_to_sign",)),
                since=3,
            ),
            Question(
                "sign_deadline_days",
                "integer",
                _("In how many days do they want it signed?"),
                _("Optional. 0 if they want it today."),
                minimum=0,
                maximum=365,
                required=False,
                unit=ngettext_lazy("%(count)d day", "%(count)d days", "count"),
                shows_when=When("circumstances", ("asked_to_sign",)),
                since=3,
            ),
            Question(
                "residence_status",
                "choice",
                _("Which permit lets you work where you are?"),
                _("What the end of this job would mean for it depends on which it is."),
                (
                    ("hk_macau", _("I am a Hong Kong or Macau resident working in the mainland")),
                    ("taiwan", _("I am a Taiwan resident working in the mainland")),
                    ("foreign", _("A foreigner's work permit and residence permit")),
                    ("work_visa", _("A work visa or pass tied to my employer")),
                    ("other", _("Something else")),
                ),
                shows_when=When("circumstances", ("visa",)),
                since=3,
            ),
            Question(
                "caring_for",
                "choice",
                _("Whom do you care for?"),
                _("The one who needs you most, if there are several."),
                (
                    ("parent", _("A parent or grandparent")),
                    ("child", _("A child")),
                    ("partner", _("A partner")),
                    ("other", _("Someone else")),
                ),
                shows_when=When("circumstances", ("caring",)),
                since=3,
            ),
        ),
    ),
    Step(
        "work",
        _("Work now"),
        _("The job you have today, or your most recent one."),
        (
            Question(
                "role",
                "choice",
                _("What is your role?"),
                _("Pick the closest. Your title can differ."),
                (
                    ("engineer", _("Software engineer")),
                    ("data", _("Data or analytics")),
                    ("product", _("Product manager")),
                    ("design", _("Design")),
                    ("operations", _("Operations, growth or marketing")),
                    ("manager", _("Engineering or team manager")),
                    ("other", _("Something else")),
                ),
            ),
            Question(
                "years_experience",
                "integer",
                _("Years of experience in tech"),
                _("Whole years, all employers together. 0 if you are just starting."),
                minimum=0,
                maximum=50,
                unit=YEARS,
            ),
            Question(
                "employer_type",
                "choice",
                _("Who do you work for?"),
                _(
                    "Or did, most recently. Big Tech means the large platforms: ByteDance, "
                    "Tencent, Alibaba and the like."
                ),
                (
                    ("big_tech", _("Big Tech")),
                    ("startup", _("A startup")),
                    ("foreign", _("A foreign firm")),
                    ("other", _("Another kind of employer")),
                ),
            ),
            Question(
                "hours_per_week",
                "integer",
                _("Hours you actually work in a typical week"),
                _(
                    "Or did, in your last job. Count evenings and weekends too. 996 is 72 hours "
                    "a week."
                ),
                minimum=0,
                maximum=120,
                unit=ngettext_lazy("%(count)d hour", "%(count)d hours", "count"),
            ),
            Question(
                "hours_system",
                "choice",
                _("Which working-hours system are you on?"),
                _(
                    "In mainland China the two special systems need the labour authority's "
                    "approval and change how overtime is counted. Most office jobs are on "
                    "standard hours."
                ),
                (
                    ("standard", _("Standard hours")),
                    ("averaged", _("Hours averaged over a period (综合计算工时)")),
                    ("unfixed", _("No fixed hours (不定时工作制)")),
                    ("not_sure", _("Not sure")),
                ),
                shows_when=When("employment_status", WITH_EMPLOYER),
                since=2,
            ),
            Question(
                "weekend_days_worked",
                "choice",
                _("Weekend days you usually work"),
                _("In a typical week."),
                (
                    ("0", pgettext_lazy("weekend days worked", "None")),
                    ("1", pgettext_lazy("weekend days worked", "One")),
                    ("2", pgettext_lazy("weekend days worked", "Both")),
                ),
            ),
            Question(
                "online_after_six",
                "choice",
                _("How often are you online for work after 6 pm?"),
                _("Messages and calls count, not only desk time."),
                (
                    ("never", _("Never or rarely")),
                    ("sometimes", _("Once or twice a week")),
                    ("most_days", _("Most working days")),
                    ("every_day", _("Every day, weekends included")),
                ),
            ),
            Question(
                "layoff_worry",
                "choice",
                _("How worried are you about layoffs?"),
                _("At your company or in your part of the industry."),
                LOW_MEDIUM_HIGH,
            ),
        ),
    ),
    Step(
        "strain",
        _("Strain"),
        _(
            "A few plain questions about how work is wearing on you. This is not a diagnosis, "
            "and Leap never gives one; it helps put your health first where it must come first."
        ),
        (
            Question(
                "strain_signals",
                "multi",
                _("Which of these have happened to you in the last year?"),
                _("Tick all that apply, or none."),
                (
                    ("fainted_or_ill", _("Fainted, fell ill or was hurt because of work")),
                    ("nonstop", _("Felt I have been running non-stop for years")),
                    ("sleep", _("Sleep trouble most weeks")),
                    ("dread", _("Dread on Sunday evenings about the week ahead")),
                    ("no_time", _("No time for family, friends or myself")),
                    ("numb", _("Stopped caring about work I used to enjoy")),
                ),
                required=False,
            ),
            Question(
                "health_followup",
                "choice",
                _("Since then, have you seen a doctor?"),
                _("Optional. It lets your plan start from where you are."),
                (
                    ("seen", _("Yes")),
                    ("on_sick_leave", _("Yes, and I am on sick leave now")),
                    ("not_yet", _("Not yet")),
                ),
                required=False,
                shows_when=When("strain_signals", ("fainted_or_ill",)),
                since=2,
            ),
            Question(
                "need_break",
                "choice",
                _("Do you feel you need a break before anything new?"),
                _("Li Jing took six months to rest and reflect before she founded her company."),
                (
                    ("no", _("No, I am ready to go")),
                    ("short", _("A few weeks")),
                    ("long", _("A few months or more")),
                ),
            ),
        ),
    ),
    Step(
        "pulls",
        _("What pulls you"),
        _("What would make the change worth it?"),
        (
            Question(
                "pulls",
                "multi",
                _("What matters most to you now?"),
                _("Choose up to three."),
                (
                    ("freedom_rest", _("Freedom and rest")),
                    ("purpose_control", _("Purpose and control over my work")),
                    ("money", pgettext_lazy("what matters most", "Money")),
                    ("home_family", _("Home and family")),
                    ("build_own", _("Building something of my own")),
                    ("change_culture", _("Changing engineering culture")),
                ),
                max_selected=3,
            ),
        ),
    ),
    Step(
        "skills",
        _("Skills and assets"),
        _("What you bring with you."),
        (
            Question(
                "skills",
                "multi",
                _("Which of these are you good at?"),
                _("Things you could be paid for today."),
                (
                    ("data_analysis", _("Data analysis")),
                    ("traffic_growth", _("Traffic and growth")),
                    ("product_management", _("Product management")),
                    ("teaching", _("Teaching and mentoring")),
                    ("deep_engineering", _("Deep engineering (ML, infrastructure)")),
                    ("management", _("Management")),
                ),
                required=False,
            ),
            Question(
                "has_audience",
                "choice",
                _("Do you have an audience online?"),
                _("Followers on Douyin, Xiaohongshu, WeChat, Bilibili or elsewhere."),
                YES_NO,
            ),
            Question(
                "audience_platforms",
                "multi",
                _("Where is your audience?"),
                _("Tick every platform where you post."),
                (
                    ("douyin", _("Douyin")),
                    ("xiaohongshu", _("Xiaohongshu")),
                    ("wechat", _("WeChat")),
                    ("bilibili", _("Bilibili")),
                    ("weibo", _("Weibo")),
                    ("other", _("Elsewhere")),
                ),
                shows_when=When("has_audience", ("yes",)),
            ),
            Question(
                "audience_size",
                "choice",
                _("How many followers, all platforms together?"),
                _("A rough figure is fine."),
                (
                    ("under_1k", _("Under 1,000")),
                    ("1k_10k", _("1,000 to 10,000")),
                    ("10k_100k", _("10,000 to 100,000")),
                    ("over_100k", _("Over 100,000")),
                ),
                shows_when=When("has_audience", ("yes",)),
            ),
            Question(
                "network",
                "choice",
                _("How strong is your professional network?"),
                _("People who would take your call about work."),
                (
                    ("small", _("Small: a handful of people")),
                    ("medium", _("Medium: dozens")),
                    ("large", _("Large: I know people across the industry")),
                ),
            ),
            Question(
                "languages",
                "multi",
                _("Languages you work in"),
                _("Well enough to run a meeting."),
                (
                    ("zh", _("Chinese")),
                    ("en", _("English")),
                    ("other", pgettext_lazy("language", "Another language")),
                ),
            ),
            Question(
                "overseas_experience",
                "choice",
                _("Have you studied or worked outside mainland China?"),
                _("A degree or a job abroad, or in Hong Kong or Taiwan."),
                (
                    ("none", pgettext_lazy("studied or worked abroad", "No")),
                    ("degree", _("A degree")),
                    ("work", pgettext_lazy("studied or worked abroad", "Work")),
                    ("both", pgettext_lazy("studied or worked abroad", "Both")),
                ),
            ),
            Question(
                "side_business",
                "choice",
                _("Do you have a side business?"),
                _("Anything you earn from outside your job: clients, courses, a shop, an account."),
                (
                    ("none", _("No")),
                    ("started", _("Started, not earning yet")),
                    ("earning", _("Yes, it earns money")),
                ),
                since=2,
            ),
        ),
    ),
    Step(
        "money",
        _("Money and risk"),
        _(
            "Only you see these figures, and a counsellor if you allow it. Amounts are "
            "in one currency of your choice; Leap does not convert them."
        ),
        (
            Question(
                "currency",
                "choice",
                _("The currency of your amounts"),
                _("Usually the one you are paid in."),
                tuple((code, label) for code, label in formats.CURRENCY_NAMES.items()),
                since=2,
            ),
            Question(
                "savings",
                "integer",
                _("Savings you could live on"),
                _(
                    "Cash and deposits you could spend if your income stopped: not your home, "
                    "and not retirement accounts you cannot touch."
                ),
                minimum=0,
                maximum=MONEY_LIMIT,
                money=True,
                since=2,
            ),
            Question(
                "monthly_expenses",
                "integer",
                _("What you spend in a typical month"),
                _("Rent or mortgage, food, family, everything. An estimate is fine."),
                minimum=1,
                maximum=MONEY_LIMIT,
                money=True,
                unit=_("%(amount)s a month"),
                since=2,
            ),
            Question(
                "housing",
                "choice",
                _("Where you live"),
                _("Rent and a mortgage must be paid through any break."),
                (
                    ("rent", _("I rent")),
                    ("mortgage", _("I pay a mortgage")),
                    ("own", _("I own my home outright")),
                    ("family", _("I live with family")),
                ),
                since=2,
            ),
            Question(
                "housing_cost",
                "integer",
                _("Of that, your rent or mortgage each month"),
                _("Optional. It has to be paid through any gap in pay."),
                minimum=0,
                maximum=MONEY_LIMIT,
                required=False,
                money=True,
                unit=_("%(amount)s a month"),
                shows_when=When("housing", ("rent", "mortgage")),
                since=3,
            ),
            Question(
                "lump_sum",
                "integer",
                _("Severance or other lump sums you expect"),
                _(
                    "Optional. Severance, a bonus still owed, or any other one-off payment "
                    "you can count on. Leave it blank if there is none."
                ),
                minimum=0,
                maximum=MONEY_LIMIT,
                required=False,
                money=True,
                since=2,
            ),
            Question(
                "partner_income",
                "integer",
                _("A partner's income towards shared costs"),
                _(
                    "Optional. Only what would keep paying your household's costs each month "
                    "if your income stopped. Leave it blank if there is none."
                ),
                minimum=0,
                maximum=MONEY_LIMIT,
                required=False,
                money=True,
                unit=_("%(amount)s a month"),
                since=2,
            ),
            Question(
                "side_income",
                "integer",
                _("What your side business earns in a month"),
                _(
                    "After its costs; if you work for yourself, what your clients pay you. A "
                    "rough average of the last few months is fine."
                ),
                minimum=0,
                maximum=MONEY_LIMIT,
                money=True,
                unit=_("%(amount)s a month"),
                shows_when=When("side_business", ("earning",)),
                since=2,
            ),
            Question(
                "social_insurance_cost",
                "integer",
                _("What paying your own social insurance would cost a month"),
                _(
                    "Optional, for mainland China: if you stop working, keeping your social "
                    "insurance (社保) going as a flexible worker costs money each month. Your "
                    "city's social insurance office can tell you how much."
                ),
                minimum=0,
                maximum=MONEY_LIMIT,
                required=False,
                money=True,
                unit=_("%(amount)s a month"),
                shows_when=When("location", ("mainland",)),
                since=2,
            ),
            Question(
                "social_insurance_paying",
                "choice",
                _("Do you pay your own social insurance now?"),
                _(
                    "Optional, for mainland China: working for yourself, no employer pays your "
                    "pension and medical insurance (社保) for you."
                ),
                (
                    ("yes", _("Yes, as a flexible worker or through an agency")),
                    ("no", _("No, not at the moment")),
                ),
                required=False,
                shows_when=When(
                    "location",
                    ("mainland",),
                    also=(When("employment_status", ("self_employed",)),),
                ),
                since=4,
            ),
            Question(
                "social_insurance_gap_months",
                "integer",
                _("For how many months has none been paid?"),
                _("Optional. Since your last employer, or you, last paid in. Roughly is fine."),
                minimum=0,
                maximum=600,
                required=False,
                unit=MONTHS,
                shows_when=When("social_insurance_paying", ("no",)),
                since=4,
            ),
            Question(
                "savings_months",
                "integer",
                _("How many months of expenses could your savings cover?"),
                _("If your income stopped tomorrow."),
                minimum=0,
                maximum=240,
                unit=MONTHS,
                until=1,
            ),
            Question(
                "dependants",
                "integer",
                _("How many people depend on your income?"),
                _("Children, parents or a partner you support."),
                minimum=0,
                maximum=20,
                unit=ngettext_lazy("%(count)d person", "%(count)d people", "count"),
            ),
            Question(
                "income_floor",
                "integer",
                _("The least you could live on each month, in yuan"),
                _("Your floor, not your wish. For example 15000."),
                minimum=0,
                maximum=10_000_000,
                unit=_("%(amount)s a month"),
                money=True,
                until=1,
            ),
            Question(
                "risk_tolerance",
                "choice",
                _("How much risk can you take?"),
                _("With your career and your money."),
                LOW_MEDIUM_HIGH,
            ),
            Question(
                "months_off",
                "integer",
                _("How many months could you take off work?"),
                _("0 if you cannot take any time off."),
                minimum=0,
                maximum=36,
                unit=MONTHS,
            ),
        ),
    ),
    Step(
        "place",
        _("Place"),
        _("Where you live shapes which paths are open."),
        (
            Question(
                "return_home",
                "choice",
                _("Would you move back to the mainland for the right role?"),
                _("Many overseas engineers are weighing this."),
                (
                    ("no", pgettext_lazy("move back to the mainland", "No")),
                    ("open", _("I am open to it")),
                    ("planning", _("I am planning to")),
                ),
                shows_when=When("location", OUTSIDE_MAINLAND),
            ),
            Question(
                "willing_to_move",
                "choice",
                _("Would you move city for the change?"),
                _("Within your country or region."),
                YES_NO,
            ),
            Question(
                "political_risk_concern",
                "choice",
                _("How much do political or regulatory risks worry you?"),
                _("Crackdowns on platforms, rules on data and speech, tension between countries."),
                LOW_MEDIUM_HIGH,
            ),
        ),
    ),
    Step(
        "horizon",
        _("Horizon"),
        _("Where you want to be."),
        (
            Question(
                "direction",
                "choice",
                _("Which move appeals most?"),
                _("You can change your mind later."),
                (
                    ("found", _("Found a company")),
                    ("freelance", _("Freelance or go independent")),
                    ("join", _("Join another employer")),
                    ("stay", _("Stay, on better terms")),
                    ("leave_tech", _("Leave tech for other work")),
                    ("exam", _("Take the civil-service exam, or join a state employer")),
                    ("study", _("Go back to study")),
                    ("abroad", _("Move abroad, or to Hong Kong")),
                    ("home", _("Move home, or to a smaller city")),
                    ("unsure", _("Not sure yet")),
                ),
            ),
            Question(
                "abroad_to",
                "choice",
                _("Where would you go?"),
                _("Optional. The plan then gives only that place's schemes and figures."),
                (
                    ("hong_kong", _("Hong Kong")),
                    ("elsewhere", _("Another country")),
                    ("not_sure", _("Not sure yet")),
                ),
                required=False,
                shows_when=When("direction", ("abroad",)),
                since=3,
            ),
            Question(
                "exam_registered",
                "choice",
                _("Have you registered for an exam?"),
                _(
                    "Optional. The entrance exam (考研), the civil-service exam, or another "
                    "exam your move depends on. Your plan then starts from it."
                ),
                (
                    ("yes", _("Yes, I have registered")),
                    ("no", _("Not yet")),
                ),
                required=False,
                shows_when=When("direction", ("exam", "study")),
                since=4,
            ),
            Question(
                "exam_date",
                "text",
                _("When is it?"),
                _(
                    "Optional. The month as 2026-12, or the first day as 2026-12-20, as on "
                    "your admission ticket or the announcement."
                ),
                required=False,
                shows_when=When("exam_registered", ("yes",)),
                since=4,
                pattern=EXAM_DATE_PATTERN,
                pattern_text=_("a month such as 2026-12, or a date such as 2026-12-20"),
            ),
            Question(
                "timeline",
                "choice",
                _("When would you like to move?"),
                _("Roughly."),
                (
                    ("now", _("As soon as I can")),
                    ("3_months", _("Within 3 months")),
                    ("6_months", _("Within 6 months")),
                    ("1_year", _("Within a year")),
                    ("exploring", _("Just exploring")),
                ),
            ),
            Question(
                "restrictions",
                "choice",
                _("Does your contract restrict what you do next?"),
                _(
                    "A non-compete (竞业限制) limits working for a competitor after you leave; "
                    "some contracts also ban side jobs. Check your contract if you are unsure."
                ),
                (
                    ("none", _("No restriction that I know of")),
                    ("noncompete", _("A non-compete")),
                    ("side_job_ban", _("A ban on side jobs")),
                    ("both", _("Both")),
                    ("not_sure", _("Not sure")),
                ),
                # A non-compete binds for up to 24 months after leaving (cn.noncompete.
                # who_and_max_term), so someone who left of their own accord within them is
                # asked too (version 4); a side-job ban binds only while employed.
                shows_when=RESTRICTIONS_ASKED,
                shown_before=((3, When("employment_status", WITH_EMPLOYER)),),
                since=2,
            ),
            Question(
                "noncompete_state",
                "choice",
                _("Where does your non-compete stand?"),
                _(
                    "It binds you only if your employer enforces it after you leave, and pays "
                    "you for each month it runs."
                ),
                (
                    ("not_told", _("My employer has not said whether it will enforce it")),
                    ("enforced_paid", _("It is enforced, and I am paid for it each month")),
                    ("enforced_unpaid", _("It is enforced, but I am not paid for it")),
                    ("released", _("My employer has released me from it")),
                ),
                shows_when=When("restrictions", ("noncompete", "both")),
                since=3,
            ),
            Question(
                "competitor_offer",
                "choice",
                _("Do you have an offer from a competitor of your employer?"),
                _("Or are you about to found or join a business in the same line?"),
                YES_NO,
                shows_when=When("restrictions", ("noncompete", "both")),
                since=3,
            ),
            Question(
                "noncompete_penalty",
                "integer",
                _("The penalty your contract sets for breaking it"),
                _("Optional. The liquidated damages (违约金) written in the clause."),
                minimum=0,
                maximum=MONEY_LIMIT,
                required=False,
                money=True,
                shows_when=When("restrictions", ("noncompete", "both")),
                since=3,
            ),
            Question(
                "notes",
                "text",
                _("Anything else we should know?"),
                _(
                    "Optional, up to 1000 characters, in any language. Only a counsellor reads "
                    "this, and only if you allow a review."
                ),
                required=False,
            ),
        ),
    ),
)

# Version 1 asked where a person lives (it is where they work, for all but a few) and
# grouped Hong Kong with Taiwan; its answers keep their meaning in version 2.
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
# Every question of every version, by key: an answer set of any version reads through it.
QUESTIONS = {q.key: q for step in STEPS for q in step.all_questions}


# Every question's key, in the order the questionnaire asks them.
ORDER = tuple(dict.fromkeys(q.key for step in STEPS for q in step.all_questions))
# What version 4 changed: its new questions, and the questions it asks of other people.
_NEW_IN_4 = frozenset(q.key for q in QUESTIONS.values() if q.since == 4)
_CHANGED_SINCE_3 = tuple(
    q for q in QUESTIONS.values() if any(last == 3 for last, _when in q.shown_before)
)


@functools.cache
def questions_for(version: int) -> Mapping[str, Question]:
    """The questions of one version, by key, in order: read-only, made once a version."""
    return MappingProxyType({q.key: q for step in STEPS for q in step.questions_for(version)})


def prune(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Drop answers to questions that no longer apply, or that the current version no
    longer asks, so nothing stale is stored."""
    return kept_for(answers, SCHEMA_VERSION)


def kept_for(answers: Mapping[str, Any], version: int) -> dict[str, Any]:
    """The answers to questions `version` asks that apply, decided in the questionnaire's
    order: a condition names only questions asked before it (a test checks), so each is
    decided on answers already kept. A condition that an answer not given satisfies
    (`missing_ok`) then holds once that answer is dropped, as it does on the form."""
    asked = questions_for(version)
    kept: dict[str, Any] = {}
    for key in ORDER:
        if key in answers and key in asked and asked[key].applies(kept, version=version):
            kept[key] = answers[key]
    return kept


def is_answered(question: Question, answers: Mapping[str, Any]) -> bool:
    return question.key in answers or not question.required


def step_complete(step: Step, answers: Mapping[str, Any]) -> bool:
    return all(is_answered(q, answers) for q in step.questions if q.applies(answers))


def first_unanswered_step(answers: Mapping[str, Any]) -> Step | None:
    return next((step for step in STEPS if not step_complete(step, answers)), None)


def answer_rows(answers: Mapping[str, Any]) -> list[tuple[Step, list[tuple[str, str]]]]:
    """Each step with its answered questions as (label, answer as read), for review pages;
    the answers of any version."""
    currency = answers.get("currency", formats.DEFAULT_CURRENCY)
    return [
        (
            step,
            [
                (str(q.label), q.display(answers[q.key], currency=currency))
                for q in step.all_questions
                if q.key in answers
            ],
        )
        for step in STEPS
    ]


@dataclass(frozen=True)
class Problem:
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


def problems_with_value(
    question: Question, value: Any, *, version: int = SCHEMA_VERSION
) -> list[str]:
    if question.kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return ["must be a whole number"]
        if question.minimum is not None and value < question.minimum:
            return [f"must be at least {question.minimum}"]
        if question.maximum is not None and value > question.maximum:
            return [f"must be at most {question.maximum}"]
    elif question.kind == "choice":
        if value not in question.values_for(version):
            return [f"must be one of {', '.join(question.choice_values)}"]
    elif question.kind == "multi":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return ["must be a list of choices"]
        unknown = [v for v in value if v not in question.choice_values]
        if unknown:
            return [
                f"unknown choice {', '.join(unknown)}; allowed: {', '.join(question.choice_values)}"
            ]
        if len(set(value)) != len(value):
            return ["lists a choice twice"]
        if question.required and not value:
            return ["choose at least one"]
        if NONE in value and len(value) > 1:
            return [f"“{NONE}” cannot be chosen with anything else"]
        if question.max_selected and len(value) > question.max_selected:
            return [f"choose at most {question.max_selected}"]
    elif question.kind == "text":
        if not isinstance(value, str):
            return ["must be text"]
        if len(value) > TEXT_LIMIT:
            return [f"must be at most {TEXT_LIMIT} characters"]
        if question.pattern and not re.fullmatch(question.pattern, value):
            return [f"must be {question.pattern_text}"]
    return []


def validate(
    answers: Any, *, complete: bool = True, version: int = SCHEMA_VERSION
) -> list[Problem]:
    """Every problem with an answer set of `version`, each naming its key. Empty means valid."""
    if not isinstance(answers, Mapping):
        return [Problem("(answers)", "must be a JSON object")]
    if version not in VERSIONS:
        return [Problem("(version)", f"must be one of {', '.join(map(str, VERSIONS))}")]
    asked = questions_for(version)
    problems = [Problem(key, "is not a question") for key in answers if key not in asked]
    for question in asked.values():
        present = question.key in answers
        if not question.applies(answers, version=version):
            if present:
                problems.append(
                    Problem(
                        question.key,
                        f"does not apply unless {_condition_text(question, version)}",
                    )
                )
            continue
        if present:
            problems.extend(
                Problem(question.key, m)
                for m in problems_with_value(question, answers[question.key], version=version)
            )
        elif complete and question.required:
            problems.append(Problem(question.key, "is required"))
    return problems


def answered_version(answers: Mapping[str, Any]) -> int:
    """The questionnaire version these answers, complete or not, were given to: version 1
    asked for savings in months, which version 2 replaced with amounts; version 3 asks
    what decides a case (`circumstances`), which version 2 did not; version 4 asks some
    questions of more people (or fewer) than version 3 did: answers that follow version
    3's conditions where the two differ are version 3's, any others the current one's."""
    if "savings_months" in answers:
        return 1
    if "circumstances" not in answers:
        return 2
    if any(key in answers for key in _NEW_IN_4):
        return SCHEMA_VERSION
    for question in _CHANGED_SINCE_3:
        then = question.applies(answers, version=3)
        now = question.applies(answers)
        if then != now and (question.key in answers) == then:
            return 3
    return SCHEMA_VERSION


def version_of(answers: Any) -> int | None:
    """The newest version whose complete answer set this is, or None."""
    return next((v for v in reversed(VERSIONS) if not validate(answers, version=v)), None)


def _condition_text(question: Question, version: int = SCHEMA_VERSION) -> str:
    when = question.condition(version)
    if when is None:
        return "always"
    return " and ".join(c.text() for c in when.conditions)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a complete answer set of the current version."""
    asked = questions_for(SCHEMA_VERSION)
    properties: dict[str, Any] = {}
    for question in asked.values():
        prop: dict[str, Any] = {"title": str(question.label), "description": str(question.help)}
        if question.kind == "integer":
            prop.update(type="integer", minimum=question.minimum, maximum=question.maximum)
        elif question.kind == "choice":
            prop.update(type="string", enum=list(question.choice_values))
        elif question.kind == "multi":
            prop.update(
                type="array",
                items={"type": "string", "enum": list(question.choice_values)},
                uniqueItems=True,
                minItems=1 if question.required else 0,
            )
            if question.max_selected:
                prop["maxItems"] = question.max_selected
        elif question.kind == "text":
            prop.update(type="string", maxLength=TEXT_LIMIT)
            if question.pattern:
                prop["pattern"] = question.pattern
        properties[question.key] = prop

    conditional: dict[When, list[str]] = {}
    for question in asked.values():
        if question.shows_when:
            conditional.setdefault(question.shows_when, []).append(question.key)
    all_of = []
    for when, keys in conditional.items():
        dependents_required = [k for k in keys if asked[k].required]
        condition = {
            "properties": {c.key: _holds_schema(c) for c in when.conditions},
            "required": sorted(c.key for c in when.conditions if not c.missing_ok),
        }
        all_of.append(
            {
                "if": condition,
                "then": {"required": dependents_required},
                "else": {"not": {"anyOf": [{"required": [k]} for k in keys]}},
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://leap.local/schemas/answers-v{SCHEMA_VERSION}.json",
        "title": "Leap questionnaire answers",
        "description": f"A complete answer set, questionnaire version {SCHEMA_VERSION}.",
        "type": "object",
        "properties": properties,
        "required": [q.key for q in asked.values() if q.required and not q.shows_when],
        "additionalProperties": False,
        "allOf": all_of,
    }


def _holds_schema(when: When) -> dict[str, Any]:
    """The schema of an answer that satisfies one condition: one of the values, or, for a
    list, a list holding one of them."""
    if when.at_most is not None:
        return {"type": "integer", "maximum": when.at_most}
    if QUESTIONS[when.key].kind == "multi":
        return {"contains": {"enum": list(when.values)}}
    return {"enum": list(when.values)}


def _shows_when_text(question: Question) -> str:
    if question.shows_when is None:
        return "always"
    return " and ".join(c.text("`") for c in question.shows_when.conditions)


def markdown() -> str:
    """docs/questionnaire.md: each question with its key, type, values and when it shows."""
    retired = [q for q in QUESTIONS.values() if SCHEMA_VERSION not in q.versions]
    lines = [
        "# The questionnaire",
        "",
        "<!-- Generated by `python manage.py questionnaire_schema --markdown > "
        "docs/questionnaire.md` from advisor/advice/questionnaire.py. "
        "Do not edit by hand: a test compares the two. -->",
        "",
        f"Questionnaire version **{SCHEMA_VERSION}**, stored with every draft and submission. "
        f"{len(STEPS)} steps, {len(questions_for(SCHEMA_VERSION))} questions. "
        "`python manage.py questionnaire_schema` prints the JSON Schema of a complete answer set.",
        "",
        "Answers are a JSON object keyed by question. A question whose condition does not hold "
        "is not asked, not required, and its answer is not stored. Optional text left blank is "
        "not stored either.",
        "",
    ]
    for step in STEPS:
        lines += [f"## {step.number}. {step.title} (`{step.slug}`)", "", str(step.intro), ""]
        lines += [
            "| key | type | allowed values | required | shows when | help |",
            "|---|---|---|---|---|---|",
        ]
        for q in step.questions:
            if q.kind == "integer":
                kind, allowed = "integer", f"{q.minimum} to {q.maximum}"
                if q.money:
                    kind = "amount"
            elif q.kind == "text":
                kind, allowed = "text", f"up to {TEXT_LIMIT} characters"
                if q.pattern:
                    allowed = str(q.pattern_text)
            else:
                kind = "one of" if q.kind == "choice" else "list of"
                allowed = ", ".join(f"`{value}` ({label})" for value, label in q.choices)
                if q.max_selected:
                    allowed += f"; at most {q.max_selected}"
            lines.append(
                f"| `{q.key}` | {kind} | {allowed} | {'yes' if q.required else 'no'} | "
                f"{_shows_when_text(q)} | **{q.label}** {q.help} |"
            )
        lines.append("")
    new_in_4 = [q for q in questions_for(SCHEMA_VERSION).values() if 3 not in q.versions]
    changed_in_4 = [
        (q, when)
        for q in questions_for(SCHEMA_VERSION).values()
        for last, when in q.shown_before
        if last == 3
    ]
    new_in_3 = [q for q in questions_for(SCHEMA_VERSION).values() if 2 not in q.versions]
    lines += [
        "## Version 3",
        "",
        "Submissions made with version 3 keep their answers and still open, match and render; "
        "each is read with the conditions it was answered under. Version 3 did not ask "
        + ", ".join(f"`{q.key}`" for q in new_in_4)
        + ", and asked "
        + "; ".join(
            f"`{q.key}` only when {' and '.join(c.text('`') for c in when.conditions)}"
            if when
            else f"`{q.key}` always"
            for q, when in changed_in_4
        )
        + ". An answer set of version 3 that now misses an answer (someone who left of their "
        "own accord, never asked about a non-compete) is read as version 3, and its plan "
        "invites an edit.",
        "",
        "## Version 2",
        "",
        "Submissions made with version 2 keep their answers and still open, match and render; "
        "their plans say that the questionnaire now asks more, and invite an edit. Version 2 "
        "did not ask " + ", ".join(f"`{q.key}`" for q in new_in_3) + ".",
        "",
        "## Version 1",
        "",
        "Submissions made with version 1 keep their answers and still open, match and render "
        "(advisor/advice/answers.py reads every version). Version 1 did not ask "
        + ", ".join(
            f"`{q.key}`" for q in questions_for(SCHEMA_VERSION).values() if 1 not in q.versions
        )
        + ". It asked these questions, which version 2 replaced:",
        "",
        "| key | type | allowed values | what replaced it |",
        "|---|---|---|---|",
    ]
    replaced = {
        "savings_months": "`savings`, `monthly_expenses`, `lump_sum`, `partner_income`: "
        "the runway is worked out from amounts",
        "income_floor": "`monthly_expenses`, in the currency of `currency`",
    }
    for q in retired:
        lines.append(
            f"| `{q.key}` | {q.kind} | {q.minimum} to {q.maximum} | {replaced.get(q.key, '')} |"
        )
    for q in QUESTIONS.values():
        for value, label in q.retired_choices:
            lines.append(
                f"| `{q.key}` = `{value}` | retired choice | {label} | the choices of `{q.key}` |"
            )
    lines.append("")
    return "\n".join(lines)
