"""Every route under /comms/incidents/<code>/ answers 404 to a user who may not see it.

Routes that only take POST answer 405 to a GET before looking anything up, for a code that
exists or not alike, so they give nothing away either.
"""

import pytest
from django.urls import reverse

from warroom.statuspage import staff_urls
from warroom.statuspage.actions import draft_notice

from .conftest import NOW

ROUTES = [
    (pattern.name, str(pattern.pattern))
    for pattern in staff_urls.urlpatterns
    if "<str:code>" in str(pattern.pattern)
]


@pytest.fixture
def urls(draft, customer, bob):
    """The address of every incident route, for `draft` and a notice of its incident."""
    notice = draft_notice(
        title="T", body="B", customers=[customer], incident=draft.incident, actor=bob, now=NOW
    )
    found = {}
    for name, pattern in ROUTES:
        kwargs = {"code": draft.incident.code}
        if "<str:update_code>" in pattern:
            kwargs["update_code"] = draft.code
        if "<str:notice_code>" in pattern:
            kwargs["notice_code"] = notice.code
        found[name] = reverse(name, kwargs=kwargs)
    return found


@pytest.mark.parametrize("name", [name for name, _ in ROUTES])
def test_an_outsider_gets_404(client, charlie, urls, name):
    client.force_login(charlie)
    assert client.post(urls[name]).status_code == 404
    assert client.get(urls[name]).status_code in (404, 405)


def test_every_incident_route_is_covered():
    assert len(ROUTES) == 11
