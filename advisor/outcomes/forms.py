"""The outcomes page's month filter: a GET form, so that a link holds the view."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from advisor.forms import PlainWords
from advisor.outcomes.figures import Period


class MonthInput(forms.TextInput):
    """A browser's month picker where it has one; elsewhere a text box for 2026-11."""

    input_type = "month"


class MonthField(forms.Field):
    default_error_messages = {"invalid": _("Please give a month as year and month: 2026-11.")}
    widget = MonthInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> date | None:
        value = (value or "").strip()
        if not value:
            return None
        year, dash, month = value.partition("-")
        if not (dash and year.isdigit() and month.isdigit() and len(year) == 4):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not (2000 <= int(year) <= 2100 and 1 <= int(month) <= 12):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(int(year), int(month), 1)


class MonthFilter(PlainWords, forms.Form):
    first = MonthField(label=_("From (month)"))
    last = MonthField(label=_("To (month)"))

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and first > last:
            raise forms.ValidationError(_("The first month comes after the last."))
        return cleaned

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data.get("first"), self.cleaned_data.get("last"))
