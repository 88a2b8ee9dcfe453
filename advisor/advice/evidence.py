"""What matching weighs: a person's answers, plus figures worked out from them.

An archetype's signals name their evidence by key: a questionnaire key, or a derived
key here (`runway_months`, from the money model). A derived figure is present only when
the answers it comes from are; an unanswered question is no evidence either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

from advisor.advice import formats, money, questionnaire
from advisor.advice.answers import Answers


def runway_text(value: float) -> str:
    """A runway as Leap says it everywhere: months to a tenth, as the money section's
    division gives them (120 months at the cap itself), or, past the cap, more than ten
    years."""
    if money.tenths(value) > money.RUNWAY_CAP_MONTHS:
        return gettext("more than %(years)d years") % {"years": money.RUNWAY_CAP_MONTHS // 12}
    return formats.months(value, exact=True)


@dataclass(frozen=True)
class Derived:
    key: str
    display: Callable[[float], str]
    # The questions it is worked out from, of each questionnaire version.
    needs: tuple[tuple[str, ...], ...]


DERIVED = {
    "runway_months": Derived(
        "runway_months",
        runway_text,
        needs=(("savings", "monthly_expenses"), ("savings_months",)),
    ),
}


@dataclass(frozen=True)
class Worked:
    """A fact about a person that Leap works out from the answers (advisor/advice/case.py),
    on which the advice's rules may turn: true or false, a number, or one of `values`."""

    kind: str  # "bool", "integer" or "choice"
    describe: str
    values: tuple[str, ...] = ()


# The archetypes' slugs, for the facts that name a path: their files' names
# (advisor/advice/archetypes/*.toml: an archetype's slug is its file's name).
PATHS = tuple(sorted(path.stem for path in (Path(__file__).parent / "archetypes").glob("*.toml")))

