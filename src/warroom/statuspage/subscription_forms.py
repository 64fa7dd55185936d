"""The public subscribe form: an address, an optional webhook, components, a language.

The field names are a contract with the exported page's own subscribe block
(`public/_subscribe.html`), which posts `email` and `components` here: `components` are
component codes, and none ticked means every component.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django import forms

from warroom.catalog.models import Component, Language
from warroom.notify.addresses import refusal

__all__ = ["ComponentChoice", "SubscribeForm", "component_groups"]


@dataclass(frozen=True)
class ComponentChoice:
    """A group of checkboxes on the form: its heading (empty for ungrouped components)."""

    heading: str
    components: list[tuple[str, str]]  # code, name


def _choosable() -> list[Component]:
    """Public components that carry a status, in page order, with their groups."""
    rows = Component.objects.public().filter(is_group=False).select_related("group")
    return list(rows.order_by("group__position", "group__name", "position", "name"))


def component_groups() -> list[ComponentChoice]:
    """The form's checkboxes, grouped as on the page; ungrouped components come first."""
    loose: list[tuple[str, str]] = []
    grouped: dict[str, list[tuple[str, str]]] = {}
    for row in _choosable():
        group = row.group if row.group is not None and row.group.public else None
        target = grouped.setdefault(group.name, []) if group else loose
        target.append((row.code, row.name))
    groups = [ComponentChoice("", loose)] if loose else []
    return groups + [ComponentChoice(name, rows) for name, rows in grouped.items()]


class SubscribeForm(forms.Form):
    """Subscribe by e-mail, or by webhook with an e-mail address to confirm and to reach."""

    email = forms.EmailField(label="E-mail address", max_length=254)
    endpoint = forms.URLField(
        label="Webhook URL (optional)",
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text="Leave empty to get e-mail. With a URL, updates are POSTed there as JSON; "
        "the address above only gets the confirmation.",
    )
    components = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    language = forms.ChoiceField(
        label="Language of the messages", choices=Language.choices, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = {row.code: row for row in _choosable()}
        components = self.fields["components"]
        assert isinstance(components, forms.MultipleChoiceField)
        components.choices = [(code, row.name) for code, row in self.rows.items()]

    def clean_email(self) -> str:
        # The domain is case-insensitive; the local part belongs to the receiving server.
        local, _, domain = self.cleaned_data["email"].strip().rpartition("@")
        return f"{local}@{domain.lower()}"

    def clean_endpoint(self) -> str:
        url: str = self.cleaned_data["endpoint"]
        if url and urlsplit(url).scheme not in ("http", "https"):
            raise forms.ValidationError("A webhook URL starts with https:// (or http://).")
        refused = refusal(url) if url else None
        if refused:
            raise forms.ValidationError(f"This URL cannot be used: {refused}.")
        return url

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or Language.EN

    def chosen_components(self) -> list[Component]:
        """The components ticked, as rows; empty means all."""
        return [self.rows[code] for code in self.cleaned_data["components"]]
