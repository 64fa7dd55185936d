"""Small helpers for the catalog's tests: the shipped example, components by name, assets."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import User
from django.utils import timezone

from warroom.cases.actions import add_asset, change_asset_state
from warroom.cases.choices import AssetState
from warroom.cases.models import Asset, Incident
from warroom.catalog.models import Component

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "provider.yaml"


def named(name: str) -> Component:
    """The component called NAME."""
    return Component.objects.get(name=name)


def asset_in(case: Incident, user: User, name: str, state: AssetState, **fields: object) -> Asset:
    """A new asset NAME of CASE, moved to STATE through the case's verbs."""
    asset = add_asset(Asset(case=case, name=name, **fields), user, now=timezone.now())
    change_asset_state(asset, state, user, reason="test", now=timezone.now())
    return asset
