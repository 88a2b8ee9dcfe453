import functools

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.core.validators import MaxLengthValidator, RegexValidator
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from advisor.advice import questionnaire
from advisor.forms import PlainWords
from advisor.mail import send_now
from profiles import tasks
from profiles.models import User, normalise_email


class NewPassword:
    """A form mixin for choosing a password, twice: the rules' errors (too short, too
    common) sit under the password itself, where Django put them under its confirmation;
    only a confirmation that differs is the confirmation's fault."""

    error_messages = {"password_mismatch": _("The two passwords are not the same.")}
    chosen = "password1"  # the field with the password chosen

    def validate_password_for_user(self, user, password_field_name=None):
        super().validate_password_for_user(user, password_field_name=self.chosen)


class SignupForm(NewPassword, PlainWords, BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email address already exists. Log in instead."),
                code="duplicate_email",
            )
        return email


class SetPasswordForm(NewPassword, PlainWords, auth_forms.SetPasswordForm):
    """A new password, from a reset link."""

    chosen = "new_password1"


class LoginForm(PlainWords, auth_forms.AuthenticationForm):
    """Django's log-in form, its errors in Leap's words."""


class PasswordResetForm(PlainWords, auth_forms.PasswordResetForm):
    """Django's, but the email is written and sent by a worker (profiles/tasks.py)."""

    def send_later(self, *, language: str) -> bool:
        """Ask the workers to email each account with this address a reset link. False
        when the broker is down; an unknown address sends nothing, and says nothing."""
        users = self.get_users(self.cleaned_data["email"])
        return all([send_now(tasks.send_password_reset, user.pk, language) for user in users])


@functools.cache
def _reverse(name: str, slug: str, prefix: str) -> str:
    return reverse(name, args=[slug])


def step_url(name: str, step: questionnaire.Step) -> str:
    """A step's URL by its name, reversed once per process (and script prefix): a step
    save needs two, and reversing costs more than a dictionary lookup."""
    return _reverse(name, step.slug, get_script_prefix())


def _field_for(question: questionnaire.Question) -> forms.Field:
    common = {"label": question.label, "help_text": question.help, "required": question.required}
    if question.kind == "integer":
        return forms.IntegerField(
            min_value=question.minimum,
            max_value=question.maximum,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    if question.kind == "choice":
        widget = forms.RadioSelect if len(question.choices) <= 5 else forms.Select
        choices = list(question.choices)
        if widget is forms.Select:
            choices.insert(0, ("", _("Choose…")))
        return forms.ChoiceField(choices=choices, widget=widget, **common)
    if question.kind == "multi":
        limit = question.max_selected
        return forms.MultipleChoiceField(
            choices=question.choices,
            widget=forms.CheckboxSelectMultiple,
            validators=[MaxLengthValidator(limit, _("Choose at most %(limit_value)d."))]
            if limit
            else [],
            **common,
        )
    if question.pattern:
        return forms.CharField(
            max_length=questionnaire.TEXT_LIMIT,
            validators=[RegexValidator(question.pattern, question.pattern_text)],
            widget=forms.TextInput(attrs={"placeholder": "2026-12"}),
            **common,
        )
    return forms.CharField(
        max_length=questionnaire.TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}), **common
    )


@functools.cache
def _checked_field(key: str, check_url: str) -> forms.Field:
    """A question's field, built once and shared by every form that asks it.

    Forms and their templates only read a field once it is built, so one instance
    serves all (Django deep-copies its declared fields for each form, which costs as
    much as building them; bench/README.md, "Questionnaire step save"). Keyed by the
    question's key: hashing a question hashes its lazy texts, each a translation.
    """
    field = _field_for(questionnaire.QUESTIONS[key])
    # With htmx, a change to any answer is checked at once: its error shows, and
    # questions that now apply appear (profiles.questionnaire_views.check). The check
    # never replaces a control, so nothing here needs to survive a swap.
    field.widget.attrs.update(
        {
            "hx-post": check_url,
            "hx-trigger": "change",
            "hx-swap": "none",  # the answer is all out of band (views.check)
            "hx-include": "closest form",
            # The latest answer to a question wins: a newer check of the same question
            # replaces one in flight. (Syncing on the form would drop the newer one.)
            "hx-sync": "closest .field:replace",
        }
    )
    return field


class StepForm(PlainWords, forms.Form):
    """One step of the questionnaire, holding only the questions that apply.

    Whether a question applies is decided on the stored answers updated with what
    is posted now, so choosing "yes, I have an audience" brings its questions in.
    """

    def __init__(self, step: questionnaire.Step, *args, answers: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        current = dict(answers)
        if self.is_bound:
            for question in step.questions:
                if question.kind == "multi":
                    current[question.key] = self.data.getlist(question.key)
                elif question.key in self.data:
                    current[question.key] = self.data[question.key]
        check_url = step_url("questionnaire_check", step)
        self.applicable = [q for q in step.questions if q.applies(current)]
        for question in self.applicable:
            self.fields[question.key] = _checked_field(question.key, check_url)
            if question.key in answers:
                self.initial[question.key] = answers[question.key]
        shown = set(self.data.getlist("shown")) if self.is_bound else set()
        # Questions this very post brought in: they apply now, not on the answers the
        # page was made from, and the page did not show them (without JavaScript nothing
        # adds them). Left blank, they are asked, not reproached (`clean`).
        self.new_questions = [
            q
            for q in self.applicable
            if not q.applies(answers) and q.key not in shown and not self._given(q)
        ]

    def _given(self, question: questionnaire.Question) -> bool:
        if question.kind == "multi":
            return bool(self.data.getlist(question.key))
        return self.data.get(question.key, "") != ""

    def clean(self) -> dict:
        for question in self.new_questions:
            self.errors.pop(question.key, None)  # never asked yet: "required" is unfair
        return super().clean()

    @property
    def new_fields(self) -> list:
        return [self[question.key] for question in self.new_questions]

    def slot(self, question: questionnaire.Question) -> dict:
        """A question's place on the page: its field, or an empty placeholder that a
        later answer can fill."""
        applies = question in self.applicable
        return {"question": question, "field": self[question.key] if applies else None}

    def slots(self) -> list[dict]:
        return [self.slot(question) for question in self.step.questions]

    def answers(self) -> dict:
        """The cleaned answers to store: an optional question left blank is left out, not
        stored as "" or None."""
        values = {}
        for question in self.step.questions:
            if question.key not in self.cleaned_data:
                continue
            value = self.cleaned_data[question.key]
            if value is None or value == "":
                continue  # an optional question left blank is not answered
            values[question.key] = value
        return values

    def has_only_missing_answers(self) -> bool:
        """True when every error is a required answer left blank: enough to go Back."""
        return all(
            error.code == "required"
            for errors in self.errors.as_data().values()
            for error in errors
        )


class SubmitForm(PlainWords, forms.Form):
    consent_processing = forms.BooleanField(
        label=_("I agree that Leap may process my answers to match me and write my plan."),
        help_text=_("Required. Your answers are used for nothing else, and you can delete them."),
        error_messages={"required": _("We need your consent to process your answers.")},
    )
    consent_review = forms.BooleanField(
        label=_("A human counsellor may read my answers and add advice."),
        help_text=_("Optional. If you leave this unticked, no counsellor ever sees your answers."),
        required=False,
    )


class DeleteAccountForm(PlainWords, forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        help_text=_("This deletes your account, answers, plans and PDFs. It cannot be undone."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
