import inspect

from solution import mean, moving_average, tokens, top_words, word_counts

TEXT = "The cat saw the dog. The dog saw a bird; a bird saw nothing!"


def test_tokens_lower_case_and_strip_punctuation():
    assert tokens("Hello, World!") == ["hello", "world"]


def test_tokens_of_nothing():
    assert tokens("  ... ") == []


def test_word_counts():
    assert word_counts(TEXT)["the"] == 3
    assert word_counts(TEXT)["saw"] == 3


def test_top_words_ties_alphabetical():
    assert top_words(TEXT, 4) == ["saw", "the", "a", "bird"]


def test_top_words_more_than_there_are():
    assert len(top_words("a b", 10)) == 2


def test_mean():
    assert mean([1, 2, 3, 4]) == 2.5


def test_mean_of_nothing_raises():
    try:
        mean([])
    except ValueError as exc:
        assert "no values" in str(exc)
    else:
        assert False, "mean([]) should raise ValueError"


def test_moving_average_values():
    assert list(moving_average([1, 2, 3, 4, 5], 2)) == [1.5, 2.5, 3.5, 4.5]


def test_moving_average_is_lazy():
    assert inspect.isgenerator(moving_average([1], 1))


def test_moving_average_long_input():
    values = list(moving_average(range(10_000), 100))
    assert len(values) == 9_901
    assert values[0] == 49.5
