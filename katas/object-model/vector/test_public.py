import kata
from solution import Vector


def test_sequence_protocol():
    v = Vector(1, 2, 3)
    assert len(v) == 3
    assert (v[0], v[-1]) == (1.0, 3.0)
    assert list(v) == [1.0, 2.0, 3.0]
    assert 2 in v and 5 not in v


def test_slicing_returns_a_vector():
    """`__getitem__` gets a `slice` object for v[1:]: return a new Vector, not a tuple."""
    assert Vector(1, 2, 3)[1:] == Vector(2, 3)
    assert isinstance(Vector(1, 2, 3)[:1], Vector)


def test_repr_and_equality():
    assert repr(Vector(1, 2.5)) == "Vector(1.0, 2.5)"
    assert Vector(1, 2) == Vector(1.0, 2.0)
    assert Vector(1, 2) != Vector(2, 1)


def test_equality_with_other_types_is_false():
    """Comparing with a tuple must give False, not raise: return NotImplemented from __eq__."""
    assert (Vector(1, 2) == (1, 2)) is False


def test_addition_and_subtraction():
    assert Vector(1, 2) + Vector(10, 20) == Vector(11, 22)
    assert Vector(1, 2) - Vector(1, 1) == Vector(0, 1)
    with kata.raises(ValueError):
        Vector(1, 2) + Vector(1, 2, 3)


def test_scalar_multiplication_both_sides():
    """2 * v calls int.__mul__ first, which returns NotImplemented; then Python calls v.__rmul__(2)."""
    assert Vector(1, 2) * 2 == Vector(2, 4)
    assert 3 * Vector(1, 2) == Vector(3, 6)
    assert -Vector(1, -2) == Vector(-1, 2)


def test_dot_product_norm_and_truth():
    assert Vector(1, 2, 3) @ Vector(1, 0, 1) == 4.0
    assert abs(Vector(3, 4)) == 5.0
    assert not Vector(0, 0) and Vector(0, 1)
