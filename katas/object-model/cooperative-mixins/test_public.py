import kata
from solution import Lowercase, Pipeline, Strip, Tokenize, Truncate


class Clean(Strip, Lowercase, Tokenize, Truncate, Pipeline):
    pass


def test_steps_follow_the_mro():
    assert Clean.steps() == ["Strip", "Lowercase", "Tokenize", "Truncate"]


def test_a_full_pipeline():
    """Each process() does its work, then returns super().process(result)."""
    assert Clean(max_tokens=2).process("  Hello Big World ") == ["hello", "big"]


def test_options_reach_every_step():
    """Each __init__ takes its own keyword and passes **kwargs on to super().__init__."""
    p = Clean(max_tokens=5, sep=",")
    assert p.process("A,b,C") == ["a", "b", "c"]


def test_unknown_or_missing_options_are_errors():
    with kata.raises(TypeError):
        Clean(max_tokens=2, colour="red")
    with kata.raises(TypeError):
        Clean()
    with kata.raises(ValueError):
        Clean(max_tokens=0)


def test_a_bad_order_fails_at_class_definition():
    """__init_subclass__ checks produces/consumes of consecutive steps when the class is defined."""
    with kata.raises(TypeError, match="Lowercase"):
        class Wrong(Tokenize, Lowercase, Pipeline):
            pass


def test_each_step_runs_once_in_a_diamond():
    """Two partial pipelines share Lowercase and Pipeline; combined, every step still runs once."""
    calls = []

    class Spy(Pipeline):
        def process(self, text):
            calls.append(text)
            return super().process(text)

    class Front(Strip, Spy, Lowercase, Pipeline):
        pass

    class Back(Lowercase, Tokenize, Pipeline):
        pass

    class Whole(Front, Back):
        pass

    assert Whole.steps() == ["Strip", "Spy", "Lowercase", "Tokenize"]
    assert Whole().process(" Ab Cd ") == ["ab", "cd"]
    assert calls == ["Ab Cd"]
