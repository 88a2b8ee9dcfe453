from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from advisor.members.submit import submit
from profiles.models import Draft, Submission, User
from profiles.personas import LI_JING, LIU_CHEN, MEI_CHEN, ZHANG_YIFEI

DEMO_MEMBER = ("member@example.com", "leap-demo-member")
DEMO_COUNSELLOR = ("counsellor@example.com", "leap-demo-counsellor")
# Sample members (no password: nobody logs in as them) and what they submitted. Zhang
# Yifei refuses counsellor review, so the counsellor's queue must never show him.
SAMPLES = [
    ("mei.chen@example.com", MEI_CHEN, True),
    ("liu.chen@example.com", LIU_CHEN, True),
    ("zhang.yifei@example.com", ZHANG_YIFEI, False),
]


class Command(BaseCommand):
    help = (
        "Create a demo member, a demo counsellor and sample submissions with their plans "
        "(idempotent: run it again and nothing is doubled)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when DEBUG is off. The demo passwords are public: use with care.",
        )

    @transaction.atomic
    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to create accounts with public passwords while DEBUG is off. "
                "Pass --allow-production if you really mean it."
            )
        member = self._ensure_user(*DEMO_MEMBER)
        counsellor = self._ensure_user(*DEMO_COUNSELLOR)
        counsellor.make_counsellor()
        made = self._ensure_submission(member, LI_JING, consent_review=True)
        for email, answers, consent_review in SAMPLES:
            sample = User.objects.filter(email=email).first() or User.objects.create_user(email)
            made += self._ensure_submission(sample, answers, consent_review=consent_review)
        if made:
            self.stdout.write(f"Sample submissions: {made}, their plans queued for the worker.")
        self.stdout.write(f"Demo member:     {member.email} / {DEMO_MEMBER[1]}")
        self.stdout.write(f"Demo counsellor: {counsellor.email} / {DEMO_COUNSELLOR[1]}")

    def _ensure_submission(self, user: User, answers: dict, *, consent_review: bool) -> int:
        """One submission for `user`, unless they have one already; its plan is queued."""
        if Submission.objects.for_owner(user).exists():
            return 0
        draft, _created = Draft.objects.update_or_create(owner=user, defaults={"answers": answers})
        submit(draft, consent_review=consent_review)
        return 1

    def _ensure_user(self, email: str, password: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, password)
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        return user
