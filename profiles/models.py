from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COUNSELLORS_GROUP = "Counsellors"
REVIEW_PERMISSION = "profiles.review"


def normalise_email(email: str) -> str:
    """Emails are compared without regard to case, so they are stored lower-cased."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, email: str) -> "User":
        return self.get(email__iexact=email)

    def counsellors(self) -> models.QuerySet["User"]:
        return self.filter(groups__name=COUNSELLORS_GROUP, is_active=True)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address: a member, a counsellor or staff."""

    email = models.EmailField(_("email address"), unique=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can log in to the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("review", _("Can review members' submissions as a counsellor"))]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)

    @property
    def is_counsellor(self) -> bool:
        return self.has_perm(REVIEW_PERMISSION)

    def make_counsellor(self) -> None:
        self.groups.add(Group.objects.get(name=COUNSELLORS_GROUP))
