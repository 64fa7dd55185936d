"""Forms of the case pages. Times are entered in UTC; values are validated by the models.

Forms that create a row inside a case take the case as their instance's `case`, so choices
(assets, indicators, evidence, task owners) are limited to that case and per-case unique
constraints are checked as form errors instead of failing at the database.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from warroom.accounts.models import Membership, Role
from warroom.cases.choices import ActionState, AssetState, EventKind, Phase, Severity, TaskState
from warroom.cases.models import Action, Asset, Evidence, Incident, Indicator, Task

UTC_HELP = "Coordinated Universal Time (UTC)."


class UtcDateTimeInput(forms.DateTimeInput):
    """A browser date-time picker; the value is read and shown as UTC (TIME_ZONE is UTC)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def utc_field(label: str, *, required: bool = True) -> forms.DateTimeField:
    """A date-time form field labelled as UTC."""
    return forms.DateTimeField(label=f"{label} (UTC)", required=required, widget=UtcDateTimeInput)


class CaseConstraintsMixin(forms.ModelForm):  # type: ignore[type-arg]
    """Check the model's constraints, including those over `case`, which is not a form field.

    Django skips a constraint when one of its fields is left out of the form; the case is set
    on the instance before validation, so the per-case unique constraints can be checked here.
    """

    def validate_unique(self) -> None:
        super().validate_unique()
        try:
            self.instance.validate_constraints()
        except ValidationError as exc:
            self.add_error(None, exc)


class CaseForm(forms.ModelForm):  # type: ignore[type-arg]
    """Open a case: what, how bad, and when it was detected."""

    detected_at = utc_field("Detected at")
    aware_at = utc_field("Aware at", required=False)

    class Meta:
        model = Incident
        fields = ["title", "severity", "detected_at", "aware_at", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


class PhaseForm(forms.Form):
    """Move the case to another phase."""

    phase = forms.ChoiceField(choices=Phase.choices)
    note = forms.CharField(required=False, max_length=500, label="Note (optional)")


class SeverityForm(forms.Form):
    """Change the case's severity."""

    severity = forms.ChoiceField(choices=Severity.choices)
    note = forms.CharField(required=False, max_length=500, label="Note (optional)")


class QuickEventForm(forms.Form):
    """A timeline entry: when, what kind, what happened."""

    occurred_at = utc_field("Occurred at")
    kind = forms.ChoiceField(choices=EventKind.choices, initial=EventKind.OBSERVATION)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=10_000)


class EventForm(QuickEventForm):
    """A timeline entry that may point at an asset, indicator or evidence of the same case."""

    asset = forms.ModelChoiceField(queryset=Asset.objects.none(), required=False)
    indicator = forms.ModelChoiceField(queryset=Indicator.objects.none(), required=False)
    evidence = forms.ModelChoiceField(queryset=Evidence.objects.none(), required=False)

    def __init__(self, *args: Any, case: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = case.assets.all()  # type: ignore[attr-defined]
        self.fields["indicator"].queryset = case.indicators.all()  # type: ignore[attr-defined]
        self.fields["evidence"].queryset = case.evidence.all()  # type: ignore[attr-defined]


_IP_SEPARATORS = re.compile(r"[\s,]+")


class AssetForm(CaseConstraintsMixin):
    """A system involved in the case; IP addresses as a list separated by commas or spaces."""

    ip_addresses = forms.CharField(
        required=False,
        label="IP addresses",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Separated by commas, spaces or new lines.",
    )

    class Meta:
        model = Asset
        fields = ["name", "hostname", "ip_addresses", "role", "internet_facing"]

    def clean_ip_addresses(self) -> list[str]:
        addresses = []
        for item in _IP_SEPARATORS.split(self.cleaned_data["ip_addresses"].strip()):
            if not item:
                continue
            try:
                addresses.append(str(ipaddress.ip_address(item)))
            except ValueError:
                raise ValidationError(f"{item!r} is not an IP address") from None
        return addresses


class AssetStateForm(forms.Form):
    """Change an asset's containment state; the reason goes on the record."""

    state = forms.ChoiceField(choices=AssetState.choices)
    reason = forms.CharField(max_length=2000)


class IndicatorForm(CaseConstraintsMixin):
    """An indicator; the model normalises the value for its type (warroom.intel)."""

    first_seen = utc_field("First seen", required=False)
    last_seen = utc_field("Last seen", required=False)
    confidence = forms.IntegerField(min_value=0, max_value=100, initial=50)

    class Meta:
        model = Indicator
        fields = ["type", "value", "first_seen", "last_seen", "confidence", "source", "tlp"]
        labels = {"tlp": "TLP"}


class EvidenceForm(CaseConstraintsMixin):
    """Evidence: an uploaded file, or the location of one kept elsewhere."""

    acquired_at = utc_field("Acquired at")

    class Meta:
        model = Evidence
        fields = [
            "name",
            "description",
            "file",
            "location",
            "acquired_by",
            "acquired_at",
            "acquired_from",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("file") and not cleaned.get("location"):
            raise ValidationError("Upload a file or give the location where it is kept.")
        return cleaned


class TaskForm(forms.ModelForm):  # type: ignore[type-arg]
    """A task, owned by a member of the case."""

    due_at = utc_field("Due at", required=False)

    class Meta:
        model = Task
        fields = ["title", "owner", "due_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.active().filter(case=self.instance.case)
        owners = User.objects.filter(memberships__in=members).order_by("username")
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class TaskStateForm(forms.Form):
    """Move a task along."""

    state = forms.ChoiceField(choices=TaskState.choices)


class ActionForm(forms.ModelForm):  # type: ignore[type-arg]
    """Propose an action, optionally on one of the case's assets."""

    class Meta:
        model = Action
        fields = ["kind", "description", "asset"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = self.instance.case.assets.all()  # type: ignore[attr-defined]


class ActionDecisionForm(forms.Form):
    """Approve, reject or complete an action that is in the state the step expects."""

    note = forms.CharField(required=False, max_length=2000, label="Note (optional)")

    def __init__(self, *args: Any, action: Action, expects: ActionState, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        self.expects = expects

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.action.state != self.expects:
            state = ActionState(self.action.state).label.lower()
            raise ValidationError(f"This action is {state}, not {self.expects.label.lower()}.")
        return cleaned


class ActionOutcomeForm(ActionDecisionForm):
    """Record that an approved action was carried out, and how it went."""

    note = forms.CharField(
        label="Outcome", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberForm(forms.Form):
    """Put a user of this install on the case, or change their role."""

    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.RESPONDER)
    expires_at = utc_field("Access until", required=False)

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError(f"There is no active user named {username!r}.")
        self.cleaned_data["user"] = user
        return username


class MemberRemoveForm(forms.Form):
    """Nothing to fill in: the button confirms."""
