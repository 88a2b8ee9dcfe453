from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from profiles.models import User

DEMO_MEMBER = ("member@example.com", "leap-demo-member")
DEMO_COUNSELLOR = ("counsellor@example.com", "leap-demo-counsellor")


class Command(BaseCommand):
    help = "Create a demo member and a demo counsellor (idempotent)."

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
        self.stdout.write(f"Demo member:     {member.email} / {DEMO_MEMBER[1]}")
        self.stdout.write(f"Demo counsellor: {counsellor.email} / {DEMO_COUNSELLOR[1]}")

    def _ensure_user(self, email: str, password: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, password)
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        return user