# What the rules (advisor/advice/rules/) and archetypes' plan parts may name besides the
# answers; matching's signals may not (they run before any of it is worked out).
WORKED = {
    # Where they stand with work
    "jurisdiction": Worked(
        "choice",
        "whose labour law applies: the place they work",
        ("cn", "hk", "tw", "hk_or_tw", "overseas", "unknown"),
    ),
    "employed": Worked("bool", "in a job now (employed or working out notice)"),
    "has_employer": Worked(
        "bool", "an employer owes them something: employed, on notice or laid off"
    ),
    "left_a_job": Worked("bool", "laid off, or between jobs"),
    "leaving": Worked("bool", "on notice, laid off or between jobs"),
    "job_to_keep": Worked(
        "bool",
        "in a job they can mean to keep: employed, paid, not pressed to leave (or protected "
        "from dismissal by pregnancy or illness), and the employer not closing",
    ),
    "pushed_out": Worked(
        "bool", "pressed to sign a resignation or an agreement to leave, or their pay stopped"
    ),
    "on_leave": Worked("bool", "on sick leave or maternity leave"),
    "protected": Worked(
        "bool",
        "on the mainland with an employer, and pregnant, on maternity leave, nursing or ill: "
        "the law keeps them from being dismissed",
    ),
    "ending_contested": Worked(
        "bool",
        "dismissed on the mainland while pregnant, on maternity leave or nursing: an ending "
        "the law forbids, so the job is still hers to claim back",
    ),
    "visa_tied": Worked("bool", "their right to stay is tied to their job"),
    "family_may_be_dependants": Worked(
        "bool",
        "someone in their household may hold a status that rests on theirs: people depend "
        "on their income, they care for a partner or a child, or a partner's income counts",
    ),
    "visa_clock": Worked(
        "bool", "a right to stay tied to a job that has ended or is ending: no bridge job"
    ),
    "visa_days_counted": Worked(
        "bool",
        "on a US grace period after a job that has ended, with the months since it ended "
        "given: the days that may be left are counted",
    ),
    "visa_days_left": Worked(
        "integer",
        "the fewest days of that grace period that could be left today (-1 when not counted)",
    ),
    "exam_calendar": Worked(
        "choice",
        "where today falls against the latest national civil-service exam Leap has verified: "
        "up to its written exam, after it, a year after its registration opened, a year after "
        "its written exam",
        ("open", "sat", "due", "passed"),
    ),
    "master_exam_calendar": Worked(
        "choice",
        "where today falls against the latest national master's exam Leap has verified: up "
        "to it, or after it",
        ("open", "passed"),
    ),
    "visa_rush": Worked(
        "bool",
        "on a visa's clock whose date the permit does not carry (not Canada's), and whose status "
        "ends with the job (not Japan's): steps run "
        "twice as fast",
    ),
    "side_work_banned": Worked(
        "bool", "in a job whose contract bans side jobs (declared): no selling while employed"
    ),
    "on_sick_leave": Worked("bool", "on sick leave now"),
    "income_at_risk": Worked(
        "bool",
        "their pay has ended, is ending, is not paid, is pressed on, the employer is closing, "
        "or they fear layoffs much",
    ),
    "carries_others": Worked(
        "bool", "people depend on their income, they pay a mortgage, or they are the only earner"
    ),
    "noncompete_live": Worked(
        "bool",
        "a non-compete that can bite soon: enforced, an offer from a competitor, or leaving "
        "with the employer's intent unknown",
    ),
    "penalty_over_savings": Worked(
        "bool", "the non-compete's penalty, as the contract sets it, is more than their savings"
    ),
    "exam_soon": Worked(
        "bool",
        "they have registered for an exam that falls this month or next (or within 60 days of "
        "its day), and is not past",
    ),
    "exam_booked": Worked(
        "bool",
        "they have registered for an exam that is still ahead, near or not: the plan counts "
        "from its date, not from the next announcement",
    ),
    "rest_ends_job": Worked(
        "bool",
        "the rest the plan follows is taken by leaving the job (no leave keeps it): no step "
        "after it may assume the job",
    ),
    "exam_first": Worked(
        "bool",
        "the exam they registered for can fall within 30 days: it comes first, dated by its "
        "own day, and the plan's steps after it",
    ),
    "exam_day_known": Worked(
        "bool", "they gave the day of the exam they registered for, not only its month"
    ),
    "exam_past": Worked("bool", "the exam they registered for was in an earlier month"),
    "home_to_a_parent": Worked(
        "bool",
        "they want to move home and care for a parent: the city is where the parent lives",
    ),
    "money_short": Worked("bool", "the money lasts less than three months without a salary"),
    "income_urgent": Worked(
        "bool",
        "the money lasts less than three months without a salary, and the wage has stopped or "
        "is at risk: the first step toward the next income comes this week",
    ),
    "wage_stopped": Worked(
        "bool", "no wage comes in now: the job has ended, the pay is owed, or the employer closes"
    ),
    "pay_owed": Worked(
        "bool",
        "pay (not social insurance alone) is owed by the employer they still work for: the "
        "money counts the salary as stopped now",
    ),
    "unpaid_job_to_end": Worked(
        "bool",
        "on the mainland, still working for an employer that has left their wages unpaid for "
        "two months or more, not protected by pregnancy or illness: ending the contract under "
        "Article 38 comes first",
    ),
    "money_edge": Worked(
        "bool",
        "the money lasts less than three months; or less than six with the wage stopped and a "
        "mortgage to pay",
    ),
    "job_long_gone": Worked("bool", "the last job ended six months ago or more"),
    "severance_settled": Worked(
        "bool", "laid off a month ago or more, with the severance agreed or paid"
    ),
    "earlier_questionnaire": Worked("bool", "the answers come from an earlier questionnaire"),
    "over_35": Worked("bool", "35 or over"),
    "over_45": Worked("bool", "45 or over"),
    # Health
    "strain_high": Worked(
        "bool", "fainted or fell ill, three or more strain signals, or months of rest wanted"
    ),
    "fainted": Worked("bool", "fainted, fell ill or was hurt because of work"),
    "wants_rest": Worked("bool", "high strain, or a break asked for"),
    "ready_despite_strain": Worked("bool", "says they are ready to go although strain is high"),
    # Money
    "money_in_amounts": Worked("bool", "the answers give money in amounts (version 2 on)"),
    "covered": Worked(
        "bool", "a partner's income covers every cost (side income is never counted on)"
    ),
    "runway_capped": Worked(
        "bool", "the money lasts longer than Leap counts: more than ten years (120 months)"
    ),
    "below_reserve": Worked("bool", "the money lasts no longer than the reserve Leap keeps"),
    "severance_gap": Worked(
        "bool",
        "laid off on the mainland, severance disputed: the person's own figure is above the "
        "lump sum offered",
    ),
    "bridge_not_plan_b": Worked(
        "bool", "the path's plan B would be platform work, which this household's costs rule out"
    ),
    "bridge_short_for_household": Worked(
        "bool",
        "others depend on the income and the household needs more a month than the mainland's "
        "average wage in private urban employers: no platform work as plan B",
    ),
    "thin_runway": Worked("bool", "less than six months of money once any rest is taken"),
    "spendable": Worked("bool", "money to spend before the reserve is reached"),
    "short_for_others": Worked(
        "bool", "others depend on the income and the money lasts less than a year without a salary"
    ),
    "partner_at_risk": Worked(
        "bool", "a partner's income counted towards costs comes from the same employer"
    ),
    "partner_visa_at_risk": Worked(
        "bool",
        "a partner's income is given and the right to stay is tied to a job that is ending: "
        "a dependant partner would lose theirs too, so it is not counted",
    ),
    "pay_likely_capped": Worked(
        "bool", "mainland monthly pay so high that severance is likely counted at the city's cap"
    ),
    "lump_sum_large": Worked("bool", "a lump sum of more than ten years of costs"),
    "social_insurance_unknown": Worked(
        "bool", "on the mainland without a salary's social insurance, its cost not given"
    ),
    "other_income_counted": Worked("bool", "a partner's or side income is counted against costs"),
    "partner_income_counted": Worked("bool", "a partner's income is counted against costs"),
    "side_income_counted": Worked(
        "bool",
        "side income (clients, orders, a self-employed person's own work) is given: the runway "
        "is for a month without it, and the runway with it is the better case",
    ),
    "side_covers": Worked(
        "bool", "side income, as it averages, covers what the savings would otherwise pay"
    ),
    "side_is_own_work": Worked(
        "bool", "the side income is their own work: self-employed, or freelancing or founding"
    ),
    "si_counted": Worked("bool", "social insurance paid by oneself is counted in the costs"),
    "lump_sum_if_you_accept": Worked(
        "bool",
        "a lump sum not yet agreed that comes only with an ending the plan says to weigh first",
    ),
    "lump_sum_given": Worked("bool", "a lump sum is counted in the money"),
    "lump_sum_unagreed": Worked(
        "bool",
        "laid off abroad with a severance offered but disputed or not yet discussed: it comes"
        " only with a signature, so it is not counted",
    ),
    "germany_job_ending": Worked(
        "bool",
        "working in Germany, dismissed or on notice, the job ended this month or still running",
    ),
    "need_known": Worked("bool", "what leaves the account each month is known and above zero"),
    # Rest and pace
    "rest_months": Worked("integer", "months of rest from savings"),
    "rest_limit": Worked(
        "choice",
        "what sets those months: the rest needed, the time they can take off, the money, or a"
        " visa's short clock (none before the steps)",
        ("need", "time_off", "money", "visa"),
    ),
    "rest_kind": Worked(
        "choice",
        "what a break is for: the maternity leave itself, care for someone, or rest",
        ("leave", "care", "reflection"),
    ),
    "sick_leave_rest": Worked("bool", "the rest begins on sick leave"),
    "rest_planned": Worked("bool", "the plan makes room for rest first"),
    "rest_affordable": Worked("bool", "the savings allow at least a month of rest"),
    "dips_into_reserve": Worked("bool", "a month of rest dips into the reserve, for health"),
    "plan_b_platform": Worked(
        "bool", "platform work (driving, delivering) is the path followed or plan B"
    ),
    "plan_b_named": Worked("bool", "the plan follows a story, and plan B is another path"),
    "pace": Worked("integer", "how much slower than 30/60/90 days the steps run (1, 2 or 3)"),
    "pace_kept_for_risk": Worked(
        "bool",
        "in no hurry by the answers, but the pace is kept: income at risk, others carried, "
        "money for less than a year; or income at risk and under three months of money "
        "above the reserve; or both incomes from one employer at risk",
    ),
    "pace_kept_for_money": Worked(
        "bool",
        "in no hurry by the answers, but the pace is kept: income at risk and under three "
        "months of money above the reserve, whoever depends on them",
    ),
    "pace_kept_for_pay": Worked(
        "bool",
        "in no hurry by the answers, but the pace is kept: pay owed by the employer they still"
        " work for is no income",
    ),
    "pace_kept_for_signature": Worked(
        "bool",
        "in no hurry by the answers, but the pace is kept: pressed to sign away a job no law keeps",
    ),
    "two_incomes_at_risk": Worked(
        "bool",
        "a partner's income from the same employer, and that employer's jobs at risk: both "
        "incomes can end together",
    ),
    "signature_pressed": Worked(
        "bool", "pressed by the employer to sign something (resignation, agreement, transfer)"
    ),
    "rest_story_fits": Worked(
        "bool",
        "a founder's months of reflection after leaving a job can be told: not to someone "
        "pregnant, on leave or ill",
    ),
    # Hours against the law
    "overtime_counted": Worked("bool", "their hours are set against a legal overtime cap"),
    "over_cap": Worked("bool", "overtime a month above the legal cap"),
    "over_daily_limit": Worked("bool", "overtime a day above the legal daily limit"),
    "overwork_injury_question": Worked(
        "bool",
        "in Taiwan, fell ill because of work while still employed, after overtime a month "
        "beyond the highest legal limit: a possible occupational injury",
    ),
    # The plan
    "general_track": Worked(
        "choice",
        "which general next steps fit when no story is followed",
        (
            "contest",
            "offer",
            "found",
            "study",
            "exam",
            "job_search",
            "self_employed",
            "join",
            "leave_tech",
            "stay",
            "leave",
            "unsure",
        ),
    ),
    "steps_from_today": Worked(
        "bool",
        "the general steps count from today, not from the end of a rest: a dispute's, an "
        "offer's, or fitted round a birth and its maternity leave",
    ),
    "leave_months": Worked(
        "integer",
        "months of maternity leave the dated steps wait for: on the leave, the whole leave the "
        "law of the place gives, counted from today (0 where Leap has no verified length)",
    ),
    "leave_ahead": Worked(
        "bool",
        "pregnant, with dated steps from today not fitted round the birth: her maternity "
        "leave will fall among them",
    ),
    "mainland_rules": Worked(
        "bool", "mainland labour law applies, now or once they move to the mainland"
    ),
    "authority_known": Worked("bool", "Leap names the labour authority of the place they work"),
    "mainland_later": Worked(
        "bool", "works outside the mainland and is moving there, or open to it"
    ),
    "north_moving": Worked(
        "bool",
        "works in Hong Kong or Taiwan, not on a visa tied to the job there, and is moving to "
        "the mainland or open to it: most likely a Hong Kong, Macao or Taiwan resident, for "
        "whom the move needs the papers of one",
    ),
    "north": Worked(
        "bool",
        "a Hong Kong, Macao or Taiwan resident working in the mainland (their permit, as they "
        "told it), or moving there (north_moving)",
    ),
    "story_benchmarks": Worked("bool", "the path's story gives figures"),
    "story_grounded": Worked("bool", "the path rests on verified facts, not an article"),
    "direction_honoured": Worked(
        "bool", "the path first leads where the person said they want to go (or they are unsure)"
    ),
    "direction_blocker_known": Worked(
        "bool", "the best path where the person wants to go is held back by a named answer"
    ),
    "plan_b_kept_goal": Worked(
        "bool",
        "plan B does not lead where the person wants to go: no other path that does fits them, "
        "so the direction is kept as the goal",
    ),
    "onward": Worked(
        "bool",
        "a rest or a bridge comes first, and the steps follow the path that leads where "
        "the person wants to go",
    ),
    "onward_held": Worked("bool", "that path is held back by some of the answers"),
    "steps_path": Worked(
        "choice",
        "the path whose steps the plan gives: the onward path after a rest or beside a bridge, "
        "or the path followed",
        PATHS,
    ),
    "plan_b_path": Worked("choice", "the path plan B switches to (none: widen this one)", PATHS),
    "path_is_income": Worked("bool", "the path followed is itself an income now (a bridge)"),
    "switch_now": Worked("bool", "one of plan B's moments to switch has come already"),
    "story_success": Worked("bool", "the path's story is one of success"),
    "close": Worked("bool", "a path fits well"),
    "story": Worked("bool", "the plan follows a path's story"),
    "by_counsellor": Worked("bool", "a counsellor chose the path"),
    "sure": Worked("bool", "the match is sure: every weighed question answered, a clear first"),
    "version": Worked("integer", "the questionnaire version the answers were given to"),
    "law_cited": Worked("bool", "the plan cites any legal fact"),
}


