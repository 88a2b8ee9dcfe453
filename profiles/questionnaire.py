"""The questionnaire: every question, once.

The step forms, the validation of a complete answer set, the JSON Schema
(`manage.py questionnaire_schema`) and docs/questionnaire.md are all derived
from the definitions below, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext, pgettext_lazy

from profiles import formats

SCHEMA_VERSION = 1
TEXT_LIMIT = 1000

Kind = Literal["choice", "multi", "integer", "text"]


@dataclass(frozen=True)
class When:
    """A question shows only when another answer is one of `values`."""

    key: str
    values: tuple[Any, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        value = answers.get(self.key)
        if isinstance(value, list):
            return any(v in self.values for v in value)
        return value in self.values


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
    money: bool = False  # an amount in yuan: the unit has %(amount)s, written per locale

    def applies(self, answers: Mapping[str, Any]) -> bool:
        return self.shows_when is None or self.shows_when.holds(answers)

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(value for value, _label in self.choices)

    def display(self, value: Any) -> str:
        """The answer as a person reads it, in the active language."""
        labels = dict(self.choices)
        if self.kind == "multi":
            separator = pgettext("between the items of a list", ", ")
            return separator.join(str(labels.get(v, v)) for v in value) if value else str(_("None"))
        if self.kind == "choice":
            return str(labels.get(value, value))
        if self.money:
            return self.unit % {"amount": formats.yuan(value)}
        if self.kind == "integer" and self.unit:
            return self.unit % {"count": value}
        return str(value)


@dataclass(frozen=True)
class Step:
    slug: str
    title: Any
    intro: Any
    questions: tuple[Question, ...] = field(default_factory=tuple)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(q.key for q in self.questions)

    @property
    def number(self) -> int:
        return STEPS.index(self) + 1


YES_NO = (("yes", _("Yes")), ("no", _("No")))
LOW_MEDIUM_HIGH = (("low", _("Low")), ("medium", _("Medium")), ("high", _("High")))
OUTSIDE_MAINLAND = ("hk_tw", "overseas")

STEPS: tuple[Step, ...] = (
    Step(
        "work",
        _("Work now"),
        _("Start with the job you have today (or had most recently)."),
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
                _("Whole years, all employers together."),
                minimum=0,
                maximum=50,
                unit=ngettext_lazy("%(count)d year", "%(count)d years", "count"),
            ),
            Question(
                "employer_type",
                "choice",
                _("Who do you work for?"),
                _("Big Tech means the large platforms: ByteDance, Tencent, Alibaba and the like."),
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
                _("Count evenings and weekends too. 996 is 72 hours a week."),
                minimum=0,
                maximum=120,
                unit=ngettext_lazy("%(count)d hour", "%(count)d hours", "count"),
            ),
            Question(
                "weekend_days_worked",
                "choice",
                _("Weekend days you usually work"),
                _("In a typical week."),
                (("0", _("None")), ("1", _("One")), ("2", _("Both"))),
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
            "and Leap never gives one; it helps size a rest phase in your plan."
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
                    ("money", _("Money")),
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
                    ("none", _("No")),
                    ("degree", _("A degree")),
                    ("work", _("Work")),
                    ("both", _("Both")),
                ),
            ),
        ),
    ),
    Step(
        "money",
        _("Money and risk"),
        _("Only you see these figures, and counsellors if you allow it."),
        (
            Question(
                "savings_months",
                "integer",
                _("How many months of expenses could your savings cover?"),
                _("If your income stopped tomorrow."),
                minimum=0,
                maximum=240,
                unit=ngettext_lazy("%(count)d month", "%(count)d months", "count"),
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
                unit=ngettext_lazy("%(count)d month", "%(count)d months", "count"),
            ),
        ),
    ),
    Step(
        "place",
        _("Place"),
        _("Where you live shapes which paths are open."),
        (
            Question(
                "location",
                "choice",
                _("Where do you live now?"),
                _("Where you spend most of the year."),
                (
                    ("mainland", _("Mainland China")),
                    ("hk_tw", _("Hong Kong or Taiwan")),
                    ("overseas", _("Overseas")),
                ),
            ),
            Question(
                "country",
                "choice",
                _("Which country?"),
                _("The one you live in now."),
                (
                    ("us", _("United States")),
                    ("canada", _("Canada")),
                    ("uk", _("United Kingdom")),
                    ("europe", _("Elsewhere in Europe")),
                    ("singapore", _("Singapore")),
                    ("japan", _("Japan")),
                    ("australia", _("Australia or New Zealand")),
                    ("other", _("Another country")),
                ),
                shows_when=When("location", ("overseas",)),
            ),
            Question(
                "return_home",
                "choice",
                _("Would you move back to the mainland for the right role?"),
                _("Many overseas engineers are weighing this."),
                (
                    ("no", _("No")),
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
                    ("unsure", _("Not sure yet")),
                ),
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
                "notes",
                "text",
                _("Anything else we should know?"),
                _("Optional, up to 1000 characters, in any language."),
                required=False,
            ),
        ),
    ),
)

STEPS_BY_SLUG = {step.slug: step for step in STEPS}
QUESTIONS = {q.key: q for step in STEPS for q in step.questions}


def prune(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Drop answers to questions that no longer apply, so nothing stale is stored."""
    return {k: v for k, v in answers.items() if k in QUESTIONS and QUESTIONS[k].applies(answers)}


