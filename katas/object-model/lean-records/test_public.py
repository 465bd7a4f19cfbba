import kata
from solution import make_record


def test_building_a_record():
    Box = make_record("Box", x=float, y=float, label=str)
    b = Box(1, 2.5, label="cat")
    assert Box.__name__ == "Box" and Box._fields == ("x", "y", "label")
    assert repr(b) == "Box(x=1.0, y=2.5, label='cat')"
    assert list(b) == [1.0, 2.5, "cat"]


def test_instances_are_slotted():
    """Put __slots__ in the namespace given to type(): it must exist when the class is created."""
    Box = make_record("Box", x=float, label=str)
    b = Box(1, "a")
    assert not hasattr(b, "__dict__")
    with kata.raises(AttributeError):
        b.score = 0.9


def test_values_are_validated_on_assignment_too():
    Box = make_record("Box", x=float, label=str)
    b = Box(1, "a")
    b.x = 3
    assert b.x == 3.0 and type(b.x) is float
    with kata.raises(TypeError, match="x"):
        b.x = "3"


def test_bools_are_not_numbers_here():
    """bool is a subclass of int: reject it explicitly for int and float fields."""
    Span = make_record("Span", start=int, score=float)
    with kata.raises(TypeError):
        Span(True, 0.5)
    with kata.raises(TypeError):
        Span(1, False)


def test_argument_errors():
    Box = make_record("Box", x=float, y=float, label=str)
    with kata.raises(TypeError):
        Box(1, 2)
    with kata.raises(TypeError):
        Box(1, 2, "a", x=1)
    with kata.raises(TypeError):
        Box(1, 2, "a", colour="red")


def test_equality_and_no_hash():
    Box = make_record("Box", x=float, label=str)
    assert Box(1, "a") == Box(1.0, "a")
    assert Box(1, "a") != Box(2, "a")
    with kata.raises(TypeError):
        hash(Box(1, "a"))
