import datetime
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from advisor.advice import content, matching, questionnaire

USAGE_ERROR = 2


class Command(BaseCommand):
    help = (
        "Match a complete answer set (a JSON file, or - for standard input) to the archetypes "
        "and print the ranked matches with their reasons as JSON; with --plan, the plan too. "
        "Answer sets of questionnaire version 1 are read as such. Bad input exits with 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("answers", help="Path to ANSWERS.json, or - for standard input.")
        parser.add_argument(
            "--language",
            choices=["en", "zh-hans"],
            default="en",
            help="Language of the names and sentences (default: en).",
        )
        parser.add_argument(
            "--plan", action="store_true", help="Also print the plan written for the best match."
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day the plan is written, YYYY-MM-DD (default: today, in the site's time "
            "zone): dated steps count from it.",
        )
        parser.add_argument(
            "--text",
            action="store_true",
            help="Print the plan as a person reads it, section by section, instead of JSON.",
        )

    def handle(
        self, *args, answers: str, language: str, plan: bool, text: bool, today=None, **options
    ):
        data = read_answers(answers)
        today = today or timezone.localdate()
        version = questionnaire.version_of(data)
        if text:
            with translation.override(language):
                self.stdout.write(as_text(content.build(answers=data, today=today)))
            return
        with translation.override(language):
            output = {
                "schema_version": version,
                **matching.as_json(matching.rank(data)),
            }
            if plan:
                output["plan"] = content.build(answers=data, today=today)
        self.stdout.write(json.dumps(output, indent=2, ensure_ascii=False))


def as_text(plan: dict) -> str:
    """A plan as its page reads, in plain text: for reading plans side by side."""
    lines = [f"# {plan['name']}"]
    for section in plan["sections"]:
        lines += ["", f"## {section['title']}"]
        for flag in section["flags"]:
            lines += ["", f"### {flag['title']}", *flag["reasons"]]
            lines += [f"{i}. {step}" for i, step in enumerate(flag["steps"], 1)]
        lines += section["paragraphs"]
        lines += [f"- {item}" for item in section["items"]]
        lines += [
            "- " + _("Day %(day)s: %(text)s") % {"day": m["day"], "text": m["text"]}
            for m in section["milestones"]
        ]
        lines += [f"- {change}" for change in section["changes"]]
        lines += [f"- {s['citation']} ({s['url']}, {s['checked']})" for s in section["sources"]]
    return "\n".join(lines) + "\n"


def read_answers(name: str) -> dict:
    """A complete answer set from a JSON file (or - for standard input), of any
    questionnaire version; CommandError (exit 2) lists each problem with its key."""
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as exc:
        raise CommandError(
            f"{name}: cannot read it: {exc.strerror}", returncode=USAGE_ERROR
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"{name}: not JSON: {exc}", returncode=USAGE_ERROR) from exc
    # An answer set of an earlier questionnaire version is read as such.
    version = questionnaire.version_of(data) or questionnaire.SCHEMA_VERSION
    problems = questionnaire.validate(data, complete=True, version=version)
    if problems:
        listed = "\n".join(f"  {p}" for p in problems)
        raise CommandError(
            f"{name}: not a valid complete answer set ({len(problems)} problems):\n{listed}",
            returncode=USAGE_ERROR,
        )
    return data
