from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisor import catalogue
from advisor.models import Review
from profiles.models import User


class FormRenderer(TemplatesSetting):
    """Every form field renders through templates/forms/field.html: a label without
    Django's trailing colon, a legend for grouped choices, and errors with an id."""

    field_template_name = "forms/field.html"


# --- The counsellor workspace ---------------------------------------------------


def _archetype_choices():
    return [(a.slug, str(a.name)) for a in catalogue.archetypes()]


class QueueFilter(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *Review.Status.choices],
    )
    archetype = forms.ChoiceField(label=gettext_lazy("Archetype"), required=False)
    flag = forms.ChoiceField(
        label=gettext_lazy("Flag"),
        required=False,
        choices=[("", gettext_lazy("Any")), ("high_strain", gettext_lazy("High strain"))],
    )
    assigned = forms.ChoiceField(
        label=gettext_lazy("Assigned"),
        required=False,
        choices=[
            ("", gettext_lazy("Anyone")),
            ("me", gettext_lazy("Assigned to me")),
            ("none", gettext_lazy("Unassigned")),
        ],
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    q = forms.CharField(label=gettext_lazy("Member email"), required=False, max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archetype"].choices = [("", _("Any archetype")), *_archetype_choices()]

    def reviews(self, user):
        """The filtered queue, by priority then age: one query whatever the page size."""
        data = self.cleaned_data
        reviews = Review.objects.select_related("submission__owner", "assignee").order_by(
            "-priority", "created_at", "pk"
        )
        if data["status"]:
            reviews = reviews.filter(status=data["status"])
        if data["archetype"]:
            reviews = reviews.filter(archetype=data["archetype"])
        if data["flag"] == "high_strain":
            reviews = reviews.filter(high_strain=True)
        if data["assigned"] == "me":
            reviews = reviews.filter(assignee=user)
        elif data["assigned"] == "none":
            reviews = reviews.filter(assignee__isnull=True)
        if data["overdue"]:
            reviews = reviews.overdue()
        if data["q"]:
            reviews = reviews.filter(submission__owner__email__icontains=data["q"].strip())
        return reviews


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    shared = forms.BooleanField(
        label=gettext_lazy("Share with the member (shown on their plan, and emailed)"),
        required=False,
    )


class OverrideForm(forms.Form):
    archetype = forms.ChoiceField(label=gettext_lazy("Write the plan for"))
    reason = forms.CharField(
        label=gettext_lazy("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archetype"].choices = _archetype_choices()


class AssignForm(forms.Form):
    counsellor = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"), queryset=User.objects.counsellors().order_by("email")
    )
