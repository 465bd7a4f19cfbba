import itertools

import kata
from solution import deep_flatten


def test_a_flat_list_stays_the_same():
    assert list(deep_flatten([1, 2, 3])) == [1, 2, 3]


def test_lists_and_tuples_at_any_depth():
    assert list(deep_flatten([1, [2, (3, [4])], 5])) == [1, 2, 3, 4, 5]


def test_empty_containers_give_nothing():
    assert list(deep_flatten([[], [[]], ()])) == []


def test_strings_are_leaves():
    """A string is iterable, but it is one value here: do not split it into characters."""
    assert list(deep_flatten(["ab", ["cd", ("e",)]])) == ["ab", "cd", "e"]


def test_it_is_a_generator():
    """deep_flatten must yield its items one by one: calling it returns a generator, not a list."""
    assert kata.is_generator(deep_flatten([1, [2]]))


def test_it_is_lazy_on_endless_input():
    """Laziness: taking 5 items from an endless input must not try to read all of it."""
    endless = ([n, [n]] for n in itertools.count())
    assert list(itertools.islice(deep_flatten(endless), 5)) == [0, 0, 1, 1, 2]
