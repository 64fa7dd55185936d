from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


class StatuspageConfig(AppConfig):
    name = "warroom.statuspage"
    label = "statuspage"

    def ready(self) -> None:
        from warroom.catalog.models import ComponentStatusChange

        # The catalog knows nothing of the status page; a status change made there (an
        # isolated host degrading a public component, say) still changes the public page.
        post_save.connect(
            _component_status_changed,
            sender=ComponentStatusChange,
            dispatch_uid="statuspage.component_status_changed",
        )


def _component_status_changed(
    sender: type[Any], instance: Any, created: bool, **kwargs: Any
) -> None:
    from warroom.catalog.choices import ChangeSource
    from warroom.statuspage import site

    # A published update changes the page once for all its components (actions.py).
    if created and instance.source != ChangeSource.UPDATE and instance.component.public:
        site.page_changed(instance.changed_at)
