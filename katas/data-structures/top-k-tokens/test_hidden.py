import random
from collections import Counter

from solution import top_k_tokens


def test_random_corpora_match_a_full_sort():
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    vocab = ["tok%d" % i for i in range(30)] + ["Tok1", "TOK2"]
    for _ in range(200):
        texts = [" ".join(rng.choice(vocab) for _ in range(rng.randrange(0, 12)))
                 for _ in range(rng.randrange(0, 8))]
        k = rng.randrange(-1, 35)
        counts = Counter(w for t in texts for w in t.lower().split())
        expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:max(k, 0)]
        assert top_k_tokens(texts, k) == expected


def test_order_of_input_does_not_matter():
    texts = ["z y x", "x y z", "w"]
    assert top_k_tokens(texts, 3) == top_k_tokens(list(reversed(texts)), 3) == [("x", 2), ("y", 2), ("z", 2)]


def test_empty_input():
    assert top_k_tokens([], 3) == []
    assert top_k_tokens(["", "   "], 3) == []


def test_large_corpus():
    rng = random.Random(3)
    texts = [" ".join("w%d" % min(int(rng.expovariate(0.01)), 5000) for _ in range(50)) for _ in range(4000)]
    counts = Counter(w for t in texts for w in t.split())
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    assert top_k_tokens(iter(texts), 3) == expected
