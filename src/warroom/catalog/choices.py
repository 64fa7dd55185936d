"""The catalog's vocabulary: Statuspage's component statuses, exactly (DESIGN.md)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class ComponentStatus(models.TextChoices):
    """A component's status, in Statuspage's words and order from best to worst.

    `under_maintenance` ranks between degraded and outage: planned work is not an outage, but
    it is worse for a customer than slowness.
    """

    OPERATIONAL = "operational", "Operational"
    DEGRADED_PERFORMANCE = "degraded_performance", "Degraded performance"
    UNDER_MAINTENANCE = "under_maintenance", "Under maintenance"
    PARTIAL_OUTAGE = "partial_outage", "Partial outage"
    MAJOR_OUTAGE = "major_outage", "Major outage"

    @property
    def rank(self) -> int:
        """0 for operational, higher is worse; a group shows its worst child."""
        return list(ComponentStatus).index(self)

    @property
    def is_impaired(self) -> bool:
        return self != ComponentStatus.OPERATIONAL

    @classmethod
    def worst(cls, statuses: Iterable[str]) -> ComponentStatus:
        """The worst of STATUSES; operational when there are none (an empty group)."""
        return max((cls(status) for status in statuses), key=_rank, default=cls.OPERATIONAL)


def _rank(status: ComponentStatus) -> int:
    return status.rank


class ChangeSource(models.TextChoices):
    """Where a component status change came from (the uptime history keeps it)."""

    UPDATE = "update", "Published status update"
    PERSON = "person", "Set by a person"
    IMPORT = "import", "Imported"
