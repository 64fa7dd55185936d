"""JSON API of a case's assets and indicators: /api/cases/{ref}/assets and .../indicators."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from warroom.accounts.access import Need, get_case_for_user
from warroom.accounts.auth import api_user
from warroom.cases import actions
from warroom.cases.models import Asset, Incident, Indicator
from warroom.cases.schemas import (
    AssetIn,
    AssetOut,
    AssetPatch,
    IndicatorIn,
    IndicatorOut,
    IndicatorPatch,
    invalid,
    invalid_model,
)

router = Router(tags=["assets and indicators"])


@router.get("/{ref}/assets", response=list[AssetOut])
def list_assets(request: HttpRequest, ref: str) -> list[Asset]:
    case, _role = get_case_for_user(api_user(request), ref, Need.READ)
    return list(case.assets.all())


@router.post("/{ref}/assets", response={201: AssetOut})
def add_asset(request: HttpRequest, ref: str, payload: AssetIn) -> Asset:
    """Add a system to the case; noted on the timeline with its state."""
    user = api_user(request)
    case, _role = get_case_for_user(user, ref, Need.WRITE)
    fields = payload.dict()
    fields["ip_addresses"] = [str(ip) for ip in payload.ip_addresses]
    _check_asset_name(case, payload.name)
    return actions.add_asset(Asset(case=case, **fields), user, now=timezone.now())


@router.patch("/{ref}/assets/{asset_id}", response=AssetOut)
def update_asset(request: HttpRequest, ref: str, asset_id: int, payload: AssetPatch) -> Asset:
    """Edit an asset; a change of state needs a reason and goes on the timeline."""
    user = api_user(request)
    case, _role = get_case_for_user(user, ref, Need.WRITE)
    asset = get_object_or_404(case.assets, pk=asset_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    reason = changes.pop("reason", "").strip()
    state = changes.pop("state", None)
    if state is not None and state != asset.state and not reason:
        invalid("reason", "say why the state changes: the reason is kept on the timeline")
    if "name" in changes:
        _check_asset_name(case, changes["name"], asset)
    if "ip_addresses" in changes:
        changes["ip_addresses"] = [str(ip) for ip in changes["ip_addresses"]]
    with transaction.atomic():
        _save_changes(asset, changes)
        if state is not None:
            actions.change_asset_state(asset, state, user, reason=reason, now=timezone.now())
    return asset


@router.get("/{ref}/indicators", response=list[IndicatorOut])
def list_indicators(request: HttpRequest, ref: str) -> list[Indicator]:
    case, _role = get_case_for_user(api_user(request), ref, Need.READ)
    return list(case.indicators.select_related("added_by"))


@router.post("/{ref}/indicators", response={201: IndicatorOut})
def add_indicator(request: HttpRequest, ref: str, payload: IndicatorIn) -> Indicator:
    """Add an indicator; its value is normalised, and a duplicate is a 409."""
    user = api_user(request)
    case, _role = get_case_for_user(user, ref, Need.WRITE)
    indicator = _checked_indicator(Indicator(case=case, **payload.dict()))
    try:
        return actions.add_indicator(indicator, user, now=timezone.now())
    except IntegrityError:
        raise _duplicate(indicator) from None


@router.patch("/{ref}/indicators/{indicator_id}", response=IndicatorOut)
def update_indicator(
    request: HttpRequest, ref: str, indicator_id: int, payload: IndicatorPatch
) -> Indicator:
    user = api_user(request)
    case, _role = get_case_for_user(user, ref, Need.WRITE)
    indicator = get_object_or_404(case.indicators.select_related("added_by"), pk=indicator_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    for field, value in changes.items():
        setattr(indicator, field, value)
    _checked_indicator(indicator)
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError:
        raise _duplicate(indicator) from None
    return indicator


def _check_asset_name(case: Incident, name: str, asset: Asset | None = None) -> None:
    others = case.assets.exclude(pk=asset.pk) if asset else case.assets.all()
    if others.filter(name=name).exists():
        raise HttpError(409, f"An asset named {name!r} is already on this case")


def _save_changes(obj: Asset | Indicator, changes: dict[str, object]) -> None:
    for field, value in changes.items():
        setattr(obj, field, value)
    if changes:
        obj.save(update_fields=list(changes))


def _checked_indicator(indicator: Indicator) -> Indicator:
    """INDICATOR validated and normalised; a 422 naming the field, or a 409 if a duplicate."""
    try:
        indicator.clean()
    except ValidationError as exc:
        invalid_model(exc)
    others = Indicator.objects.filter(
        case=indicator.case_id, type=indicator.type, value=indicator.value
    ).exclude(pk=indicator.pk)
    if others.exists():
        raise _duplicate(indicator)
    return indicator


def _duplicate(indicator: Indicator) -> HttpError:
    return HttpError(409, f"{indicator.type} {indicator.value} is already on this case")
