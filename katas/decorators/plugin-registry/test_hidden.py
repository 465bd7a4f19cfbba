import pathlib
import random
import sys
import tempfile
import textwrap

import kata
from solution import PluginRegistry


class Base:
    pass


class Sandbox:
    """A temporary directory on sys.path holding generated modules; undone on exit."""

    def __init__(self):
        self.tag = f"k{random.randrange(1 << 30)}"

    def __enter__(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = pathlib.Path(self.tmp.name)
        sys.path.insert(0, self.tmp.name)
        return self

    def write(self, relative, source):
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))

    def __exit__(self, *exc):
        sys.path.remove(self.tmp.name)
        for name in [m for m in sys.modules if self.tag in m]:
            del sys.modules[name]
        self.tmp.cleanup()


def make_plugins_package(box):
    """host_<tag>.py holds the registry; plugins_<tag>/ holds plugin modules, one broken."""
    t = box.tag
    box.write(f"host_{t}.py", """
        from solution import PluginRegistry
        class Metric:
            pass
        registry = PluginRegistry(Metric)
    """)
    box.write(f"plugins_{t}/__init__.py", "")
    box.write(f"plugins_{t}/accuracy.py", f"""
        from host_{t} import registry, Metric
        @registry.register
        class Accuracy(Metric):
            pass
    """)
    box.write(f"plugins_{t}/bleu.py", f"""
        from host_{t} import registry, Metric
        @registry.register("bleu-4")
        class Bleu(Metric):
            pass
        @registry.register()
        class Rouge(Metric):
            pass
    """)
    box.write(f"plugins_{t}/broken.py", "import a_module_that_does_not_exist_anywhere\n")
    box.write(f"plugins_{t}/zz_after_broken.py", f"""
        from host_{t} import registry, Metric
        @registry.register
        class Perplexity(Metric):
            pass
    """)


def test_discover_imports_every_module_and_collects_failures():
    """One broken module is reported in the returned dict; the modules after it still load."""
    with Sandbox() as box:
        make_plugins_package(box)
        host = __import__(f"host_{box.tag}")
        errors = host.registry.discover(f"plugins_{box.tag}")
        assert list(errors) == [f"plugins_{box.tag}.broken"]
        assert isinstance(errors[f"plugins_{box.tag}.broken"], ImportError)
        assert host.registry.names() == ["accuracy", "bleu-4", "perplexity", "rouge"]


def test_discover_twice_is_harmless():
    with Sandbox() as box:
        make_plugins_package(box)
        host = __import__(f"host_{box.tag}")
        host.registry.discover(f"plugins_{box.tag}")
        errors = host.registry.discover(f"plugins_{box.tag}")
        assert list(errors) == [f"plugins_{box.tag}.broken"]
        assert host.registry.names() == ["accuracy", "bleu-4", "perplexity", "rouge"]


def test_declare_does_not_import_until_get():
    with Sandbox() as box:
        box.write(f"lazy_{box.tag}.py", """
            from test_hidden_base import Base
            class Heavy(Base):
                pass
        """)
        box.write("test_hidden_base.py", "class Base:\n    pass\n")
        import test_hidden_base
        reg = PluginRegistry(test_hidden_base.Base)
        reg.declare("heavy", f"lazy_{box.tag}:Heavy")
        assert f"lazy_{box.tag}" not in sys.modules
        assert "heavy" in reg
        cls = reg.get("heavy")
        assert f"lazy_{box.tag}" in sys.modules
        assert cls.__name__ == "Heavy" and reg.get("heavy") is cls
        del sys.modules["test_hidden_base"]


def test_declared_plugin_of_the_wrong_type_is_rejected_on_load():
    reg = PluginRegistry(Base)
    reg.declare("od", "collections:OrderedDict")
    with kata.raises(TypeError):
        reg.get("od")


def test_declared_plugin_with_a_missing_module_or_attribute():
    reg = PluginRegistry(Base)
    reg.declare("ghost", "no_such_module_for_kata_tests:Thing")
    reg.declare("typo", "collections:NoSuchClass")
    with kata.raises(ImportError):
        reg.get("ghost")
    with kata.raises(AttributeError):
        reg.get("typo")


def test_declared_and_registered_names_share_one_namespace():
    reg = PluginRegistry(Base)
    reg.declare("x", "collections:OrderedDict")
    with kata.raises(ValueError):
        reg.register("x")(type("X", (Base,), {}))
    reg.register("y")(type("Y", (Base,), {}))
    with kata.raises(ValueError):
        reg.declare("y", "collections:OrderedDict")


def test_random_names_sorted_and_membership():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    reg = PluginRegistry(Base)
    names = set()
    while len(names) < 20:
        names.add("".join(rng.choice("abcdefgh") for _ in range(rng.randrange(1, 6))))
    for name in names:
        reg.register(name)(type(name.upper(), (Base,), {}))
    assert reg.names() == sorted(names)
    for name in names:
        assert name in reg and reg.get(name).__name__ == name.upper()
    assert "not-there" not in reg


def test_non_classes_are_rejected():
    reg = PluginRegistry(Base)
    with kata.raises(TypeError):
        reg.register("f")(lambda: None)
    with kata.raises(TypeError):
        reg.register("inst")(Base())


def test_empty_registry_lookup():
    with kata.raises(LookupError):
        PluginRegistry(Base).get("anything")


def test_registries_are_independent():
    a, b = PluginRegistry(Base), PluginRegistry(Base)
    a.register("only-a")(type("A", (Base,), {}))
    assert b.names() == [] and "only-a" not in b
