import dataclasses

import kata
from solution import TrainingConfig


def test_defaults():
    cfg = TrainingConfig("bert")
    assert (cfg.model, cfg.learning_rate, cfg.batch_size, cfg.epochs, cfg.device, cfg.tags) == \
        ("bert", 3e-4, 32, 1, "cpu", ())
    assert [f.name for f in dataclasses.fields(TrainingConfig)] == \
        ["model", "learning_rate", "batch_size", "epochs", "device", "tags"]


def test_wrong_types_are_type_errors_naming_the_field():
    with kata.raises(TypeError, match="learning_rate"):
        TrainingConfig("bert", learning_rate="3e-4")
    with kata.raises(TypeError, match="epochs"):
        TrainingConfig("bert", epochs=2.0)


def test_bool_is_not_an_int():
    """bool is a subclass of int: isinstance(True, int) is True, so check for bool explicitly."""
    with kata.raises(TypeError, match="batch_size"):
        TrainingConfig("bert", batch_size=True)


def test_ranges_are_value_errors_naming_the_field():
    with kata.raises(ValueError, match="batch_size"):
        TrainingConfig("bert", batch_size=48)
    with kata.raises(ValueError, match="learning_rate"):
        TrainingConfig("bert", learning_rate=0)
    with kata.raises(ValueError, match="device"):
        TrainingConfig("bert", device="tpu")
    with kata.raises(ValueError, match="model"):
        TrainingConfig("")


def test_frozen_hashable_and_tags_become_a_tuple():
    """A list of tags is stored as a tuple, so the frozen config stays hashable."""
    cfg = TrainingConfig("bert", learning_rate=1, tags=["nlp", "base"])
    assert cfg.tags == ("nlp", "base")
    assert hash(cfg) == hash(TrainingConfig("bert", learning_rate=1, tags=("nlp", "base")))
    with kata.raises(dataclasses.FrozenInstanceError):
        cfg.epochs = 5


def test_from_dict_rejects_unknown_keys():
    cfg = TrainingConfig.from_dict({"model": "gpt", "device": "cuda", "batch_size": 128})
    assert cfg == TrainingConfig("gpt", batch_size=128, device="cuda")
    with kata.raises(ValueError, match="lr, optimizer"):
        TrainingConfig.from_dict({"model": "gpt", "optimizer": "adam", "lr": 0.1})
