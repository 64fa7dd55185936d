"""Forms of the communications pages. Times are entered in UTC.

The forms only parse; what may be said when (a status of the incident's kind, no group taking
a status, a maintenance window that ends after it starts) is checked by `actions.py`, whose
`WorkflowError` the views show on the form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms

from warroom.cases.forms import utc_field
from warroom.catalog.choices import ComponentStatus
from warroom.catalog.models import Component, Customer, Language
from warroom.statuspage.actions import UPDATE_STATUSES, Changes
from warroom.statuspage.choices import IncidentKind, IncidentStatus, MaintenanceStatus
from warroom.statuspage.messages import Stage, default_values, render
from warroom.statuspage.models import PublicIncident

STATUS_LABELS = dict(IncidentStatus.choices + MaintenanceStatus.choices)
NO_CHANGE = ""


class OwnIds:
    """Element ids prefixed per form: several forms share the incident page."""

    id_prefix = "f"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def leaf_components() -> Any:
    """Components that take a status themselves (not groups), in page order."""
    return Component.objects.filter(is_group=False).select_related("group")


class IncidentForm(forms.Form):
    """Open a public incident or schedule a maintenance."""

    name = forms.CharField(max_length=200, help_text="As the public will read it.")
    kind = forms.ChoiceField(choices=IncidentKind.choices, initial=IncidentKind.INCIDENT)
    components = forms.ModelMultipleChoiceField(
        queryset=Component.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The components it is about; updates set their statuses.",
    )
    scheduled_for = utc_field("Maintenance starts", required=False)
    scheduled_until = utc_field("Maintenance ends", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["components"].queryset = leaf_components()  # type: ignore[attr-defined]


class UpdateForm(OwnIds, forms.Form):
    """An update's words, and the status each component will have once it is published.

    One select per component (`component_<pk>`), "No change" by default.
    """

    id_prefix = "update"
    status = forms.ChoiceField()
    body = forms.CharField(
        label="Text", widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000
    )
    language = forms.ChoiceField(choices=Language.choices, initial=Language.EN)
    deliver_notifications = forms.BooleanField(
        required=False, initial=True, label="Notify subscribers when published"
    )
    display_at = utc_field("Shown time (default: when published)", required=False)

    def __init__(
        self,
        *args: Any,
        incident: PublicIncident,
        components: Sequence[Component],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        kind = IncidentKind(incident.kind)
        choices = [(status, STATUS_LABELS[status]) for status in UPDATE_STATUSES[kind]]
        self.fields["status"].choices = choices  # type: ignore[attr-defined]
        self.components = list(components)
        for component in self.components:
            self.fields[component_field(component)] = forms.ChoiceField(
                label=_component_label(component),
                choices=[(NO_CHANGE, "No change"), *ComponentStatus.choices],
                required=False,
            )

    def changes(self) -> Changes:
        """The new status of each component given one (after `is_valid`)."""
        return {
            component: ComponentStatus(self.cleaned_data[component_field(component)])
            for component in self.components
            if self.cleaned_data.get(component_field(component))
        }

    def component_fields(self) -> list[forms.BoundField]:
        return [self[component_field(component)] for component in self.components]

    def text_fields(self) -> list[forms.BoundField]:
        names = ["status", "body", "language", "deliver_notifications", "display_at"]
        return [self[name] for name in names]


def component_field(component: Component) -> str:
    return f"component_{component.pk}"


def _component_label(component: Component) -> str:
    return f"{component.group.name} / {component.name}" if component.group else component.name


class TemplateChoiceForm(OwnIds, forms.Form):
    """Which message template to start a text from (a GET form, so it works without JS)."""

    id_prefix = "template"
    stage = forms.ChoiceField()
    lang = forms.ChoiceField(label="Language", choices=Language.choices)

    def __init__(self, *args: Any, incident: PublicIncident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [  # type: ignore[attr-defined]
            (stage, Stage(stage).label) for stage in stages_for(incident)
        ]


def stages_for(incident: PublicIncident) -> list[str]:
    """The templates that fit INCIDENT: its kind's updates, a notice, and a postmortem."""
    kind = IncidentKind(incident.kind)
    postmortem = [Stage.POSTMORTEM.value] if kind == IncidentKind.INCIDENT else []
    return [*UPDATE_STATUSES[kind], *postmortem, Stage.NOTICE.value]


@dataclass
class TemplateChoice:
    """The template picker, and the initial values it gives the update, notice and postmortem
    forms (empty when no template was chosen)."""

    form: TemplateChoiceForm
    update: dict[str, str] = field(default_factory=dict)
    notice: dict[str, str] = field(default_factory=dict)
    postmortem: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls, incident: PublicIncident) -> TemplateChoice:
        """No template chosen yet: the picker offers the stage that would come next."""
        initial = {"stage": next_stage(incident), "lang": Language.EN}
        return cls(TemplateChoiceForm(incident=incident, initial=initial))


def next_stage(incident: PublicIncident) -> str:
    """The stage an update of INCIDENT most likely takes next (the first one if unpublished)."""
    order = UPDATE_STATUSES[IncidentKind(incident.kind)]
    if not incident.is_published or incident.status not in order:
        return order[0]
    return order[min(order.index(incident.status) + 1, len(order) - 1)]


def chosen_template(
    query: Mapping[str, str], incident: PublicIncident, now: datetime
) -> TemplateChoice | str:
    """The template QUERY (`stage`, `lang`) asks for, filled in for INCIDENT at NOW.

    A string instead says what is wrong with the query.
    """
    if "stage" not in query:
        return TemplateChoice.blank(incident)
    form = TemplateChoiceForm(query, incident=incident)
    if not form.is_valid():
        wrong = [f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()]
        return "Choose a template that fits: " + "; ".join(wrong)
    stage, lang = form.cleaned_data["stage"], form.cleaned_data["lang"]
    names = [component.name for component in incident.components.all()]
    text = render(stage, lang, **default_values(names, lang, now=now))
    if stage == Stage.NOTICE:
        return TemplateChoice(form, notice={"title": text.title, "body": text.body})
    if stage == Stage.POSTMORTEM:
        return TemplateChoice(form, postmortem={"body": text.body})
    return TemplateChoice(form, update={"status": stage, "body": text.body, "language": lang})


class NoticeForm(OwnIds, forms.Form):
    """A private notice for named customers, shown on their own pages."""

    id_prefix = "notice"
    customers = forms.ModelMultipleChoiceField(
        queryset=Customer.objects.order_by("name"), widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Text", widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000
    )
    expires_at = utc_field("Expires at", required=False)


class PostmortemForm(OwnIds, forms.Form):
    """The postmortem of a resolved incident."""

    id_prefix = "postmortem"
    body = forms.CharField(
        label="Postmortem", widget=forms.Textarea(attrs={"rows": 12}), max_length=100_000
    )
