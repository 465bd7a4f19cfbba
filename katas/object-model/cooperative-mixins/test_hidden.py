import random

import kata
from solution import Lowercase, Pipeline, Strip, Tokenize, Truncate

TEXT_STEPS = [Strip, Lowercase]


def _reference(order, text, sep, max_tokens):
    value = text
    for step in order:
        if step is Strip:
            value = value.strip()
        elif step is Lowercase:
            value = value.lower()
        elif step is Tokenize:
            value = value.split(sep)
        elif step is Truncate:
            value = value[:max_tokens]
    return value


def test_random_valid_orders():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    words = ["Alpha", "beta", "GAMMA", "delta", "Eps"]
    for i in range(60):
        front = rng.sample(TEXT_STEPS, rng.randint(0, 2))
        order = front + [Tokenize] + ([Truncate] if rng.random() < 0.6 else [])
        cls = type(f"P{i}", tuple(order) + (Pipeline,), {})
        assert cls.steps() == [k.__name__ for k in order]
        sep = rng.choice([None, ","])
        joiner = " " if sep is None else ","
        text = "  " + joiner.join(rng.sample(words, rng.randint(1, 5))) + "  "
        max_tokens = rng.randint(1, 6)
        kwargs = {"sep": sep}
        if Truncate in order:
            kwargs["max_tokens"] = max_tokens
        assert cls(**kwargs).process(text) == _reference(order, text, sep, max_tokens)


def test_random_invalid_orders_are_rejected():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for i in range(40):
        text_step = rng.choice(TEXT_STEPS)
        order = rng.choice([
            [Tokenize, text_step],
            [Truncate, Tokenize],
            [text_step, Truncate],
            [Tokenize, Truncate, text_step],
        ])
        with kata.raises(TypeError):
            type(f"Bad{i}", tuple(order) + (Pipeline,), {})


def test_the_base_alone_is_the_identity():
    assert Pipeline().process("x") == "x"
    assert Pipeline.steps() == []
    with kata.raises(TypeError):
        Pipeline(unknown=1)


def test_single_steps_are_valid_classes():
    assert Truncate(max_tokens=1).process(["a", "b"]) == ["a"]
    assert Tokenize().process("a b") == ["a", "b"]
    assert Strip.steps() == ["Strip"]


def test_max_tokens_validation():
    for bad in (0, -1, 1.5, "2", True):
        with kata.raises(ValueError):
            Truncate(max_tokens=bad)


def test_a_user_step_joins_the_chain():
    class Dedupe(Pipeline):
        consumes = produces = "tokens"

        def process(self, tokens):
            seen = []
            for t in tokens:
                if t not in seen:
                    seen.append(t)
            return super().process(seen)

    class P(Lowercase, Tokenize, Dedupe, Truncate, Pipeline):
        pass

    assert P.steps() == ["Lowercase", "Tokenize", "Dedupe", "Truncate"]
    assert P(max_tokens=2).process("a A b c") == ["a", "b"]
    with kata.raises(TypeError):
        class Q(Dedupe, Tokenize, Pipeline):
            pass
