import json

from django.core.management.base import BaseCommand
from django.utils import translation

from advisor.advice import questionnaire


class Command(BaseCommand):
    help = (
        "Print the JSON Schema of a complete answer set. With --markdown, print "
        "docs/questionnaire.md instead; both come from advisor/advice/questionnaire.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="Print the Markdown docs.")

    def handle(self, *args, markdown: bool = False, **options):
        with translation.override("en"):
            if markdown:
                self.stdout.write(questionnaire.markdown(), ending="")
            else:
                self.stdout.write(
                    json.dumps(questionnaire.json_schema(), indent=2, ensure_ascii=False)
                )
