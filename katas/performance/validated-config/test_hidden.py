import dataclasses
import random

import kata
from solution import TrainingConfig


def test_random_batch_sizes():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(300):
        b = rng.randint(-10, 5000)
        if b >= 1 and b & (b - 1) == 0:
            assert TrainingConfig("m", batch_size=b).batch_size == b
        else:
            with kata.raises(ValueError, match="batch_size"):
                TrainingConfig("m", batch_size=b)


def test_learning_rate_bounds():
    assert TrainingConfig("m", learning_rate=1).learning_rate == 1
    assert TrainingConfig("m", learning_rate=1e-9).learning_rate == 1e-9
    for bad in (-0.1, 1.0001, 0.0):
        with kata.raises(ValueError, match="learning_rate"):
            TrainingConfig("m", learning_rate=bad)
    with kata.raises(TypeError, match="learning_rate"):
        TrainingConfig("m", learning_rate=True)
    with kata.raises(TypeError, match="learning_rate"):
        TrainingConfig("m", learning_rate=None)


def test_all_devices_and_epochs():
    for device in ("cpu", "cuda", "mps"):
        assert TrainingConfig("m", device=device).device == device
    with kata.raises(ValueError, match="device"):
        TrainingConfig("m", device="CUDA")
    with kata.raises(TypeError, match="device"):
        TrainingConfig("m", device=0)
    with kata.raises(ValueError, match="epochs"):
        TrainingConfig("m", epochs=0)
    with kata.raises(TypeError, match="epochs"):
        TrainingConfig("m", epochs="3")


def test_model_and_tags_types():
    with kata.raises(TypeError, match="model"):
        TrainingConfig(None)
    with kata.raises(TypeError, match="tags"):
        TrainingConfig("m", tags=("a", 1))
    with kata.raises(TypeError, match="tags"):
        TrainingConfig("m", tags="abc")


def test_from_dict_missing_model_and_equality():
    with kata.raises(TypeError):
        TrainingConfig.from_dict({"epochs": 2})
    a = TrainingConfig.from_dict({"model": "m", "tags": ["x"]})
    assert a == TrainingConfig("m", tags=("x",))
    assert dataclasses.replace(a, epochs=3).epochs == 3
    with kata.raises(ValueError, match="epochs"):
        dataclasses.replace(a, epochs=0)
    with kata.raises(ValueError, match="extra"):
        TrainingConfig.from_dict({"model": "m", "extra": 1})