def is_answered(question: Question, answers: Mapping[str, Any]) -> bool:
    return question.key in answers or not question.required


def step_complete(step: Step, answers: Mapping[str, Any]) -> bool:
    return all(is_answered(q, answers) for q in step.questions if q.applies(answers))


def first_unanswered_step(answers: Mapping[str, Any]) -> Step | None:
    return next((step for step in STEPS if not step_complete(step, answers)), None)


def answer_rows(answers: Mapping[str, Any]) -> list[tuple[Step, list[tuple[str, str]]]]:
    """Each step with its answered questions as (label, answer as read), for review pages."""
    return [
        (
            step,
            [(str(q.label), q.display(answers[q.key])) for q in step.questions if q.key in answers],
        )
        for step in STEPS
    ]


@dataclass(frozen=True)
class Problem:
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


def problems_with_value(question: Question, value: Any) -> list[str]:
    if question.kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return ["must be a whole number"]
        if question.minimum is not None and value < question.minimum:
            return [f"must be at least {question.minimum}"]
        if question.maximum is not None and value > question.maximum:
            return [f"must be at most {question.maximum}"]
    elif question.kind == "choice":
        if value not in question.choice_values:
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
        if question.max_selected and len(value) > question.max_selected:
            return [f"choose at most {question.max_selected}"]
    elif question.kind == "text":
        if not isinstance(value, str):
            return ["must be text"]
        if len(value) > TEXT_LIMIT:
            return [f"must be at most {TEXT_LIMIT} characters"]
    return []


def validate(answers: Any, *, complete: bool = True) -> list[Problem]:
    """Every problem with an answer set, each naming its key. Empty means valid."""
    if not isinstance(answers, Mapping):
        return [Problem("(answers)", "must be a JSON object")]
    problems = [Problem(key, "is not a question") for key in answers if key not in QUESTIONS]
    for question in QUESTIONS.values():
        present = question.key in answers
        if not question.applies(answers):
            if present:
                problems.append(
                    Problem(question.key, f"does not apply unless {_condition_text(question)}")
                )
            continue
        if present:
            problems.extend(
                Problem(question.key, m)
                for m in problems_with_value(question, answers[question.key])
            )
        elif complete and question.required:
            problems.append(Problem(question.key, "is required"))
    return problems


def _condition_text(question: Question) -> str:
    when = question.shows_when
    return f"{when.key} is {' or '.join(map(str, when.values))}" if when else "always"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a complete answer set."""
    properties: dict[str, Any] = {}
    for question in QUESTIONS.values():
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
        properties[question.key] = prop

    conditional: dict[When, list[str]] = {}
    for question in QUESTIONS.values():
        if question.shows_when:
            conditional.setdefault(question.shows_when, []).append(question.key)
    all_of = []
    for when, keys in conditional.items():
        dependents_required = [k for k in keys if QUESTIONS[k].required]
        all_of.append(
            {
                "if": {
                    "properties": {when.key: {"enum": list(when.values)}},
                    "required": [when.key],
                },
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
        "required": [q.key for q in QUESTIONS.values() if q.required and not q.shows_when],
        "additionalProperties": False,
        "allOf": all_of,
    }


def markdown() -> str:
    """docs/questionnaire.md: each question with its key, type, values and when it shows."""
    lines = [
        "# The questionnaire",
        "",
        "<!-- Generated by `python manage.py questionnaire_schema --markdown > "
        "docs/questionnaire.md` from profiles/questionnaire.py. "
        "Do not edit by hand: a test compares the two. -->",
        "",
        f"Questionnaire version **{SCHEMA_VERSION}**, stored with every draft and submission. "
        f"{len(STEPS)} steps, {len(QUESTIONS)} questions. "
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
            elif q.kind == "text":
                kind, allowed = "text", f"up to {TEXT_LIMIT} characters"
            else:
                kind = "one of" if q.kind == "choice" else "list of"
                allowed = ", ".join(f"`{value}` ({label})" for value, label in q.choices)
                if q.max_selected:
                    allowed += f"; at most {q.max_selected}"
            shows = (
                f"`{q.shows_when.key}` is {' or '.join(f'`{v}`' for v in q.shows_when.values)}"
                if q.shows_when
                else "always"
            )
            lines.append(
                f"| `{q.key}` | {kind} | {allowed} | {'yes' if q.required else 'no'} | {shows} | "
                f"**{q.label}** {q.help} |"
            )
        lines.append("")
    return "\n".join(lines)
