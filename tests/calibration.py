"""The calibration grid: a broad, even spread of answer sets over what sets people apart,
and what the matching makes of them. tests/test_calibration.py checks the figures;
`python -m tests.calibration` prints them for docs/matching.md.
"""

import itertools
from collections import Counter
from dataclasses import dataclass

from profiles import questionnaire as q
from tests.people import BASE

# Where and how a person works.
PLACES = {
    "mainland, employed": {},
    "mainland, laid off": {
        "employment_status": "laid_off",
        "severance_status": "agreed",
        "months_since_left": 1,
    },
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
    "US, planning to return": {
        "location": "overseas",
        "country": "us",
        "return_home": "planning",
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
HOURS = {"45 hours": {"hours_per_week": 45}, "72 hours": {"hours_per_week": 72}}
STRAIN = {
    "no strain": {"strain_signals": [], "need_break": "no"},
    "high strain": {"strain_signals": ["fainted_or_ill", "nonstop", "sleep"], "need_break": "long"},
}
SKILLS = {
    "engineering": {"skills": ["deep_engineering"]},
    "data and growth": {"skills": ["data_analysis", "traffic_growth"]},
    "teaching": {"skills": ["teaching", "product_management"]},
    "teaching, with an audience": {
        "skills": ["teaching", "product_management"],
        "has_audience": "yes",
        "audience_platforms": ["douyin", "xiaohongshu"],
        "audience_size": "10k_100k",
    },
    "none listed": {"skills": []},
}
DIRECTIONS = {
    d: {"direction": d} for d in ("found", "freelance", "join", "stay", "leave_tech", "unsure")
}
PULLS = {
    "money": {"pulls": ["money"]},
    "freedom": {"pulls": ["freedom_rest"]},
    "own thing": {"pulls": ["build_own", "purpose_control"]},
    "culture": {"pulls": ["change_culture"]},
}
RISK = {"low risk": {"risk_tolerance": "low"}, "high risk": {"risk_tolerance": "high"}}
# Runway: two, eight and eighteen months of a 15,000 a month cost, with or without
# people to feed.
MONEY = {
    f"{months} months, {people} dependants": {
        "savings": months * 15_000,
        "monthly_expenses": 15_000,
        "dependants": people,
    }
    for months, people in itertools.product((2, 8, 18), (0, 2))
}
DIMENSIONS = (PLACES, HOURS, STRAIN, SKILLS, DIRECTIONS, PULLS, RISK, MONEY)


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

    def share(self, slug: str) -> float:
        return self.first[slug] / self.total


def figures() -> Figures:
    from advisor.advice import matching

    first, fits, by_direction, close, total = Counter(), Counter(), Counter(), 0, 0
    for _label, answers in grid():
        result = matching.rank(answers)
        first[result.best.archetype.slug] += 1
        fits[result.best.fit] += 1
        close += result.close
        by_direction[answers["direction"]] += result.close
        total += 1
    return Figures(total, first, fits, close, by_direction)


def report(found: Figures) -> str:
    lines = [f"{found.total:,} answer sets", "", "| path | first in | share |", "|---|---|---|"]
    for slug, count in found.first.most_common():
        lines.append(f"| {slug} | {count} | {100 * count / found.total:.1f}% |")
    lines += ["", "| fit of the first path | answer sets | share |", "|---|---|---|"]
    for fit in ("strong", "good", "possible", "weak"):
        lines.append(f"| {fit} | {found.fits[fit]} | {100 * found.fits[fit] / found.total:.1f}% |")
    no_close = found.total - found.close
    lines += ["", f"No close path: {no_close} ({100 * no_close / found.total:.1f}%)"]
    lines += ["", "| next step | a close path |", "|---|---|"]
    each = found.total // len(DIRECTIONS)
    for direction in DIRECTIONS:
        lines.append(f"| {direction} | {100 * found.close_by_direction[direction] / each:.0f}% |")
    return "\n".join(lines)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")
    os.environ.setdefault("DEBUG", "true")
    django.setup()
    print(report(figures()))
