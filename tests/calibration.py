"""The calibration grid: a broad, even spread of answer sets over what sets people apart,
and what the matching makes of them. tests/test_calibration.py checks the figures;
`python -m tests.calibration` prints them for docs/matching.md.
"""

import itertools
from collections import Counter
from dataclasses import dataclass

from advisor.advice import questionnaire as q
from tests.people import BASE

# Where and how a person works: on the mainland in most of its kinds, and abroad.
PLACES = {
    "mainland, employed, 45 hours": {"hours_per_week": 45},
    "mainland, employed, 72 hours": {"hours_per_week": 72, "weekend_days_worked": "1"},
    "mainland, laid off": {
        "employment_status": "laid_off",
        "severance_status": "agreed",
        "months_since_left": 1,
    },
    "mainland, unpaid": {"circumstances": ["unpaid"], "owed_what": "pay", "owed_months": 2},
    "mainland, self-employed": {"employment_status": "self_employed"},
    "mainland, student": {"employment_status": "student", "years_experience": 0},
    "Hong Kong": {"location": "hong_kong", "return_home": "no", "currency": "HKD"},
    "US, open to returning": {
        "location": "overseas",
        "country": "us",
        "return_home": "open",
        "languages": ["zh", "en"],
        "overseas_experience": "both",
        "currency": "USD",
    },
    "US, staying": {
        "location": "overseas",
        "country": "us",
        "return_home": "no",
        "languages": ["zh", "en"],
        "overseas_experience": "degree",
        "currency": "USD",
    },
}
MAINLAND = tuple(label for label in PLACES if label.startswith("mainland"))
AGES = {"under 35": {"age_band": "25_34"}, "35 to 44": {"age_band": "35_44"}}
STRAIN = {
    "no strain": {"strain_signals": [], "need_break": "no"},
    "high strain": {"strain_signals": ["fainted_or_ill", "nonstop", "sleep"], "need_break": "long"},
}
SKILLS = {
    "engineering": {"skills": ["deep_engineering"]},
    "data and growth": {"skills": ["data_analysis", "traffic_growth"]},
    "teaching, with an audience": {
        "skills": ["teaching", "product_management"],
        "has_audience": "yes",
        "audience_platforms": ["douyin", "xiaohongshu"],
        "audience_size": "10k_100k",
    },
    "none listed": {"skills": []},
}
DIRECTIONS = {d: {"direction": d} for d in q.QUESTIONS["direction"].choice_values}
PULLS = {
    "money": {"pulls": ["money"]},
    "freedom": {"pulls": ["freedom_rest"]},
    "own thing": {"pulls": ["build_own", "purpose_control"]},
    "home and family": {"pulls": ["home_family"]},
}
RISK = {"low risk": {"risk_tolerance": "low"}, "high risk": {"risk_tolerance": "high"}}
# Runway: two and twelve months of a 15,000 a month cost, with or without people to feed.
MONEY = {
    f"{months} months, {people} dependants": {
        "savings": months * 15_000,
        "monthly_expenses": 15_000,
        "dependants": people,
    }
    for months, people in itertools.product((2, 12), (0, 2))
}
DIMENSIONS = (PLACES, AGES, STRAIN, SKILLS, DIRECTIONS, PULLS, RISK, MONEY)


def grid():
    """Every combination, as a complete and valid answer set (what no longer applies is
    dropped), with its label."""
    for parts in itertools.product(*(d.items() for d in DIMENSIONS)):
        answers = dict(BASE)
        for _label, values in parts:
            answers.update(values)
        yield " / ".join(label for label, _v in parts), q.prune(answers)


@dataclass
class Figures:
    total: int
    first: Counter
    fits: Counter
    close: int
    close_by_direction: Counter  # of the grid's sets for each direction, how many close
    # Of the grid's sets for each stated direction, how many put first a path leading there.
    honoured: Counter
    mainland_total: int = 0
    mainland_first: Counter | None = None
    # Of the mainland sets whose first path is a waypoint (a rest, a bridge) and that
    # state a direction, how many, by direction; and how many of them follow, after the rest or
    # beside the bridge, a path that leads there (case.onward_of).
    waypoint: Counter | None = None
    onward: Counter | None = None
    # Plan B (case.plan_b_of, before the person's status is weighed), by direction: named,
    # leading there, and not leading there but said so, with the direction kept as the goal.
    plan_b: Counter | None = None
    plan_b_leads: Counter | None = None
    plan_b_kept_goal: Counter | None = None

    def share(self, slug: str) -> float:
        return self.first[slug] / self.total

    def mainland_share(self, slug: str) -> float:
        return self.mainland_first[slug] / self.mainland_total


