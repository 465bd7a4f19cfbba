from solution import merge_config


def test_example_from_the_readme():
    base = {"model": {"name": "mlp", "layers": [64, 32]}, "lr": 0.01}
    override = {"model": {"layers": [128]}, "seed": 1}
    assert merge_config(base, override) == {
        "model": {"name": "mlp", "layers": [128]}, "lr": 0.01, "seed": 1}


def test_nested_dicts_merge_at_every_depth():
    base = {"a": {"b": {"c": 1, "d": 2}}}
    assert merge_config(base, {"a": {"b": {"d": 3}}}) == {"a": {"b": {"c": 1, "d": 3}}}


def test_non_dict_values_are_replaced():
    assert merge_config({"x": {"y": 1}, "z": 5}, {"x": 0, "z": {"w": 1}}) == {"x": 0, "z": {"w": 1}}


def test_inputs_are_not_modified():
    base = {"model": {"layers": [64]}}
    override = {"model": {"layers": [8]}}
    merge_config(base, override)
    assert base == {"model": {"layers": [64]}}
    assert override == {"model": {"layers": [8]}}


def test_result_shares_nothing_with_base():
    """Editing a nested list or dict of the result must not change base: copy deeply, not {**base}."""
    base = {"model": {"layers": [64]}, "tags": ["x"]}
    merged = merge_config(base, {"lr": 1})
    merged["model"]["layers"].append(32)
    merged["tags"].append("y")
    assert base == {"model": {"layers": [64]}, "tags": ["x"]}


def test_result_shares_nothing_with_override():
    """Values taken from override must be copies too."""
    override = {"aug": {"ops": ["flip"]}}
    merged = merge_config({}, override)
    merged["aug"]["ops"].append("crop")
    assert override == {"aug": {"ops": ["flip"]}}
