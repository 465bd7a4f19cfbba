import kata
from solution import call_with_defaults


def train(model, lr=0.1, *, epochs=1):
    return model, lr, epochs


CFG = {"lr": 0.01, "epochs": 5, "batch_size": 32}


def test_fills_missing_parameters_from_defaults():
    assert call_with_defaults(train, CFG, "mlp") == ("mlp", 0.01, 5)


def test_explicit_positional_argument_wins():
    assert call_with_defaults(train, CFG, "mlp", 0.5) == ("mlp", 0.5, 5)


def test_explicit_keyword_argument_wins():
    assert call_with_defaults(train, CFG, "mlp", epochs=2) == ("mlp", 0.01, 2)


def test_unknown_default_keys_are_ignored():
    """batch_size is not a parameter of train and train has no **kwargs: do not pass it."""
    assert call_with_defaults(train, {"batch_size": 1}, "cnn") == ("cnn", 0.1, 1)


def test_var_keyword_functions_receive_the_extra_keys():
    def log(message, **fields):
        return message, fields

    assert call_with_defaults(log, {"run": "a", "step": 3}, "hi", step=4) == ("hi", {"run": "a", "step": 4})


def test_positional_only_parameters_are_never_filled():
    """A parameter before / cannot be passed by keyword, so defaults cannot supply it."""
    def scale(x, /, factor=2):
        return x * factor

    with kata.raises(TypeError):
        call_with_defaults(scale, {"x": 3, "factor": 10})
    assert call_with_defaults(scale, {"x": 3, "factor": 10}, 4) == 40


def test_defaults_is_not_modified():
    cfg = dict(CFG)
    call_with_defaults(train, cfg, "mlp", epochs=9)
    assert cfg == CFG
