"""The counsellor workspace's forms."""

import uuid

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisor.advice import catalogue
from advisor.counsel.models import Review, SavedReply
from advisor.forms import PlainWords
from profiles.models import User


def _archetype_choices():
    return [(a.slug, str(a.name)) for a in catalogue.archetypes()]


SORT_CHOICES = [
    ("", gettext_lazy("Priority, then oldest")),
    ("oldest", gettext_lazy("Oldest first")),
    ("due", gettext_lazy("Due first")),
]


class QueueFilter(PlainWords, forms.Form):
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
    sort = forms.ChoiceField(label=gettext_lazy("Order"), required=False, choices=SORT_CHOICES)
    # The last review of the page before: the next page starts after it.
    after = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archetype"].choices = [("", _("Any archetype")), *_archetype_choices()]


class NoteForm(PlainWords, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    shared = forms.BooleanField(
        label=gettext_lazy("Share with the member (shown on their plan, and emailed)"),
        help_text=gettext_lazy(
            "A private note is not shown on the plan, but it is the member's data: it is in "
            "the copy of their data they can download, and goes if they withdraw consent."
        ),
        required=False,
    )


class OverrideForm(PlainWords, forms.Form):
    archetype = forms.ChoiceField(label=gettext_lazy("Write the plan for"))
    reason = forms.CharField(
        label=gettext_lazy("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archetype"].choices = _archetype_choices()


class AssignForm(PlainWords, forms.Form):
    counsellor = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"), queryset=User.objects.counsellors().order_by("email")
    )


class CaseloadFilter(PlainWords, forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *Review.Status.choices],
    )
    sort = forms.ChoiceField(label=gettext_lazy("Order"), required=False, choices=SORT_CHOICES)
    after = forms.UUIDField(required=False, widget=forms.HiddenInput)


class MessageForm(PlainWords, forms.Form):
    """One turn of the conversation. `token` is new each time the form is shown: the same
    form sent twice writes one message (advisor.counsel.rules.ask and reply)."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, label=None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label or gettext_lazy("Your reply")


class SavedReplyForm(PlainWords, forms.ModelForm):
    class Meta:
        model = SavedReply
        fields = ["title", "text_en", "text_zh_hans"]
        widgets = {
            "text_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
            "text_zh_hans": forms.Textarea(attrs={"rows": 4, "lang": "zh-Hans"}),
        }
