import kata
from solution import Field, Schema


class TrainConfig(Schema):
    model = Field(str)
    lr = Field(float, default=1e-3, validator=lambda v: 0 < v < 1)
    epochs = Field(int, default=10, validator=lambda v: v > 0)


def test_fields_are_collected_in_order():
    assert list(TrainConfig._fields) == ["model", "lr", "epochs"]
    assert isinstance(TrainConfig.lr, Field)


def test_construction_with_defaults():
    c = TrainConfig(model="bert", epochs=3)
    assert c.to_dict() == {"model": "bert", "lr": 0.001, "epochs": 3}
    assert repr(c) == "TrainConfig(model='bert', lr=0.001, epochs=3)"
    assert c == TrainConfig(model="bert", lr=0.001, epochs=3)


def test_assignment_is_validated():
    c = TrainConfig(model="bert")
    with kata.raises(ValueError, match="lr"):
        c.lr = 2.0
    with kata.raises(TypeError, match="epochs"):
        c.epochs = "3"
    assert c.lr == 0.001 and c.epochs == 10


def test_missing_and_unknown_fields():
    with kata.raises(TypeError, match="model"):
        TrainConfig()
    with kata.raises(TypeError, match="seed"):
        TrainConfig(model="x", seed=1)


def test_inheritance_keeps_positions():
    """Start from the parent's _fields; replacing a key in a dict keeps its position."""
    class FineTune(TrainConfig):
        lr = Field(float, default=1e-5)
        layers = Field(int, default=2)

    assert list(FineTune._fields) == ["model", "lr", "epochs", "layers"]
    assert FineTune(model="m").to_dict() == {"model": "m", "lr": 1e-5, "epochs": 10, "layers": 2}
    assert list(TrainConfig._fields) == ["model", "lr", "epochs"]


def test_bad_defaults_fail_at_class_definition():
    """Validate defaults in __init_subclass__, so the error comes when the class is defined."""
    with kata.raises(TypeError):
        class Broken(Schema):
            n = Field(int, default="many")
