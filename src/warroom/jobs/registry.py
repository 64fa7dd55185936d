"""Which function runs each kind of job: an explicit table, no autodiscovery.

A kind is `app.verb`; its handler is named by dotted path so this module imports no app code
(the handler is imported only when a worker first runs a job of that kind). A handler takes the
job's JSON payload and returns nothing; it raises to ask for a retry, or `PermanentError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.utils.module_loading import import_string

from warroom.jobs.errors import UnknownJobKind

Payload = dict[str, Any]
Handler = Callable[[Payload], None]

HANDLERS: dict[str, str] = {
    "cases.hash_evidence": "warroom.cases.tasks.hash_evidence",
    "clocks.remind": "warroom.clocks.reminders.remind",
    "notify.deliver": "warroom.notify.tasks.deliver",
    "statuspage.fan_out": "warroom.statuspage.fanout.fan_out",
    "statuspage.publish": "warroom.statuspage.publish.publish_job",
}


def check_kind(kind: str) -> None:
    """Raise UnknownJobKind unless KIND is registered."""
    if kind not in HANDLERS:
        raise UnknownJobKind(kind)


def handler_for(kind: str) -> Handler:
    """The function that runs jobs of KIND."""
    check_kind(kind)
    return cast(Handler, import_string(HANDLERS[kind]))
