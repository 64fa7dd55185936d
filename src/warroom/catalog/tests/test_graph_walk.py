"""The walk over ids: cycles end, diamonds take the shortest way, groups follow children."""

from warroom.catalog.graph import Reach, Root, path_to_root, reverse_edges, walk

DOWN, SLOW, RISK = 4, 1, 0


def test_it_reaches_every_dependent_through_a_chain():
    # 3 needs 2, 2 needs 1.
    dependents = reverse_edges([(2, 1), (3, 2)])
    reached = walk(dependents, [Root(1, DOWN, 0)])
    assert list(reached) == [1, 2, 3]
    assert reached[3] == Reach(DOWN, 0, 2, 2)
    assert path_to_root(reached, 3) == [3, 2, 1]


def test_it_ends_on_a_cycle():
    dependents = reverse_edges([(2, 1), (3, 2), (1, 3)])
    reached = walk(dependents, [Root(2, DOWN, 0)])
    assert list(reached) == [2, 3, 1]
    assert path_to_root(reached, 1) == [1, 3, 2]


def test_it_ignores_a_self_loop():
    reached = walk({1: [1, 2]}, [Root(1, DOWN, 0)])
    assert list(reached) == [1, 2]
    assert reached[1].via is None


def test_it_takes_the_shorter_side_of_a_diamond():
    # 4 needs 2 and 3; 2 needs 1 directly, 3 through 5.
    dependents = reverse_edges([(2, 1), (5, 1), (3, 5), (4, 3), (4, 2)])
    reached = walk(dependents, [Root(1, DOWN, 0)])
    assert path_to_root(reached, 4) == [4, 2, 1]
    assert reached[4].distance == 2


def test_it_leaves_untouched_what_nothing_reaches():
    dependents = reverse_edges([(2, 1), (4, 3)])
    assert set(walk(dependents, [Root(1, DOWN, 0)])) == {1, 2}


def test_it_marks_a_group_affected_through_any_child():
    # 10 is a group holding 1 and 2; 20 needs the group.
    dependents = reverse_edges([(20, 10)], groups=[(1, 10), (2, 10)])
    reached = walk(dependents, [Root(2, SLOW, 0)])
    assert path_to_root(reached, 20) == [20, 10, 2]
    assert 1 not in reached


def test_the_worst_cause_wins_over_a_nearer_one():
    # 3 needs 2 needs 1, and 3 needs 4: 4 is slow and next door, 1 is down two hops away.
    dependents = reverse_edges([(2, 1), (3, 2), (3, 4)])
    reached = walk(dependents, [Root(4, SLOW, 0), Root(1, DOWN, 1)])
    assert reached[3] == Reach(DOWN, 1, 2, 2)
    assert reached[4] == Reach(SLOW, 0, None, 0)


def test_a_nearer_cause_of_the_same_rank_wins():
    dependents = reverse_edges([(2, 1), (3, 2), (3, 4)])
    reached = walk(dependents, [Root(1, DOWN, 0), Root(4, DOWN, 1)])
    assert reached[3] == Reach(DOWN, 1, 4, 1)


def test_equal_explanations_go_to_the_first_root_given():
    dependents = reverse_edges([(3, 1), (3, 2)])
    assert walk(dependents, [Root(2, RISK, 7), Root(1, RISK, 8)])[3].cause == 7
    assert walk(dependents, [Root(1, RISK, 8), Root(2, RISK, 7)])[3].cause == 8


def test_a_root_named_twice_keeps_its_worst_cause():
    reached = walk({}, [Root(1, RISK, 0), Root(1, DOWN, 1), Root(1, DOWN, 2)])
    assert reached == {1: Reach(DOWN, 1, None, 0)}


def test_a_root_reached_by_a_worse_one_is_explained_by_it():
    dependents = reverse_edges([(2, 1)])
    reached = walk(dependents, [Root(2, SLOW, 0), Root(1, DOWN, 1)])
    assert reached[2] == Reach(DOWN, 1, 1, 1)


def test_no_roots_reach_nothing():
    assert walk(reverse_edges([(2, 1)]), []) == {}