def figures() -> Figures:
    from advisor.advice import matching
    from advisor.advice.case import WAYPOINTS, onward_of, plan_b_of

    first, fits, by_direction, honoured, close, total = (
        Counter(),
        Counter(),
        Counter(),
        Counter(),
        0,
        0,
    )
    mainland_first, mainland_total = Counter(), 0
    waypoint, onward = Counter(), Counter()
    plan_b, plan_b_leads, plan_b_kept_goal = Counter(), Counter(), Counter()
    for label, answers in grid():
        result = matching.rank(answers)
        best = result.best.archetype
        direction = answers["direction"]
        after = onward_of(result, best, direction)
        # The mainland's sets: the exam and moving home are mainland paths, out of reach
        # (capped below a possible fit) for someone working elsewhere.
        if best.slug in WAYPOINTS and direction != "unsure" and label.startswith(MAINLAND):
            waypoint[direction] += 1
            onward[direction] += after is not None and direction in after.archetype.directions
        lead = after.archetype if after else best
        fallback, kept_goal = plan_b_of(result, best, lead, direction)
        if fallback is not None:
            plan_b[direction] += 1
            plan_b_leads[direction] += direction in fallback.directions
            plan_b_kept_goal[direction] += kept_goal
        first[best.slug] += 1
        fits[result.best.fit] += 1
        close += result.close
        by_direction[answers["direction"]] += result.close
        honoured[answers["direction"]] += answers["direction"] in best.directions
        total += 1
        if label.startswith(MAINLAND):
            mainland_first[best.slug] += 1
            mainland_total += 1
    return Figures(
        total,
        first,
        fits,
        close,
        by_direction,
        honoured,
        mainland_total,
        mainland_first,
        waypoint,
        onward,
        plan_b,
        plan_b_leads,
        plan_b_kept_goal,
    )


def report(found: Figures) -> str:
    lines = [f"{found.total:,} answer sets", "", "| path | first in | share |", "|---|---|---|"]
    for slug, count in found.first.most_common():
        lines.append(f"| {slug} | {count} | {100 * count / found.total:.1f}% |")
    lines += ["", f"Of the {found.mainland_total:,} on the mainland:", ""]
    lines += ["| path | first in | share |", "|---|---|---|"]
    for slug, count in found.mainland_first.most_common():
        lines.append(f"| {slug} | {count} | {100 * count / found.mainland_total:.1f}% |")
    lines += ["", "| fit of the first path | answer sets | share |", "|---|---|---|"]
    for fit in ("strong", "good", "possible", "weak"):
        lines.append(f"| {fit} | {found.fits[fit]} | {100 * found.fits[fit] / found.total:.1f}% |")
    no_close = found.total - found.close
    lines += ["", f"No close path: {no_close} ({100 * no_close / found.total:.1f}%)"]
    lines += ["", "| next step | a close path | the first path leads there |", "|---|---|---|"]
    each = found.total // len(DIRECTIONS)
    for direction in DIRECTIONS:
        honoured = (
            "—" if direction == "unsure" else f"{100 * found.honoured[direction] / each:.0f}%"
        )
        close = 100 * found.close_by_direction[direction] / each
        lines.append(f"| {direction} | {close:.0f}% | {honoured} |")
    lines += [
        "",
        "| next step | a rest or a bridge first (mainland) | the steps after it lead there "
        "| plan B named | plan B leads there | plan B keeps it as the goal, said |",
        "|---|---|---|---|---|---|",
    ]
    for direction in DIRECTIONS:
        if direction == "unsure":
            continue
        rest = found.waypoint[direction]
        after = f"{100 * found.onward[direction] / rest:.0f}%" if rest else "—"
        named = found.plan_b[direction]
        leads = f"{100 * found.plan_b_leads[direction] / named:.0f}%" if named else "—"
        kept = f"{100 * found.plan_b_kept_goal[direction] / named:.0f}%" if named else "—"
        lines.append(f"| {direction} | {rest} | {after} | {named} | {leads} | {kept} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")
    os.environ.setdefault("DEBUG", "true")
    django.setup()
    print(report(figures()))
