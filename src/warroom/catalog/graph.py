"""The walk behind impact, over plain ints and mappings (no Django, no database).

Nodes are component ids. `dependents[n]` lists the nodes that need node n: the components that
depend on it, and the group that holds it (a group is affected when any child is). Roots are
the impaired nodes, each with a rank (how bad; higher is worse) and the index of its cause in
the caller's own list of causes.

`walk` answers, for every node some root reaches: the worst rank that reaches it, the root
that explains it, and the next node on a shortest path back to that root. Roots are taken
from the worst rank down, and each rank is one breadth-first search from all its roots at
once, so a node's explanation is the shortest among the worst causes that reach it. A node
reached at some rank is never entered again at a lower one: everything beyond it was already
reached at that rank or worse. Each node and edge is visited once, so cycles terminate and a
graph of many thousands of nodes walks in linear time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby

__all__ = ["Reach", "Root", "path_to_root", "reverse_edges", "walk"]


@dataclass(frozen=True, slots=True)
class Root:
    """An impaired NODE: how bad (RANK, higher is worse) and why (CAUSE, the caller's index)."""

    node: int
    rank: int
    cause: int


@dataclass(frozen=True, slots=True)
class Reach:
    """How a root reaches a node: its rank, its cause, the next node back and the hops."""

    rank: int
    cause: int
    via: int | None  # the next node on the way back to the root; None at the root itself
    distance: int  # edges between this node and its root


def reverse_edges(
    dependencies: Iterable[tuple[int, int]], groups: Iterable[tuple[int, int]] = ()
) -> dict[int, list[int]]:
    """Who is hit when a node is: from (component, depends_on) and (child, group) pairs."""
    dependents: dict[int, list[int]] = {}
    for component, depends_on in dependencies:
        dependents.setdefault(depends_on, []).append(component)
    for child, group in groups:
        dependents.setdefault(child, []).append(group)
    return dependents


def walk(dependents: Mapping[int, Iterable[int]], roots: Iterable[Root]) -> dict[int, Reach]:
    """Every node the ROOTS reach through DEPENDENTS, in the order the walk found them.

    Roots of equal rank keep their given order, which decides ties between equally short
    explanations. A node given as a root twice keeps its worst (then first) cause.
    """
    reached: dict[int, Reach] = {}
    ordered = sorted(roots, key=lambda root: -root.rank)  # stable: ties keep their order
    for rank, same_rank in groupby(ordered, key=lambda root: root.rank):
        queue: deque[int] = deque()
        for root in same_rank:
            if root.node not in reached:
                reached[root.node] = Reach(rank, root.cause, None, 0)
                queue.append(root.node)
        _breadth_first(dependents, reached, queue)
    return reached


def _breadth_first(
    dependents: Mapping[int, Iterable[int]], reached: dict[int, Reach], queue: deque[int]
) -> None:
    """Extend REACHED from the nodes in QUEUE, one hop at a time, never entering a node twice."""
    while queue:
        node = queue.popleft()
        here = reached[node]
        for dependent in dependents.get(node, ()):
            if dependent not in reached:
                reached[dependent] = Reach(here.rank, here.cause, node, here.distance + 1)
                queue.append(dependent)


def path_to_root(reached: Mapping[int, Reach], node: int) -> Sequence[int]:
    """NODE, then each node on the way back to the root that explains it (the root last)."""
    path = [node]
    via = reached[node].via
    while via is not None:
        path.append(via)
        via = reached[via].via
    return path
