"""Forms of the account pages."""

from __future__ import annotations

from django import forms


class TokenForm(forms.Form):
    """Name a new API token after what will use it."""

    name = forms.CharField(
        max_length=100, help_text="What will use it, e.g. 'SIEM export' or 'laptop CLI'."
    )
