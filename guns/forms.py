"""Page forms: parse input only; the services validate against the locked rows."""

from typing import cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from alfadmin.kernel.forms import VersionedModelForm
from evaluations.models import EvaluationRound

from .models import AnnualReport, Decision, FollowUpEntry, GunsMember, GunsSettings, Meeting, Minutes


class DecisionForm(VersionedModelForm):
    class Meta:
        model = Decision
        fields = [
            "kind",
            "title",
            "text",
            "rationale",
            "evaluation_round",
            "amount",
            "pot_year",
            "recipients",
            "period",
            "conditions",
            "amends",
            "effect",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 2}),
            "recipients": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, rounds: QuerySet[EvaluationRound] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only rounds the user sees (the view passes the scoped queryset).
        cast(forms.ModelChoiceField, self.fields["evaluation_round"]).queryset = (
            rounds if rounds is not None else EvaluationRound.objects.none()
        )
        cast(forms.ModelChoiceField, self.fields["amends"]).queryset = Decision.objects.filter(state=Decision.State.ADOPTED).order_by(
            "-number_year", "-number_seq"
        )


class TransitionForm(forms.Form):
    """A step of a decision's state graph, based on the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ScheduleForm(TransitionForm):
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.order_by("-date"))


VOTE_FIELDS = ("yes", "no", "abstain")


class OutcomeForm(TransitionForm):
    consensus = forms.BooleanField(label=_("By consensus"), required=False)
    yes = forms.IntegerField(label=_("Yes"), min_value=0, required=False)
    no = forms.IntegerField(label=_("No"), min_value=0, required=False)
    abstain = forms.IntegerField(label=_("Abstain"), min_value=0, required=False)

    def clean(self):
        data = super().clean() or {}
        counted = [data.get(key) for key in VOTE_FIELDS if data.get(key) is not None]
        if data.get("consensus") and counted:
            raise forms.ValidationError(_("Either consensus or votes, not both."))
        return data

    def votes(self):
        """None for consensus or an empty vote form (the service asks for one or the other)."""
        data = self.cleaned_data
        if data.get("consensus") or all(data.get(key) is None for key in VOTE_FIELDS):
            return None
        return {key: data.get(key) or 0 for key in VOTE_FIELDS}


class MeetingForm(VersionedModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "title", "attendees"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "attendees": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Current members, and whoever was present already (a term may have ended since): saving
        # the title alone keeps the attendance as it was.
        present = Q(pk__in=self.instance.attendees.values("pk")) if self.instance.pk else Q(pk__in=[])
        cast(forms.ModelMultipleChoiceField, self.fields["attendees"]).queryset = (
            GunsMember.objects.filter(Q(is_active=True) | present)
            .select_related("region")
            .order_by("side", "region__code", "role")
            .distinct()
        )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=300)


class MemberForm(VersionedModelForm):
    class Meta:
        model = GunsMember
        fields = ["name", "region", "side", "role", "user", "is_chair", "term_start", "term_end"]
        widgets = {"term_start": forms.DateInput(attrs={"type": "date"}), "term_end": forms.DateInput(attrs={"type": "date"})}


class MinutesForm(VersionedModelForm):
    class Meta:
        model = Minutes
        fields = ["text", "adjuster"]
        widgets = {"text": forms.Textarea(attrs={"rows": 20})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["adjuster"]).queryset = (
            self.instance.meeting.attendees.filter(user__isnull=False, is_chair=False) if self.instance.pk else GunsMember.objects.none()
        )


class PaymentForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount (kr)"), min_value=1)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class SettingsForm(VersionedModelForm):
    class Meta:
        model = GunsSettings
        fields = ["quorum_seats", "quorum_per_side", "carry_over"]


class FollowUpEntryForm(VersionedModelForm):
    class Meta:
        model = FollowUpEntry
        fields = ["kind", "text", "responsible", "due", "done"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "due": forms.DateInput(attrs={"type": "date"})}


class AnnualReportForm(VersionedModelForm):
    class Meta:
        model = AnnualReport
        fields = ["introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            self.initial["version"] = 0  # "no introduction yet": a second first-writer gets a 409
