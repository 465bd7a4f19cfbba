import random

from solution import deep_flatten


def _nest(rng, depth, counter):
    items = []
    for _ in range(rng.randint(0, 4)):
        if depth and rng.random() < 0.4:
            kind = list if rng.random() < 0.5 else tuple
            items.append(kind(_nest(rng, depth - 1, counter)))
        else:
            items.append(next(counter))
    return items


def test_random_nestings_keep_order():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(200):
        counter = iter(range(10**6))
        data = _nest(rng, 6, counter)
        flat = list(deep_flatten(data))
        assert flat == sorted(flat)
        assert flat == list(range(len(flat)))


def test_deep_nesting():
    data = [0]
    for _ in range(300):
        data = [data]
    assert list(deep_flatten(data)) == [0]


def test_other_iterables_are_leaves():
    assert list(deep_flatten([{1, 2}, b"xy", range(2)])) == [{1, 2}, b"xy", range(2)]
