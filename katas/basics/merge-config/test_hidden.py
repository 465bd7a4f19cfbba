import copy
import random

from solution import merge_config


def reference(base, override):
    out = copy.deepcopy(base)
    for k, v in override.items():
        if isinstance(out.get(k), dict) and isinstance(v, dict):
            out[k] = reference(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def random_config(rng, depth):
    cfg = {}
    for _ in range(rng.randrange(0, 5)):
        key = rng.choice("abcdef")
        roll = rng.random()
        if depth and roll < 0.35:
            cfg[key] = random_config(rng, depth - 1)
        elif roll < 0.55:
            cfg[key] = [rng.randrange(10) for _ in range(rng.randrange(3))]
        else:
            cfg[key] = rng.choice([0, 1, None, "s", 2.5, True])
    return cfg


def all_mutables(obj, out):
    if isinstance(obj, (dict, list)):
        out.append(obj)
        for child in (obj.values() if isinstance(obj, dict) else obj):
            all_mutables(child, out)
    return out


def test_random_configs_match_the_reference_and_share_nothing():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _ in range(300):
        base, override = random_config(rng, 3), random_config(rng, 3)
        base_before, override_before = copy.deepcopy(base), copy.deepcopy(override)
        merged = merge_config(base, override)
        assert merged == reference(base, override)
        assert list(merged) == list(reference(base, override))
        assert base == base_before and override == override_before
        inputs = {id(o) for o in all_mutables(base, []) + all_mutables(override, [])}
        assert not any(id(o) in inputs for o in all_mutables(merged, []))


def test_key_order_base_first_then_new_keys():
    merged = merge_config({"b": 1, "a": 2}, {"c": 3, "a": 4})
    assert list(merged) == ["b", "a", "c"]


def test_empty_inputs():
    assert merge_config({}, {}) == {}
    base = {"a": [1]}
    merged = merge_config(base, {})
    assert merged == base and merged is not base and merged["a"] is not base["a"]


def test_dict_replaces_scalar_and_none():
    assert merge_config({"a": None}, {"a": {"b": 1}}) == {"a": {"b": 1}}
    assert merge_config({"a": {"b": 1}}, {"a": None}) == {"a": None}


def test_override_dict_into_empty_dict():
    base = {"opt": {}}
    merged = merge_config(base, {"opt": {"lr": 1}})
    assert merged == {"opt": {"lr": 1}} and base == {"opt": {}}
