import uuid

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    Group,
    Permission,
    PermissionsMixin,
)
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from advisor.advice import questionnaire

COUNSELLORS_GROUP = "Counsellors"
REVIEW_PERMISSION = "profiles.review"


def normalise_email(email: str) -> str:
    """Emails are compared without regard to case, so they are stored lower-cased."""
    return email.strip().lower()


def counsellors_group() -> Group:
    """The Counsellors group with its permission. A data migration makes it; this makes it
    again where a database was emptied since (tests that flush it, for one)."""
    group, created = Group.objects.get_or_create(name=COUNSELLORS_GROUP)
    if created:
        app_label, codename = REVIEW_PERMISSION.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return group


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
    # The language the member last chose; restored when they log in on any device.
    language = models.CharField(_("language"), max_length=10, blank=True)
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

    @cached_property
    def is_counsellor(self) -> bool:
        """`has_perm(REVIEW_PERMISSION)`, in one query: Django's permission backend makes
        two (the user's permissions, then their groups'), each compiled by the ORM, and
        every signed-in page asks (its menu), every counsellor page twice
        (bench/README.md, "The counsellor queue"). Asked once per request's user."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        if self.pk is None:
            return False
        app_label, codename = REVIEW_PERMISSION.split(".")
        connection = connections[router.db_for_read(User)]
        with connection.cursor() as cursor:
            cursor.execute(HAS_PERMISSION, [self.pk, codename, app_label] * 2)
            return bool(cursor.fetchone()[0])

    def make_counsellor(self) -> None:
        self.groups.add(counsellors_group())
        self.__dict__.pop("is_counsellor", None)


# Whether a user holds a permission, given to them or to one of their groups.
HAS_PERMISSION = """
SELECT EXISTS (
    SELECT 1 FROM "profiles_user_user_permissions" held
    JOIN "auth_permission" p ON p."id" = held."permission_id"
    JOIN "django_content_type" ct ON ct."id" = p."content_type_id"
    WHERE held."user_id" = %s AND p."codename" = %s AND ct."app_label" = %s
) OR EXISTS (
    SELECT 1 FROM "profiles_user_groups" member
    JOIN "auth_group_permissions" held ON held."group_id" = member."group_id"
    JOIN "auth_permission" p ON p."id" = held."permission_id"
    JOIN "django_content_type" ct ON ct."id" = p."content_type_id"
    WHERE member."user_id" = %s AND p."codename" = %s AND ct."app_label" = %s
)
"""

AUTOSAVE = (
    'UPDATE "profiles_draft" SET "answers" = %s, "schema_version" = %s, "updated_at" = %s '
    """WHERE "id" = %s AND set_config('synchronous_commit', 'off', true) = 'off'"""
)


class DraftManager(models.Manager["Draft"]):
    """The draft a questionnaire request works on, read by hand: autosave reads one at
    every pause in the answers, and the ORM's machinery cost several times the query
    (bench/README.md, "Questionnaire step save")."""

    def of_visitor(self, draft_id: str) -> "Draft | None":
        try:
            pk = uuid.UUID(draft_id)
        except ValueError:
            return None
        return self._one('"id" = %s AND "owner_id" IS NULL', self.model._meta.pk, pk)

    def of_member(self, user: User) -> "Draft | None":
        return self._one('"owner_id" = %s', self.model._meta.get_field("owner"), user.pk)

    def _one(self, where: str, field: models.Field, value) -> "Draft | None":
        connection = connections[self.db]
        param = field.get_db_prep_value(value, connection)
        if connection.vendor != "postgresql":
            # SQLite hands UUIDs and dates back as text: a raw query converts them.
            found = self.raw(f'SELECT * FROM "profiles_draft" WHERE {where}', [param])  # noqa: S608
            return next(iter(found), None)
        # psycopg hands back each column as its Python value, but JSON, which Django has
        # it read as text for the field to decode.
        fields = self.model._meta.concrete_fields
        columns = ", ".join(f'"{f.column}"' for f in fields)
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT {columns} FROM "profiles_draft" WHERE {where}', [param])  # noqa: S608
            row = cursor.fetchone()
        if row is None:
            return None
        values = [
            f.from_db_value(v, None, connection) if hasattr(f, "from_db_value") else v
            for f, v in zip(fields, row, strict=True)
        ]
        return self.model.from_db(self.db, [f.attname for f in fields], values)


class Draft(models.Model):
    """Answers in progress: a visitor's (found through their session) or a member's.

    The id is posted back with every step, so a form from another draft (a
    stale tab, a tampered page) is refused instead of overwriting this one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="draft"
    )
    answers = models.JSONField(default=dict, blank=True)
    schema_version = models.PositiveSmallIntegerField(default=questionnaire.SCHEMA_VERSION)
    # A visitor's draft lives as long as their session: the key says which one
    # (advisor.members.privacy.clear_expired_sessions). A default in the database too, so that
    # processes of the release before this column keep making drafts during a rollout.
    session_key = models.CharField(
        max_length=40, blank=True, default="", db_default="", db_index=True, editable=False
    )
    based_on = models.ForeignKey(
        "Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The submission whose answers this draft edits."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DraftManager()

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return f"Draft {self.pk} ({self.owner or 'visitor'})"

    def save_step(self, step: questionnaire.Step, values: dict) -> None:
        """Replace this step's answers, dropping any answer that no longer applies."""
        keys = step.keys
        answers = {k: v for k, v in self.answers.items() if k not in keys}
        answers.update(values)
        # Pruned to the current questionnaire: a draft of an earlier version moves on.
        self.answers = questionnaire.prune(answers)
        self.schema_version = questionnaire.SCHEMA_VERSION
        self.updated_at = timezone.now()
        self._autosave()

    def _autosave(self) -> None:
        """Write the answers without waiting for the disk, on PostgreSQL: in one UPDATE
        that turns synchronous commit off for its own transaction (`set_config(…, true)`),
        one round trip where BEGIN, SET LOCAL, UPDATE and COMMIT took four, with no ORM
        to compile it (bench/README.md, "Questionnaire step save"). A draft deleted
        meanwhile (submitted from another tab) is simply not written.

        For autosaves that the next change writes again. PostgreSQL's asynchronous commit
        never corrupts and keeps the order of commits; a crash of the database server may
        lose the last fraction of a second of them. (SQLite's WAL with synchronous=NORMAL,
        in settings, makes the same trade for every commit.)
        """
        fields = ["answers", "schema_version", "updated_at"]
        connection = connections[router.db_for_write(Draft)]
        if connection.vendor != "postgresql":
            self.save(update_fields=fields)
            return
        values = [
            self._meta.get_field(f).get_db_prep_save(getattr(self, f), connection) for f in fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(AUTOSAVE, [*values, self.pk])

    @property
    def unchanged(self) -> bool:
        """An edit of a submission that changes none of its answers: nothing to submit."""
        return self.based_on is not None and self.based_on.answers == self.answers

    def start_over(self) -> None:
        self.answers = {}
        self.based_on = None
        self.save(update_fields=["answers", "based_on", "updated_at"])

    @transaction.atomic
    def adopt(self, user: User) -> None:
        """Give a visitor's draft to the member who just signed up or logged in.

        Any other draft of theirs goes: the member chose this one, or had no other
        answers (profiles.questionnaire_views.adopt_session_draft).
        """
        Draft.objects.filter(owner=user).exclude(pk=self.pk).delete()
        self.owner = user
        self.save(update_fields=["owner", "updated_at"])


class SubmissionQuerySet(models.QuerySet):
    def for_owner(self, user: User) -> "SubmissionQuerySet":
        return self.filter(owner=user)

    def answer_sets(self) -> list[list["Submission"]]:
        """These submissions by the answers they are versions of: a first submission with
        every edit made from it or from one of its edits, newest first. The sets come in
        the order of their newest."""
        submissions = list(self.order_by("-created_at"))
        by_pk = {s.pk: s for s in submissions}
        sets: dict[uuid.UUID, list[Submission]] = {}
        for submission in submissions:
            first = submission
            # An edit is always newer than what it edits, so this ends whatever the data.
            while (
                earlier := by_pk.get(first.previous_id)
            ) and earlier.created_at < first.created_at:
                first = earlier
            sets.setdefault(first.pk, []).append(submission)
        return list(sets.values())


class Submission(models.Model):
    """A submitted, immutable answer set. Editing makes a new one linked to this."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="submissions")
    answers = models.JSONField()
    schema_version = models.PositiveSmallIntegerField()
    consent_processing = models.BooleanField(
        _("consent to processing"),
        help_text=_("The member agreed that Leap may process these answers. Always true."),
    )
    consent_review = models.BooleanField(
        _("consent to counsellor review"),
        default=False,
        help_text=_("Counsellors may see this submission only when this is true."),
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions"
    )
    # The draft it was made from: a second submit of the same draft finds this row.
    draft_token = models.UUIDField(unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_processing=True), name="submission_needs_consent"
            )
        ]

    def __str__(self) -> str:
        return f"Submission {self.pk} by {self.owner}"

    def lock(self) -> None:
        """Hold this submission's row until the transaction ends, so that plans for it are
        started one at a time (their versions are numbered from the latest)."""
        Submission.objects.select_for_update().filter(pk=self.pk).values_list("pk").first()

    def first_version(self) -> uuid.UUID:
        """The id of the first submission of the answers this one is a version of (itself
        if it is no edit): what every version of these answers shares, as
        `answer_sets` groups them. One query per earlier version."""
        first = self
        while first.previous_id is not None:
            earlier = (
                Submission.objects.filter(pk=first.previous_id)
                .only("previous", "created_at")
                .first()
            )
            if earlier is None or earlier.created_at >= first.created_at:
                break
            first = earlier
        return first.pk

    def start_revision(self) -> Draft:
        """A new draft holding these answers; submitting it makes the next version."""
        with transaction.atomic():
            Draft.objects.filter(owner=self.owner).delete()
            return Draft.objects.create(
                owner=self.owner,
                answers=self.answers,
                schema_version=self.schema_version,
                based_on=self,
            )

    def answer_rows(self) -> list[tuple[questionnaire.Step, list[tuple[str, str]]]]:
        return questionnaire.answer_rows(self.answers)

    def changed_from(self, earlier: "Submission") -> list[str]:
        """The questions answered otherwise than in `earlier`, as the member reads them."""
        return [
            str(question.label)
            for key, question in questionnaire.QUESTIONS.items()
            if self.answers.get(key) != earlier.answers.get(key)
        ]
