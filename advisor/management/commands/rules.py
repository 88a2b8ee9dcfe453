import sys
import tomllib
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from advisor.advice import content, engine, questionnaire
from advisor.advice.case import Case
from advisor.management.commands.advise import USAGE_ERROR, read_answers

CASES = Path(settings.BASE_DIR) / "tests" / "situations.toml"


def cases_from(path: Path) -> list[tuple[str, dict]]:
    """The test cases of a situation table (tests/situations.toml): each a name and a
    complete answer set, its base changed by its own answers."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CommandError(f"{path}: {exc}", returncode=USAGE_ERROR) from exc
    base = raw.get("base", {})
    found = []
    for case in raw.get("case", []):
        answers = questionnaire.prune({**base, **case.get("answers", {})})
        gone = case.get("remove", [])
        found.append((case["name"], {k: v for k, v in answers.items() if k not in gone}))
    return found


class Command(BaseCommand):
    help = (
        "The advice's rules (advisor/advice/rules/). `why ANSWERS.json` prints which rules "
        "fired for an answer set and why (--all: and why the others did not); `coverage` "
        "lists the situations the test cases cover and the rules none of them fires; `list` "
        "prints every rule with its conditions."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        why = commands.add_parser("why", help="Which rules fired for ANSWERS.json, and why.")
        why.add_argument("answers", help="Path to ANSWERS.json, or - for standard input.")
        why.add_argument("--all", action="store_true", help="Also the rules that did not fire.")
        why.add_argument("--archetype", help="Write the plan for this path (a slug).")
        coverage = commands.add_parser(
            "coverage", help="Situations the test cases cover; rules no test case fires."
        )
        coverage.add_argument("--cases", default=str(CASES), help=f"Default: {CASES}.")
        commands.add_parser("list", help="Every rule, its place and its conditions.")

    def handle(self, *args, command: str, **options):
        with translation.override("en"):
            getattr(self, f"_{command}")(**options)

    def _why(self, *, answers: str, all: bool, archetype: str | None, **options):
        data = read_answers(answers)
        case = Case(data, archetype=archetype)
        rules = content.rules()
        present = [s.key for s in rules.present(case.evidence)]
        self.stdout.write(
            f"Path followed: {case.story.slug if case.story else 'none (general steps)'}"
        )
        self.stdout.write(f"Situations first: {', '.join(present) or 'none'}\n")
        # A situation's rules speak only when the situation is present.
        # The general steps stand in for a path's milestones only when no story is followed.
        sections = [p for p in engine.SECTIONS if p != "general" or case.story is None]
        for place in [*present, *sections]:
            verdicts = engine.explain(rules.at(place), case.evidence)
            shown = [v for v in verdicts if v.fired or all]
            if not shown:
                continue
            self.stdout.write(f"[{place}]")
            for verdict in shown:
                mark = "fired  " if verdict.fired else "did not"
                self.stdout.write(f"  {mark} {verdict.rule.id}: {verdict.why}")
        if case.story is not None:
            self.stdout.write(f"[{case.story.slug}: the path's own milestones and risks]")
            for part in (*case.story.milestones, *case.story.risks):
                held = part.holds(case.evidence)
                if held or all:
                    name = getattr(part, "key", None) or f"day {part.day}"
                    self.stdout.write(f"  {'fired  ' if held else 'did not'} {name}")

    def _coverage(self, *, cases: str, **options):
        rules = content.rules()
        fired: Counter[str] = Counter()
        situations: Counter[str] = Counter()
        found = cases_from(Path(cases))
        for _name, answers in found:
            case = Case(answers)
            present = [s.key for s in rules.present(case.evidence)]
            situations.update(present)
            for place in [*present, *engine.SECTIONS]:
                fired.update(rule.id for rule in engine.fire(rules.at(place), case.evidence))
        self.stdout.write(f"{len(found)} test cases in {cases}\n")
        self.stdout.write("Situations, and the cases that put each first or among the first:")
        for situation in rules.situations:
            self.stdout.write(f"  {situations[situation.key]:4d}  {situation.key}")
        never = [rule for rule in rules.rules if not fired[rule.id]]
        self.stdout.write(f"\nRules no test case fires ({len(never)} of {len(rules.rules)}):")
        for rule in never:
            self.stdout.write(f"  {rule.file}: {rule.id}")

    def _list(self, **options):
        for rule in content.rules().rules:
            when = " and ".join(engine.described(c) for c in rule.when) or "always"
            facts = f"  [{', '.join(rule.cites)}]" if rule.cites else ""
            group = f" (group {rule.group})" if rule.group else ""
            where = f"{rule.place}/{rule.kind}{group}"
            self.stdout.write(f"{rule.file}: {rule.id} → {where}: {when}{facts}")
        sys.stdout.flush()