def question(key: str) -> questionnaire.Question | None:
    return questionnaire.QUESTIONS.get(key)


def of(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with every derived figure whose inputs were answered."""
    found = dict(answers)
    if any(all(key in answers for key in needed) for needed in DERIVED["runway_months"].needs):
        found["runway_months"] = money.of(Answers.of(answers)).runway_months
    return found


def kind(key: str, *, derived: bool = False) -> str | None:
    """ "integer", "choice", "multi", "text" or (worked out, with `derived`) "bool"; None
    for a key that is no evidence."""
    if key in DERIVED:
        return "integer"
    if derived and key in WORKED:
        return WORKED[key].kind
    found = questionnaire.QUESTIONS.get(key)
    return found.kind if found else None


def choice_values(key: str) -> tuple[str, ...]:
    if key in WORKED:
        return WORKED[key].values
    found = questionnaire.QUESTIONS.get(key)
    if found is None:
        return ()
    return tuple(
        dict.fromkeys(v for version in questionnaire.VERSIONS for v in found.values_for(version))
    )


def display(key: str, value: Any, *, currency: str = formats.DEFAULT_CURRENCY) -> str:
    """A piece of evidence as the person reads it, in the active language."""
    if key in DERIVED:
        return DERIVED[key].display(value)
    return questionnaire.QUESTIONS[key].display(value, currency=currency)


def awaited(key: str) -> bool:
    """Whether a question without an answer is still to come, rather than left blank on
    purpose: a required one, or a list of choices (saved, empty or not, with its step).
    A derived figure counts as awaited."""
    found = questionnaire.QUESTIONS.get(key)
    return found is None or found.required or found.kind == "multi"


def applies(key: str, answers: Mapping[str, Any]) -> bool:
    """Whether the question was asked of this person: it applies to their answers, and
    belongs to the questionnaire version they answered."""
    if key in DERIVED:
        return True
    question = questionnaire.QUESTIONS[key]
    version = questionnaire.answered_version(answers)
    return version in question.versions and question.applies(answers, version=version)
