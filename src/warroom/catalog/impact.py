"""Impact: which components and customers an impairment hits, and why.

The walk itself is `graph.walk`, over ids; this module finds the roots in the database, loads
the graph in a constant number of queries, and turns the walk into `Impact`.

Roots, and the status each implies downstream (the worst case):

* an asset of the case that is isolated or offline takes down every component that runs on
  it (a `ComponentHost` matching its name, host name or an IP address): **major outage**;
* a suspected asset is still running, so its components are only **at risk**: they appear in
  the impact with the implied status operational and `at_risk` true, and any real impairment
  reaching them outranks it;
* a component whose status is not operational passes its own status to everything that
  depends on it (a dependency under maintenance implies its dependents may be too).

How a host matches an asset is in `hosts.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from warroom.cases.choices import AssetState
from warroom.catalog.choices import ComponentStatus
from warroom.catalog.graph import Reach, Root, reverse_edges, walk
from warroom.catalog.hosts import HostNames, matching_hosts
from warroom.catalog.models import Component, ComponentDependency, Customer

if TYPE_CHECKING:
    from warroom.cases.models import Incident

__all__ = ["AffectedComponent", "AffectedCustomer", "Impact", "case_impact", "component_impact"]

STATUSES = list(ComponentStatus)
AT_RISK = ComponentStatus.OPERATIONAL.rank
ASSET_RANKS = {
    AssetState.ISOLATED: ComponentStatus.MAJOR_OUTAGE.rank,
    AssetState.OFFLINE: ComponentStatus.MAJOR_OUTAGE.rank,
    AssetState.SUSPECTED: AT_RISK,
}
# SQLite binds at most 32,766 parameters to a statement; past this many affected components the
# customers' links are read whole and filtered here rather than with an IN list.
IN_LIST_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Cause:
    """Why a root is impaired: a host of an asset (a further step of the explanation) or the
    component's own state (said in brackets after it)."""

    text: str
    is_host: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class AffectedComponent:
    """A component some impairment reaches, with what it implies and the path that explains it."""

    component_id: int
    code: str
    name: str
    is_group: bool
    public: bool
    observed: ComponentStatus  # its status now, as recorded
    implied: ComponentStatus  # the worst its causes imply; operational when only at risk
    distance: int  # hops from the root; 0 for the root itself
    via: AffectedComponent | None  # the next component towards the cause
    cause: Cause

    @property
    def worst(self) -> ComponentStatus:
        """The worse of observed and implied: what a customer may be seeing."""
        return ComponentStatus.worst([self.observed, self.implied])

    @property
    def at_risk(self) -> bool:
        """Reached only by a suspected host: not impaired, but it may be next."""
        return self.worst == ComponentStatus.OPERATIONAL

    @property
    def path(self) -> tuple[AffectedComponent, ...]:
        """This component, then each one on the way to the cause."""
        steps: list[AffectedComponent] = []
        step: AffectedComponent | None = self
        while step is not None:
            steps.append(step)
            step = step.via
        return tuple(steps)

    @property
    def explanation(self) -> str:
        """E.g. "Customer portal ← Identity service ← host DC01 (isolated on INC-2025-0001)"."""
        names = " ← ".join(step.name for step in self.path)
        if self.cause.is_host:
            return f"{names} ← {self.cause.text}"
        return f"{names} ({self.cause.text})"

    def get_absolute_url(self) -> str:
        return Component(code=self.code).get_absolute_url()


@dataclass(frozen=True, slots=True)
class AffectedCustomer:
    """A customer using at least one affected component; a reseller's own customers are hit too."""

    customer_id: int
    name: str
    is_reseller: bool
    components: tuple[AffectedComponent, ...]

    @property
    def worst(self) -> ComponentStatus:
        """The worst any of its affected components may be."""
        return ComponentStatus.worst(component.worst for component in self.components)

    @property
    def at_risk(self) -> bool:
        """Only at risk: every component it uses that is affected is merely at risk."""
        return self.worst == ComponentStatus.OPERATIONAL

    def get_absolute_url(self) -> str:
        return Customer(pk=self.customer_id).get_absolute_url()


@dataclass(frozen=True)
class Impact:
    """What an impairment hits: components (worst first) and the customers using them.

    `current` is set by `component_impact` only: how the component itself is impaired now.
    """

    components: tuple[AffectedComponent, ...] = ()
    customers: tuple[AffectedCustomer, ...] = ()
    current: AffectedComponent | None = None
    _by_id: dict[int, AffectedComponent] = field(default_factory=dict, repr=False, compare=False)

    @property
    def component_count(self) -> int:
        return len(self.components)

    @property
    def customer_count(self) -> int:
        return len(self.customers)

    @property
    def reseller_count(self) -> int:
        return sum(1 for customer in self.customers if customer.is_reseller)

    def get(self, component_id: int) -> AffectedComponent | None:
        """The entry of COMPONENT_ID, or None when it is not affected."""
        return self._by_id.get(component_id)


class _Node(NamedTuple):
    id: int
    code: str
    name: str
    is_group: bool
    group_id: int | None
    public: bool
    status: str


