import random
import string

import kata
from solution import Model


def test_many_random_names():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    made = {}
    for i in range(50):
        name = "m" + "".join(rng.choices(string.ascii_lowercase, k=8)) + str(i)
        cls = type(f"Gen{i}", (Model,), {"__init__": lambda self, v=i: setattr(self, "v", v)},
                   name=name)
        made[name] = (cls, i)
    for name, (cls, i) in made.items():
        assert Model.registry[name] is cls
        assert Model.create(name).v == i


def test_default_name_is_lowercased_class_name():
    class MixedCaseNet(Model):
        pass

    assert Model.registry["mixedcasenet"] is MixedCaseNet


def test_registry_is_shared_not_per_class():
    class Family(Model, abstract=True):
        pass

    class Member(Family):
        pass

    assert Model.registry["member"] is Member
    assert Family.registry is Model.registry


def test_failed_duplicate_does_not_replace_the_original():
    class Keep(Model):
        pass

    with kata.raises(ValueError):
        class Keep2(Model, name="keep"):
            pass
    assert Model.registry["keep"] is Keep


def test_positional_arguments_reach_the_class():
    class Pair(Model):
        def __init__(self, a, b):
            self.pair = (a, b)

    assert Model.create("pair", 1, b=2).pair == (1, 2)
