"""Property tests of the walk against a naive reachability, on random graphs with cycles."""

from collections import deque
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.catalog.graph import Root, path_to_root, reverse_edges, walk


@st.composite
def graphs(draw):
    """(node count, (component, depends_on) edges, roots): self-loops and cycles included."""
    size = draw(st.integers(min_value=1, max_value=300))
    node = st.integers(min_value=0, max_value=size - 1)
    edges = draw(st.lists(st.tuples(node, node), max_size=size * 3))
    roots = draw(
        st.lists(
            st.builds(Root, node, st.integers(min_value=0, max_value=4), st.integers(0, 50)),
            max_size=8,
        )
    )
    return size, edges, roots


def _naive_reach(edges, start):
    """Every node that needs START, directly or not, by repeated passes until nothing changes."""
    found = {start}
    changed = True
    while changed:
        changed = False
        for component, depends_on in edges:
            if depends_on in found and component not in found:
                found.add(component)
                changed = True
    return found


def _hops(edges, start):
    """Shortest hop count from START to each node that needs it."""
    dependents = reverse_edges(edges)
    hops = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for dependent in dependents.get(node, ()):
            if dependent not in hops:
                hops[dependent] = hops[node] + 1
                queue.append(dependent)
    return hops


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_it_reaches_exactly_what_the_roots_reach(graph):
    _size, edges, roots = graph
    expected = set().union(*(_naive_reach(edges, root.node) for root in roots))
    assert set(walk(reverse_edges(edges), roots)) == expected


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_each_node_gets_the_worst_rank_that_reaches_it(graph):
    _size, edges, roots = graph
    reached = walk(reverse_edges(edges), roots)
    for node, reach in reached.items():
        ranks = [root.rank for root in roots if node in _naive_reach(edges, root.node)]
        assert reach.rank == max(ranks)


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_each_explanation_is_a_real_and_shortest_path(graph):
    _size, edges, roots = graph
    reached = walk(reverse_edges(edges), roots)
    edge_set = set(edges)
    for node, reach in reached.items():
        path = path_to_root(reached, node)
        assert len(path) == reach.distance + 1
        assert all((a, b) in edge_set for a, b in pairwise(path))
        worst = [r for r in roots if r.rank == reach.rank]
        assert any(r.node == path[-1] and r.cause == reach.cause for r in worst)
        shortest = min(_hops(edges, r.node).get(node, len(edges) + 1) for r in worst)
        assert reach.distance == shortest
