from datetime import UTC, datetime

import pytest

from warroom.accounts.models import Membership, Role
from warroom.cases.actions import add_asset, add_indicator
from warroom.cases.choices import AssetState, EventKind, EventSource
from warroom.cases.hunt_import import (
    HuntImportError,
    fingerprint,
    import_findings,
    ioc_of,
    resolve,
)
from warroom.cases.models import Asset, Indicator, TimelineEvent
from warroom.hunt.finding import Finding, Level
from warroom.hunt.source import Origin

NOW = datetime(2025, 8, 12, 15, 0, tzinfo=UTC)
T1 = datetime(2025, 7, 19, 6, 1, 2, tzinfo=UTC)
T2 = datetime(2025, 7, 19, 6, 5, 0, tzinfo=UTC)


def sigma(host="SP-FE-01", position=5, time=T1, level=Level.CRITICAL):
    return Finding(
        matcher="sigma",
        rule_id="2d5b3a4e-0000-4000-8000-000000000001",
        title="SharePoint ToolShell exploitation",
        level=level,
        origin=Origin("iis/u_ex250719.log", position, "line"),
        time=time,
        host=host,
        tags=("attack.t1190",),
        author="Jane Doe",
    )


def ioc(value="203.0.113.7", time=T1, position=5):
    return Finding(
        matcher="ioc",
        rule_id=f"ioc:ipv4-addr:{value}",
        title=f"Indicator {value}",
        level=Level.HIGH,
        origin=Origin("iis/u_ex250719.log", position, "line"),
        time=time,
        host="SP-FE-01",
        detail=f"{value} in c-ip",
    )


def hunt_events(case):
    return TimelineEvent.objects.filter(case=case, source=EventSource.HUNT)


def test_it_puts_each_finding_on_the_timeline(case, bob):
    summary = import_findings(case, bob, [sigma(), sigma(position=9, time=T2)], now=NOW)
    events = list(hunt_events(case).order_by("occurred_at"))
    assert summary.findings == 2
    assert [e.occurred_at for e in events] == [T1, T2]
    assert {(e.kind, e.actor, e.recorded_at) for e in events} == {(EventKind.FINDING, bob, NOW)}
    assert events[0].text == (
        "SharePoint ToolShell exploitation on SP-FE-01 (critical), in "
        "iis/u_ex250719.log:line 5. sigma rule 2d5b3a4e-0000-4000-8000-000000000001 by Jane Doe."
    )


def test_it_is_idempotent(case, bob):
    findings = [sigma(), ioc(), sigma(host="SP-FE-02", position=7)]
    import_findings(case, bob, findings, now=NOW)
    counts = (case.events.count(), case.assets.count(), case.indicators.count())
    again = import_findings(case, bob, findings, now=NOW)
    assert (again.findings, again.already_there) == (0, 3)
    assert (again.assets_added, again.indicators_added, again.indicators_seen) == (0, 0, 0)
    assert (case.events.count(), case.assets.count(), case.indicators.count()) == counts


def test_the_same_finding_twice_in_one_import_is_one_event(case, bob):
    assert import_findings(case, bob, [sigma(), sigma()], now=NOW).findings == 1


def test_it_adds_a_missing_host_as_a_suspected_asset(case, bob):
    summary = import_findings(case, bob, [sigma(host="SP-FE-02.corp.example")], now=NOW)
    asset = case.assets.get()
    assert (asset.name, asset.hostname, asset.state) == (
        "SP-FE-02.corp.example",
        "SP-FE-02.corp.example",
        AssetState.SUSPECTED,
    )
    assert summary.assets_added == 1
    assert hunt_events(case).get().asset == asset


def test_it_marks_a_known_online_asset_suspected(case, bob, asset):
    summary = import_findings(case, bob, [sigma(host="sp-fe-01.corp.example")], now=NOW)
    asset.refresh_from_db()
    assert asset.state == AssetState.SUSPECTED
    assert summary.assets_suspected == 1
    change = asset.state_changes.get()
    assert "1 findings, the most severe SharePoint ToolShell exploitation" in change.reason
    assert hunt_events(case).get().asset == asset


def test_it_leaves_an_offline_asset_offline(case, bob):
    server = add_asset(Asset(case=case, name="SP-FE-01", state=AssetState.OFFLINE), bob, now=NOW)
    import_findings(case, bob, [sigma()], now=NOW)
    server.refresh_from_db()
    assert server.state == AssetState.OFFLINE
    assert not server.state_changes.exists()


def test_it_adds_indicators_seen(case, bob):
    summary = import_findings(case, bob, [ioc(), ioc(time=T2, position=6)], now=NOW)
    indicator = case.indicators.get()
    assert (indicator.type, indicator.value) == ("ipv4-addr", "203.0.113.7")
    assert (indicator.first_seen, indicator.last_seen) == (T1, T2)
    assert indicator.source == "warroom hunt"
    assert summary.indicators_added == 1
    assert {e.indicator for e in hunt_events(case)} == {indicator}


def test_it_updates_when_a_known_indicator_was_seen(case, bob):
    known = Indicator(case=case, type="ipv4-addr", value="203.0.113.7", last_seen=T1)
    add_indicator(known, bob, now=NOW)
    summary = import_findings(case, bob, [ioc(time=T2)], now=NOW)
    known.refresh_from_db()
    assert (known.first_seen, known.last_seen) == (T2, T2)
    assert summary.indicators_seen == 1


def test_it_reads_indicator_types_with_colons():
    finding = ioc()
    hashed = Finding(
        matcher="ioc",
        rule_id="ioc:file:hashes.SHA-256:" + "a" * 64,
        title="hash",
        level=Level.HIGH,
        origin=Origin("x", 1),
    )
    assert ioc_of(finding) == ("ipv4-addr", "203.0.113.7")
    assert ioc_of(hashed) == ("file:hashes.SHA-256", "a" * 64)
    assert ioc_of(sigma()) is None


def test_a_finding_without_a_time_occurs_at_import(case, bob):
    import_findings(case, bob, [sigma(time=None)], now=NOW)
    assert hunt_events(case).get().occurred_at == NOW


def test_fingerprints_are_stable_and_distinct():
    assert fingerprint(sigma()) == fingerprint(sigma(level=Level.LOW, time=T2))
    assert fingerprint(sigma()) != fingerprint(sigma(position=6))
    assert len(fingerprint(sigma())) == 64


def test_it_resolves_a_member_with_write_access(case, bob):
    assert resolve(case.reference, "bob") == (case, bob)


def test_it_refuses_an_outsider(case, charlie):
    with pytest.raises(HuntImportError, match="charlie is not a member"):
        resolve(case.reference, "charlie")


def test_it_refuses_a_read_only_member(case, charlie):
    Membership.objects.create(case=case, user=charlie, role=Role.OBSERVER)
    with pytest.raises(HuntImportError, match="charlie may not change INC-2025-0001"):
        resolve(case.reference, "charlie")


def test_it_refuses_an_unknown_user(case):
    with pytest.raises(HuntImportError, match="No active user named 'mallory'"):
        resolve(case.reference, "mallory")


def test_it_refuses_an_unknown_case(bob):
    with pytest.raises(HuntImportError, match="not a member of a case INC-2099-0001"):
        resolve("INC-2099-0001", "bob")
