import kata
from solution import PluginRegistry


class Tokenizer:
    pass


def test_register_bare_with_parentheses_and_with_a_name():
    """@register, @register() and @register("name") must all work, and return the class itself."""
    reg = PluginRegistry(Tokenizer)

    @reg.register
    class Whitespace(Tokenizer):
        pass

    @reg.register()
    class Chars(Tokenizer):
        pass

    @reg.register("bpe-v2")
    class BPE(Tokenizer):
        pass

    assert reg.names() == ["bpe-v2", "chars", "whitespace"]
    assert reg.get("whitespace") is Whitespace
    assert reg.get("bpe-v2") is BPE and isinstance(BPE(), Tokenizer)


def test_only_subclasses_of_base_are_accepted():
    reg = PluginRegistry(Tokenizer)
    with kata.raises(TypeError):
        @reg.register
        class NotATokenizer:
            pass


def test_duplicate_names_are_rejected():
    reg = PluginRegistry(Tokenizer)
    reg.register("x")(type("A", (Tokenizer,), {}))
    with kata.raises(ValueError):
        reg.register("x")(type("B", (Tokenizer,), {}))


def test_unknown_name_lists_the_available_ones():
    """get() of an unknown name raises LookupError whose message names the plugins that do exist."""
    reg = PluginRegistry(Tokenizer)
    reg.register("alpha")(type("A", (Tokenizer,), {}))
    with kata.raises(LookupError, match="alpha"):
        reg.get("beta")


def test_declared_plugins_load_on_first_get():
    """declare() only records "module:attr"; the import happens in get()."""
    reg = PluginRegistry(object)
    reg.declare("ordered", "collections:OrderedDict")
    assert "ordered" in reg and reg.names() == ["ordered"]
    import collections
    assert reg.get("ordered") is collections.OrderedDict


def test_declare_rejects_a_malformed_spec():
    reg = PluginRegistry(object)
    with kata.raises(ValueError):
        reg.declare("x", "no_colon_here")
