from solution import top_k_tokens


def test_counts_lower_cased_tokens():
    assert top_k_tokens(["the cat", "The dog", "a cat"], 2) == [("cat", 2), ("the", 2)]


def test_ties_are_broken_alphabetically():
    """Equal counts: the alphabetically smaller token comes first (Counter.most_common would use first appearance)."""
    assert top_k_tokens(["b a", "a b c"], 5) == [("a", 2), ("b", 2), ("c", 1)]


def test_fewer_tokens_than_k():
    assert top_k_tokens(["solo"], 3) == [("solo", 1)]


def test_k_zero_or_negative():
    assert top_k_tokens(["a b"], 0) == []
    assert top_k_tokens(["a b"], -1) == []


def test_whitespace_of_any_kind_separates_tokens():
    assert top_k_tokens(["a\tb\n a  "], 2) == [("a", 2), ("b", 1)]


def test_a_generator_input_is_read_once():
    texts = (t for t in ["x y", "y"])
    assert top_k_tokens(texts, 1) == [("y", 2)]
