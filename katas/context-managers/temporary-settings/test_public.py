import kata
from solution import temporary_settings


def test_overrides_apply_inside_and_are_undone():
    config = {"precision": "fp32", "batch_size": 64}
    with temporary_settings(config, precision="bf16") as c:
        assert c is config
        assert config == {"precision": "fp32", "batch_size": 64} | {"precision": "bf16"}
    assert config == {"precision": "fp32", "batch_size": 64}


def test_restores_when_the_block_raises():
    """Restore in a `finally:` around the yield; the exception must still reach the caller."""
    config = {"lr": 0.1}
    with kata.raises(RuntimeError):
        with temporary_settings(config, lr=1.0):
            raise RuntimeError("diverged")
    assert config == {"lr": 0.1}


def test_new_keys_are_removed_again():
    """A key that was absent must be deleted afterwards, not left as None."""
    config = {"lr": 0.1}
    with temporary_settings(config, compile=True):
        assert config["compile"] is True
    assert config == {"lr": 0.1}


def test_nesting():
    config = {"a": 1}
    with temporary_settings(config, a=2):
        with temporary_settings(config, a=3, b=4):
            assert config == {"a": 3, "b": 4}
        assert config == {"a": 2}
    assert config == {"a": 1}


def test_as_a_decorator():
    config = {"batch_size": 64}

    @temporary_settings(config, batch_size=1)
    def debug_step():
        return config["batch_size"]

    assert (debug_step(), debug_step(), config["batch_size"]) == (1, 1, 64)
