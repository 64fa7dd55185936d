"""The draft form: one text box per field the regulator asks for, in the regulator's order.

A saved draft may hold a field the step no longer asks for (the regime's data file changed
after it was written); it is kept, after the others, so that no saved text disappears.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from warroom.clocks.drafts import HINTS
from warroom.clocks.regimes import ContentField

PREFIX = "text_"
MAX_CHARS = 20_000
EARLIER = "Kept from an earlier form of this step, which no longer asks for it."


def with_kept(fields: Sequence[ContentField], saved: Mapping[str, str]) -> tuple[ContentField, ...]:
    """FIELDS, then a field for each text in SAVED that none of them holds."""
    known = {field.id for field in fields}
    # Sorted: PostgreSQL's jsonb does not keep the order the keys were saved in.
    kept = [
        ContentField(id=key, label=key, help=EARLIER) for key in sorted(saved) if key not in known
    ]
    return (*fields, *kept)


class DraftForm(forms.Form):
    """The texts of a draft and the version they were edited from (0: none saved yet)."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, fields: Sequence[ContentField], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.content = tuple(fields)
        for field in self.content:
            attrs = {"rows": 5}
            if field.id in HINTS:
                attrs["placeholder"] = HINTS[field.id]  # type: ignore[assignment]
            self.fields[PREFIX + field.id] = forms.CharField(
                label=field.label,
                help_text=field.help,
                required=False,
                max_length=MAX_CHARS,
                widget=forms.Textarea(attrs=attrs),
            )

    @staticmethod
    def initial_for(texts: Mapping[str, str], version: int) -> dict[str, Any]:
        """Initial data of the form from TEXTS (field id -> text) saved as VERSION."""
        return {"version": version, **{PREFIX + key: text for key, text in texts.items()}}

    def texts(self) -> dict[str, str]:
        """Field id -> text, in the form's order, with the browser's CRLF made LF."""
        return {
            field.id: self.cleaned_data[PREFIX + field.id].replace("\r\n", "\n")
            for field in self.content
        }

    def bound_fields(self) -> list[tuple[ContentField, forms.BoundField]]:
        """Each content field with its bound form field, for the template."""
        return [(field, self[PREFIX + field.id]) for field in self.content]
