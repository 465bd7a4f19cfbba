import random

import kata
from solution import Command, CommandError


def test_families_are_separate():
    class Admin(Command, abstract=True):
        pass

    class Ops(Command, abstract=True):
        pass

    class Status(Admin):
        name, help = "status", "Show status."
        def run(self):
            return "admin"

    class Status2(Ops):
        name, help = "status", "Show ops status."
        def run(self):
            return "ops"

    assert Admin.dispatch(["status"]) == "admin"
    assert Ops.dispatch(["status"]) == "ops"
    assert "status" not in Command.registry
    assert Admin not in Command.registry.values()


def test_nested_abstract_families_and_inherited_run():
    class Root(Command, abstract=True):
        pass

    class Base(Root, abstract=True):
        help = "shared help"
        def run(self, x, *, n: int = 1):
            return (type(self).__name__, x * n)

    class Echo(Base):
        name = "echo"

    assert Base.dispatch(["echo", "ab", "--n", "2"]) == ("Echo", "abab")
    assert Root.registry == {}


def test_random_option_values():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)

    class Fam(Command, abstract=True):
        pass

    class Opt(Fam):
        name, help = "opt", "options"
        def run(self, a, b, *, count: int = 0, ratio: float = 1.0, tag: str = "", flag: bool = False):
            return (a, b, count, ratio, tag, flag)

    for _ in range(200):
        count = rng.randint(-100, 100)
        ratio = rng.randint(0, 1000) / 8
        tag = rng.choice(["x", "y-z", "0"])
        items = [["--count", str(count)], ["--ratio", str(ratio)], ["--tag", tag]]
        rng.shuffle(items)
        flag = rng.random() < 0.5
        argv = ["opt", "A"] + [w for pair in items for w in pair] + (["--flag"] if flag else []) + ["B"]
        assert Fam.dispatch(argv) == ("A", "B", count, ratio, tag, flag)


def test_more_user_errors():
    class Fam(Command, abstract=True):
        pass

    class One(Fam):
        name, help = "one", "x"
        def run(self, *, n: int = 0):
            return n

    for argv in ([], ["one", "--n"], ["one", "extra"], ["one", "--n", "1.5"], ["one", "--m", "1"]):
        with kata.raises(CommandError):
            Fam.dispatch(argv)
    assert Fam.dispatch(["one", "--n", "-3"]) == -3


def test_more_definition_errors():
    class Fam(Command, abstract=True):
        pass

    bad_runs = [
        "def run(self, x=1): pass",
        "def run(self, **kw): pass",
        "def run(self, *, n: list = []): pass",
    ]
    for i, src in enumerate(bad_runs):
        ns = {}
        exec(src, ns)
        with kata.raises(TypeError):
            type(f"B{i}", (Fam,), {"name": f"b{i}", "help": "h", "run": ns["run"]})
    for bad_name in ("", "1abc", "has_underscore", None, "UPPER"):
        with kata.raises(TypeError):
            type("N", (Fam,), {"name": bad_name, "help": "h", "run": lambda self: None})
    with kata.raises(TypeError):
        type("H", (Fam,), {"name": "h", "help": "   ", "run": lambda self: None})
    with kata.raises(TypeError):
        type("R", (Fam,), {"name": "r", "help": "h"})
    assert Fam.registry == {}
