"""The communication side of `warroom demo`: the catalog, a public incident, an export.

It loads the example catalog (whose hosts are the scenario's: SP-FE01, DC01, FS01, ...), so
the case page shows which services and customers the intrusion reaches. It then tells
customers as a provider would: a public incident linked to the case, two updates drafted by
the commander from the message templates, approved and published by a communications
member, and the whole public page exported as static files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User

from warroom.accounts.models import Role
from warroom.cases.actions import add_member
from warroom.cases.models import Incident
from warroom.catalog.choices import ComponentStatus
from warroom.catalog.loader import LoadResult, load_catalog
from warroom.catalog.models import Component, Language
from warroom.statuspage.actions import (
    approve_update,
    draft_update,
    open_public_incident,
    publish_update,
)
from warroom.statuspage.choices import IncidentKind
from warroom.statuspage.export import ExportResult, export_site
from warroom.statuspage.messages import Stage, default_values, render_message

if TYPE_CHECKING:
    from warroom.statuspage.models import PublicIncident

__all__ = ["CATALOG", "COMMUNICATIONS_USER", "CommsDemo", "seed"]

CATALOG = Path(__file__).resolve().parent.parent / "catalog" / "examples" / "provider.yaml"
COMMUNICATIONS_USER = "comms"
# What the provider took offline, and how badly, as in DESIGN.md's case.
DOWN = {
    "Customer portal": ComponentStatus.MAJOR_OUTAGE,
    "Voice API": ComponentStatus.MAJOR_OUTAGE,
    "Number porting": ComponentStatus.PARTIAL_OUTAGE,
}
# Used in the demo's messages where no support contacts are configured.
DEMO_SUPPORT = {"support_phone": "+44 20 7946 0000", "support_email": "support@nwtelecom.example"}


@dataclass(frozen=True)
class CommsDemo:
    catalog: LoadResult
    incident: PublicIncident
    export: ExportResult


def seed(case: Incident, commander: User, *, now: datetime, export_to: Path) -> CommsDemo:
    """Catalog, public incident with two published updates, and an export to EXPORT_TO."""
    catalog = load_catalog(CATALOG)
    comms = _communications_member(case, commander, now)
    components = {c.name: c for c in Component.objects.filter(name__in=DOWN)}
    started = now - timedelta(hours=2)
    incident = open_public_incident(
        "Customer portal, Voice API and number porting unavailable",
        kind=IncidentKind.INCIDENT,
        case=case,
        actor=commander,
        now=started,
        components=components.values(),
    )
    changes = {components[name]: status for name, status in DOWN.items()}
    for stage, at in ((Stage.INVESTIGATING, started), (Stage.IDENTIFIED, now - timedelta(hours=1))):
        values = {**DEMO_SUPPORT, **default_values(list(DOWN), Language.EN, now=at)}
        update = draft_update(
            incident,
            commander,
            status=stage.value,
            body=render_message(stage, Language.EN, **values),
            changes=changes if stage == Stage.INVESTIGATING else {},
            language=Language.EN,
            now=at,
        )
        approve_update(update, comms, now=at + timedelta(minutes=5))
        publish_update(update, comms, now=at + timedelta(minutes=6))
    return CommsDemo(catalog, incident, export_site(export_to, now))


def _communications_member(case: Incident, commander: User, now: datetime) -> User:
    """The person who approves text about the case: a user `comms` with that role on it.

    The account has no usable password; an administrator sets one to sign in as it.
    """
    comms, created = User.objects.get_or_create(
        username=COMMUNICATIONS_USER, defaults={"first_name": "Communications"}
    )
    if created:
        comms.set_unusable_password()
        comms.save(update_fields=["password"])
    add_member(case, comms, Role.COMMUNICATIONS, commander, now=now)
    return comms


def export_directory() -> Path:
    return Path(settings.DATA_DIR) / "demo" / "status-export"
