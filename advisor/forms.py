from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class FormRenderer(TemplatesSetting):
    """Every form field renders through templates/forms/field.html: a label without
    Django's trailing colon, a legend for grouped choices, and errors with an id."""

    field_template_name = "forms/field.html"


# Leap's words for the errors Django's fields raise, by error code. Django's own speak of
# "this value" and "this field", and in Chinese of 该变量 and 字段 (a variable, a
# database column): words for programmers, not for the people filling in a form.
_FILL_IN = _("Please fill this in.")
_CHOOSE = _("Please choose one.")
WORDS = {
    "required": _FILL_IN,
    "max_length": ngettext_lazy(
        "Please keep this to %(limit_value)d character: it has %(show_value)d.",
        "Please keep this to %(limit_value)d characters: it has %(show_value)d.",
        "limit_value",
    ),
    "min_length": ngettext_lazy(
        "Please write at least %(limit_value)d character: this has %(show_value)d.",
        "Please write at least %(limit_value)d characters: this has %(show_value)d.",
        "limit_value",
    ),
    "max_value": _("This cannot be more than %(limit_value)s."),
    "min_value": _("This cannot be less than %(limit_value)s."),
    "invalid_choice": _("Please choose one of the options given."),
    "invalid_list": _("Please choose from the options given."),
}
# An answer in the wrong form says what form it takes.
INVALID = {
    forms.EmailField: _("Please enter an email address, such as name@example.com."),
    forms.IntegerField: _("Please enter a whole number, in figures."),
}
# An unanswered choice asks for a choice.
REQUIRED = {
    forms.MultipleChoiceField: _("Please choose at least one."),
    forms.ChoiceField: _CHOOSE,
}


def _djangos_messages(field: forms.Field) -> dict:
    """The messages Django's classes give `field`, before any given to it."""
    messages = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


def in_plain_words(field: forms.Field) -> None:
    """Give `field` Leap's words for every error whose message is still Django's own; a
    message a form chose for a field stays. Validators' errors (a length, a limit) are
    worded by the field's messages for their codes too (Field.run_validators).

    Once per field: the messages are lazy, so they serve every language, and a field
    shared by many forms (a questionnaire step's) is not worded again at every save.
    A form's copy of a field carries the mark with the messages it copied."""
    if getattr(field, "in_plain_words", False):
        return
    words = dict(WORDS)
    for kind, message in INVALID.items():
        if isinstance(field, kind):
            words["invalid"] = message
    for kind, message in REQUIRED.items():
        if isinstance(field, kind):
            words["required"] = message
            break
    djangos = _djangos_messages(field)
    for code, message in words.items():
        if code not in field.error_messages or field.error_messages[code] is djangos.get(code):
            field.error_messages[code] = message
    field.in_plain_words = True


class PlainWords:
    """A form mixin: every field's errors in Leap's words (`in_plain_words`), whenever the
    field was added (a step's fields are added after the form is made)."""

    def full_clean(self) -> None:
        for field in self.fields.values():
            in_plain_words(field)
        super().full_clean()
