import math
import random

import kata
from solution import Vector


def test_random_arithmetic_matches_lists():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(200):
        n = rng.randint(0, 6)
        a = [rng.randint(-50, 50) for _ in range(n)]
        b = [rng.randint(-50, 50) for _ in range(n)]
        k = rng.randint(-5, 5)
        va, vb = Vector(*a), Vector(*b)
        assert list(va + vb) == [float(x + y) for x, y in zip(a, b)]
        assert list(va - vb) == [float(x - y) for x, y in zip(a, b)]
        assert list(va * k) == list(k * va) == [float(x * k) for x in a]
        assert va @ vb == sum(x * y for x, y in zip(a, b))
        assert abs(va) == kata.approx(math.sqrt(sum(x * x for x in a)))
        assert bool(va) == any(a)
        i = rng.randint(0, 7)
        j = rng.randint(-7, 7)
        assert list(va[i:j]) == [float(x) for x in a[i:j]]
        assert va[::-1] == Vector(*reversed(a))


def test_index_errors_and_immutability():
    v = Vector(1, 2)
    with kata.raises(IndexError):
        v[2]
    with kata.raises(TypeError):
        v[0] = 5.0


def test_components_are_floats():
    v = Vector(1, 2)
    assert all(type(c) is float for c in v)
    assert type(v[0]) is float


def test_unsupported_operands_raise_type_error():
    with kata.raises(TypeError):
        Vector(1, 2) * Vector(1, 2)
    with kata.raises(TypeError):
        Vector(1, 2) * "x"
    with kata.raises(TypeError):
        Vector(1, 2) + (1, 2)
    with kata.raises(ValueError):
        Vector(1, 2) @ Vector(1)


def test_hashable_and_usable_in_sets():
    assert hash(Vector(1, 2)) == hash(Vector(1.0, 2.0))
    assert len({Vector(1, 2), Vector(1.0, 2.0), Vector(2, 1)}) == 2


def test_empty_vector():
    v = Vector()
    assert len(v) == 0 and not v and abs(v) == 0.0 and repr(v) == "Vector()"
