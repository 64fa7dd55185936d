"""Forms of the clock pages: one questionnaire answer at a time, a submission, a decision.

A fact's form field follows its kind (`facts.FACT_KINDS`): a UTC date and time, yes / no /
not known, a list of country codes, or ticked entity types. An empty answer means "not known
yet" and withdraws the one recorded. The whole set of facts is checked by the engine's parser
when the answer is recorded (`actions.record_fact`); its error is shown on the form.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from warroom.cases.forms import utc_field
from warroom.clocks.choices import SubmissionMethod
from warroom.clocks.display import entity_label
from warroom.clocks.facts import ENTITY_TYPES, FACT_KINDS, FACT_LABELS

__all__ = ["FactForm", "NotApplicableForm", "ReopenForm", "SubmissionForm"]

_CODE = re.compile(r"^[A-Z]{2}$")
_SEPARATORS = re.compile(r"[\s,;]+")
_BOOL_CHOICES = [("", "Not known yet"), ("yes", "Yes"), ("no", "No")]


def _value_field(name: str) -> forms.Field:
    """The form field that answers fact NAME."""
    label = FACT_LABELS.get(name, name)
    kind = FACT_KINDS.get(name, "text")
    if kind == "datetime":
        field: forms.Field = utc_field(label, required=False)
        field.help_text = "Leave empty if not known yet."
        return field
    if kind == "bool":
        return forms.ChoiceField(label=label, choices=_BOOL_CHOICES, required=False)
    if kind == "countries":
        return forms.CharField(
            label=label,
            required=False,
            max_length=1000,
            help_text="ISO 3166-1 alpha-2 codes separated by commas or spaces, e.g. GB, DE, FR.",
        )
    if kind == "entities":
        return forms.MultipleChoiceField(
            label=label,
            required=False,
            choices=[(e, entity_label(e)) for e in ENTITY_TYPES],
            widget=forms.CheckboxSelectMultiple,
        )
    return forms.CharField(label=label, required=False, max_length=1000)


class FactForm(forms.Form):
    """Answer one question of the applicability questionnaire, with a note on why."""

    fact = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note (why, or on what information)", required=False, max_length=2000
    )

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"fact-{name}-%s")
        super().__init__(*args, **kwargs)
        self.name = name
        self.kind = FACT_KINDS.get(name, "text")
        self.fields["value"] = _value_field(name)
        self.fields["fact"].initial = name
        self.order_fields(["fact", "value", "note"])

    def clean_fact(self) -> str:
        if self.cleaned_data["fact"] != self.name:
            raise ValidationError("This form answers another question.")
        return self.name

    def clean_value(self) -> Any:
        """The answer as the engine's parser takes it; None for "not known yet"."""
        value = self.cleaned_data.get("value")
        if self.kind == "bool":
            return {"yes": True, "no": False}.get(value or "")
        if self.kind == "countries":
            codes = [code.upper() for code in _SEPARATORS.split(value or "") if code]
            wrong = [code for code in codes if not _CODE.match(code)]
            if wrong:
                raise ValidationError(f"Not a two-letter country code: {', '.join(wrong)}")
            return sorted(set(codes)) or None
        if self.kind == "entities":
            return sorted(value or []) or None
        return value or None

    @staticmethod
    def initial_for(kind: str, value: Any) -> Any:
        """The form's initial value for a recorded answer VALUE (the JSON of a Fact row)."""
        if value is None:
            return None
        if kind == "bool":
            return "yes" if value else "no"
        if kind == "countries" and isinstance(value, list):
            return ", ".join(value)
        if kind == "datetime" and isinstance(value, str):
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        return value


class SubmissionForm(forms.Form):
    """The record of a step sent to its recipient: when, how, their reference, the file."""

    submitted_at = utc_field("Submitted at")
    method = forms.ChoiceField(label="How", choices=SubmissionMethod.choices)
    reference = forms.CharField(
        label="The recipient's reference number", required=False, max_length=200
    )
    file = forms.FileField(label="The file sent", required=False)
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NotApplicableForm(forms.Form):
    """A person's decision that a step does not apply, with the reason (required)."""

    reason = forms.CharField(
        label="Why it does not apply",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    """Reopen a submitted or not-applicable step; the form only carries the CSRF token."""