@dataclass(frozen=True)
class _Graph:
    """The whole catalog as ids: two queries, whatever its size."""

    nodes: dict[int, _Node]
    dependents: dict[int, list[int]]

    @classmethod
    def load(cls, nodes: dict[int, _Node] | None = None) -> _Graph:
        nodes = _load_nodes() if nodes is None else nodes
        edges = ComponentDependency.objects.values_list("component_id", "depends_on_id")
        groups = [(n.id, n.group_id) for n in nodes.values() if n.group_id is not None]
        return cls(nodes, reverse_edges(edges, groups))

    def impact(self, roots: Sequence[Root], causes: Sequence[Cause]) -> Impact:
        """Walk from ROOTS and describe what they reach, with the customers using it."""
        affected = self.affected(roots, causes)
        return _impact(affected, _customers(affected))

    def affected(
        self, roots: Sequence[Root], causes: Sequence[Cause]
    ) -> dict[int, AffectedComponent]:
        """The walk's result as components, in the order found (each after its `via`)."""
        reached = walk(self.dependents, roots)
        affected: dict[int, AffectedComponent] = {}
        for node_id, reach in reached.items():
            affected[node_id] = self._affected(node_id, reach, affected, causes)
        return affected

    def _affected(
        self,
        node_id: int,
        reach: Reach,
        done: dict[int, AffectedComponent],
        causes: Sequence[Cause],
    ) -> AffectedComponent:
        node = self.nodes[node_id]
        return AffectedComponent(
            component_id=node.id,
            code=node.code,
            name=node.name,
            is_group=node.is_group,
            public=node.public,
            observed=ComponentStatus(node.status),
            implied=STATUSES[reach.rank],
            distance=reach.distance,
            via=None if reach.via is None else done[reach.via],
            cause=causes[reach.cause],
        )

    def status_roots(self, causes: list[Cause]) -> list[Root]:
        """A root for each component that is not operational; appends their causes."""
        roots = []
        for node in self.nodes.values():
            status = ComponentStatus(node.status)
            if status.is_impaired:
                roots.append(Root(node.id, status.rank, len(causes)))
                causes.append(Cause(status.label.lower()))
        return roots


def _load_nodes() -> dict[int, _Node]:
    rows = Component.objects.order_by("position", "name", "id").values_list(*_Node._fields)
    return {row[0]: _Node(*row) for row in rows}


def _impact(
    affected: dict[int, AffectedComponent], customers: tuple[AffectedCustomer, ...]
) -> Impact:
    ordered = sorted(affected.values(), key=_worst_first)
    return Impact(tuple(ordered), customers, _by_id=affected)


def _worst_first(component: AffectedComponent) -> tuple[int, str]:
    return -component.worst.rank, component.name.casefold()


def _customers(affected: dict[int, AffectedComponent]) -> tuple[AffectedCustomer, ...]:
    """Customers using any affected component: one query, worst hit and resellers first."""
    if not affected:
        return ()
    links = Customer.components.through.objects.values_list(
        "component_id", "customer_id", "customer__name", "customer__is_reseller"
    )
    if len(affected) <= IN_LIST_LIMIT:
        links = links.filter(component_id__in=list(affected))
    found: dict[int, tuple[str, bool, list[AffectedComponent]]] = {}
    for component_id, customer_id, name, is_reseller in links:
        if component_id in affected:
            found.setdefault(customer_id, (name, is_reseller, []))[2].append(affected[component_id])
    customers = [
        AffectedCustomer(pk, name, reseller, tuple(sorted(components, key=_worst_first)))
        for pk, (name, reseller, components) in found.items()
    ]
    customers.sort(key=lambda c: (-c.worst.rank, not c.is_reseller, c.name.casefold()))
    return tuple(customers)


def case_impact(case: Incident) -> Impact:
    """What CASE's isolated, offline and suspected assets and every impaired component hit.

    At most five queries: the catalog, the case's assets, the hosts they match, the
    dependencies and the customers; fewer when there is nothing to walk.
    """
    nodes = _load_nodes()
    causes: list[Cause] = []
    roots = _asset_roots(case, causes) if nodes else []
    if not roots and not _any_impaired(nodes):
        return Impact()
    graph = _Graph.load(nodes)
    return graph.impact(roots + graph.status_roots(causes), causes)


def _any_impaired(nodes: dict[int, _Node]) -> bool:
    return any(node.status != ComponentStatus.OPERATIONAL for node in nodes.values())


def component_impact(component: Component) -> Impact:
    """What COMPONENT failing would hit, and how it is impaired now (`Impact.current`).

    The hypothetical walk starts from COMPONENT alone, as a major outage; `current` walks
    from the components that are not operational now. Three queries.
    """
    graph = _Graph.load()
    failing = graph.affected(
        [Root(component.pk, ComponentStatus.MAJOR_OUTAGE.rank, 0)], [Cause("if it fails")]
    )
    causes: list[Cause] = []
    current = graph.affected(graph.status_roots(causes), causes).get(component.pk)
    impact = _impact(failing, _customers(failing))
    return Impact(impact.components, impact.customers, current, _by_id=failing)


def _asset_roots(case: Incident, causes: list[Cause]) -> list[Root]:
    """A root per component running on one of CASE's impaired assets; appends their causes."""
    assets = [
        (name, HostNames.of(name, hostname, addresses), AssetState(state))
        for name, hostname, addresses, state in case.assets.filter(
            state__in=list(ASSET_RANKS)
        ).values_list("name", "hostname", "ip_addresses", "state")
    ]
    if not assets:
        return []
    hosts = matching_hosts([names for _name, names, _state in assets])
    roots = []
    for name, names, state in assets:
        cause = Cause(f"host {name} ({state.label.lower()} on {case.reference})", is_host=True)
        for component_id in sorted({pk for host, pk in hosts if names.match(host)}):
            roots.append(Root(component_id, ASSET_RANKS[state], len(causes)))
            causes.append(cause)
    return roots
