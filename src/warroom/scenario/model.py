"""The scenario's vocabulary: the world it plays in, the entries it writes, the ground truth.

Every generator (`web`, `network`, `windows`) reads a `World` and yields entries in time
order for one evidence file at a time; the writers (`evtx_writer`, `w3c`, CSV in `network`)
turn entries into bytes. An entry that shows an attack step carries the step's id, so that the
orchestrator (`colt`) can record in the ground truth which file and record or line shows it.

Randomness comes only from `World.rng(name, ...)`: one independent generator per name, seeded
from the scenario seed and the name, so that the output is the same for a seed whatever order
the files are written in.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

__all__ = [
    "Host",
    "NetRecord",
    "Step",
    "WebRequest",
    "WinEvent",
    "World",
]


@dataclass(frozen=True, slots=True)
class Host:
    """A machine of the provider's network."""

    name: str  # NetBIOS name, upper case: "SP-FE01"
    ip: str  # its internal address
    role: str  # "sharepoint", "dc", "file", "workstation"
    public_ip: str | None = None  # the address the internet reaches it at (front ends only)
    users: tuple[str, ...] = ()  # accounts that log on to it interactively (workstations)

    def fqdn(self, dns_domain: str) -> str:
        return f"{self.name.lower()}.{dns_domain}"


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the attack as the ground truth lists it."""

    id: str  # "exploit", "webshell", ...: entries name their step by this id
    name: str  # what happened, in a sentence
    time: datetime  # UTC: when the step starts
    host: str  # Host.name where it happens (or the front end that was hit)
    technique: str  # ATT&CK technique id: "T1190"
    indicators: tuple[tuple[str, str], ...] = ()  # (STIX type, value): ("ipv4-addr", "1.2.3.4")


@dataclass
class World:
    """The provider, its machines and people, the attacker, the window and the attack plan."""

    seed: int
    start: datetime  # UTC, midnight of the first day
    days: int
    org: str  # "Northwind Telecom"
    domain: str  # NetBIOS domain: "NWT"
    dns_domain: str  # "corp.nwtelecom.example"
    web_host: str  # public host name of the SharePoint site: "sharepoint.nwtelecom.example"
    hosts: tuple[Host, ...]
    users: tuple[str, ...]  # sAMAccountNames of the staff
    attacker_ips: tuple[str, ...]  # exploitation and later visits, from the published IOCs
    scanner_ips: tuple[str, ...]  # internet-wide scanners of the days before
    c2_domains: tuple[str, ...]
    exfil_host: str  # the cloud storage endpoint the data went to
    exfil_ip: str
    steps: tuple[Step, ...] = ()
    scale: float = 1.0  # multiplies every benign rate; `colt` sets it to hit --size
    sids: dict[str, str] = field(default_factory=dict)  # account -> SID

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)

    def rng(self, *names: object) -> random.Random:
        """A generator of its own for NAMES (e.g. "iis", "SP-FE01"), fixed by the seed."""
        key = "/".join([str(self.seed), *map(str, names)]).encode()
        # A simulation's randomness, not a secret: the point is that a seed repeats it.
        return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))  # noqa: S311

    def host(self, name: str) -> Host:
        return next(h for h in self.hosts if h.name == name)

    def by_role(self, role: str) -> list[Host]:
        return [h for h in self.hosts if h.role == role]

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def sid(self, account: str) -> str:
        """The SID of ACCOUNT (well-known SIDs for SYSTEM and the service accounts)."""
        return self.sids[account]


@dataclass(frozen=True, slots=True)
class WinEvent:
    """One Windows event record, as the EVTX writer stores it and `evtx` reads it back.

    `data` is the EventData as (Name, value) pairs in the order the provider's manifest gives
    them; every value is a string, as Sysmon and (rendered) Security events show them. The
    record number is not here: the writer numbers the records of each file from 1.
    """

    time: datetime  # UTC, microseconds kept
    computer: str  # FQDN, as Windows writes Computer
    channel: str  # "Security", "Microsoft-Windows-Sysmon/Operational", "System"
    provider: str  # "Microsoft-Windows-Security-Auditing"
    provider_guid: str | None  # "{54849625-5478-4994-A5BA-3E3B0328C30D}"; None for classic
    event_id: int
    data: tuple[tuple[str, str], ...]
    version: int = 0
    level: int = 0  # 0 LogAlways (Security), 4 Information
    task: int = 0
    opcode: int = 0
    keywords: str = "0x8020000000000000"  # Audit Success
    process_id: int = 4
    thread_id: int = 0
    user_sid: str | None = None  # System/Security/@UserID (Sysmon: S-1-5-18)
    qualifiers: int | None = None  # EventID/@Qualifiers of classic providers (System 7045)
    event_source_name: str | None = None  # Provider/@EventSourceName (Service Control Manager)
    step: str | None = None  # the attack step it shows, None for benign activity


@dataclass(frozen=True, slots=True)
class WebRequest:
    """One request in an IIS W3C log (IIS 10 default fields)."""

    time: datetime  # UTC; IIS logs whole seconds
    server_ip: str  # s-ip
    method: str
    uri_stem: str
    uri_query: str | None  # None is written as "-"
    port: int
    username: str | None
    client_ip: str
    user_agent: str | None  # as sent; the writer turns spaces into "+"
    referer: str | None
    status: int
    substatus: int
    win32_status: int
    time_taken: int  # milliseconds
    step: str | None = None


@dataclass(frozen=True, slots=True)
class NetRecord:
    """One row of a firewall or proxy CSV log: column name -> value, in the header's order."""

    time: datetime
    values: tuple[tuple[str, str], ...]
    step: str | None = None
