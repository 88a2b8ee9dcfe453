"""The plan pages' forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from advisor.forms import PlainWords
from advisor.plans.models import MilestoneProgress


class MilestoneForm(PlainWords, forms.Form):
    """The member's progress on one milestone (which one, the view reads: `key`)."""

    status = forms.ChoiceField(
        label=_("How far you are with this step"),
        choices=MilestoneProgress.Status.choices,
        error_messages={
            "required": _("Choose one: done, not yet or skipped."),
            "invalid_choice": _("Choose one: done, not yet or skipped."),
        },
    )
    note = forms.CharField(
        label=_("Your note (optional)"),
        required=False,
        max_length=MilestoneProgress.NOTE_MAX_LENGTH,
    )
