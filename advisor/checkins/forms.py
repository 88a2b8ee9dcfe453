"""The check-in's questions: what happened, money and strain now, anything changed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from advisor.advice import formats, questionnaire
from advisor.checkins import changes
from advisor.checkins.models import CheckIn
from advisor.forms import PlainWords

YES_NO = (("yes", _("Yes")), ("no", _("No")))


class CheckInForm(PlainWords, forms.Form):
    progress = forms.ChoiceField(
        label=_("What has happened since your plan was written?"),
        choices=CheckIn.Progress.choices,
        widget=forms.RadioSelect,
    )
    story = forms.CharField(
        label=_("In a few words (optional)"),
        help_text=_(
            "What you did, what worked, what did not. Only you and, if you agreed, "
            "your counsellor read it."
        ),
        required=False,
        max_length=questionnaire.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    earning = forms.ChoiceField(
        label=_("Do you have an income now?"),
        help_text=_("A salary, fees, orders or a benefit: anything that pays your costs."),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    savings = forms.IntegerField(min_value=0, max_value=questionnaire.MONEY_LIMIT)
    strain_signals = forms.MultipleChoiceField(
        label=_("Which of these are true for you now?"),
        help_text=_("Tick all that apply, or none."),
        choices=questionnaire.QUESTIONS[changes.STRAIN_KEY].choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    changed = forms.CharField(
        label=_("Has anything else changed? (optional)"),
        help_text=_(
            "Your job, your health, your family, where you live. To change your "
            "other answers too, edit them after this check-in."
        ),
        required=False,
        max_length=questionnaire.TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, answers: dict[str, Any], **kwargs):
        """`answers`: the answer set checked in on; its savings and strain fill the form."""
        key = changes.savings_key(answers)
        initial = {
            "savings": answers.get(key),
            "strain_signals": answers.get(changes.STRAIN_KEY, []),
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, initial=initial, **kwargs)
        savings = self.fields["savings"]
        if key == "savings_months":
            savings.label = _("How many months of expenses could your savings cover now?")
            savings.max_value = 240
        else:
            currency = answers.get("currency", formats.DEFAULT_CURRENCY)
            savings.label = _("Savings you could live on now, in %(currency)s") % {
                "currency": formats.CURRENCY_NAMES.get(currency, currency)
            }
            savings.help_text = _(
                "As before: cash and deposits you could spend if your income stopped."
            )

    def checkin_answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "progress": data["progress"],
            "story": data["story"],
            "earning": data["earning"] == "yes",
            "savings": data["savings"],
            "strain_signals": list(data["strain_signals"]),
            "changed": data["changed"],
        }
