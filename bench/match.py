"""Matching speed: matches per second, beside a trivial function call in the same run.

Run from the project root:  .venv/bin/python bench/match.py [--answers 500] [--rounds 20]
Exit status: 0 when a match takes under the target (1 ms), 2 when it does not.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")

import django  # noqa: E402

django.setup()

from advisor.advice import matching  # noqa: E402
from advisor.advice import questionnaire as q  # noqa: E402
from bench.common import count  # noqa: E402

TARGET_MS = 1.0


def answer_sets(count: int, seed: int = 2026) -> list[dict]:
    """Valid, complete and varied answer sets; the same ones on every run."""
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets

    def pick(question: q.Question):
        if question.kind == "integer":
            return rng.randint(question.minimum, min(question.maximum, 100))
        if question.kind == "choice":
            return rng.choice(question.choice_values)
        if question.kind == "multi":
            most = question.max_selected or len(question.choices)
            return rng.sample(question.choice_values, rng.randint(1, most))
        return "notes"

    sets = [
        q.prune({k: pick(question) for k, question in q.QUESTIONS.items()}) for _ in range(count)
    ]
    invalid = [problems for s in sets if (problems := q.validate(s))]
    if invalid:
        raise SystemExit(f"bench: generated an invalid answer set: {invalid[0]}")
    return sets


def baseline(answers: dict) -> dict:
    return answers


def explained(answers: dict) -> dict:
    """A match with every sentence rendered, as `advise` and the result page do."""
    return matching.as_json(matching.rank(answers))


def counterfactual(answers: dict) -> tuple:
    """What the result page adds: the answers whose change would move the first place."""
    return matching.what_would_change(answers, matching.rank(answers))


def seconds_per_call(function: Callable[[dict], object], sets: list[dict], rounds: int) -> float:
    """The best of `rounds` passes over all sets: the least disturbed by the machine."""
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        for answers in sets:
            function(answers)
        best = min(best, time.perf_counter() - began)
    return best / len(sets)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=count, default=500, help="answer sets per pass")
    parser.add_argument("--rounds", type=count, default=20, help="passes; the best one counts")
    args = parser.parse_args()

    sets = answer_sets(args.answers)
    for function in (baseline, matching.rank, explained):  # warm up caches and imports
        function(sets[0])
    rows = [
        ("baseline (a function call)", seconds_per_call(baseline, sets, args.rounds)),
        ("rank()", seconds_per_call(matching.rank, sets, args.rounds)),
        ("rank() + sentences", seconds_per_call(explained, sets, args.rounds)),
        # A few hundred ranks each: one pass of a tenth of the sets is enough.
        ("rank() + what_would_change()", seconds_per_call(counterfactual, sets[::10], 1)),
    ]
    base = rows[0][1]
    print(f"{len(sets)} answer sets x {args.rounds} passes (best pass counts)\n")
    print(f"{'what':30} {'per call':>12} {'calls/s':>12} {'x baseline':>11}")
    for name, seconds in rows:
        print(f"{name:30} {seconds * 1e6:9.2f} us {1 / seconds:12,.0f} {seconds / base:11.0f}")
    per_match_ms = rows[1][1] * 1000
    verdict = "PASS" if per_match_ms < TARGET_MS else "FAIL"
    print(f"\nrank(): {per_match_ms:.3f} ms per match (target < {TARGET_MS} ms): {verdict}")
    return 0 if verdict == "PASS" else 2


if __name__ == "__main__":
    sys.exit(main())
