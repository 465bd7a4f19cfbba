from collections import Counter


def tokens(text):
    """The words of text, lower-cased, without punctuation."""
    return [word.strip(".,;:!?").lower() for word in text.split() if word.strip(".,;:!?")]


def word_counts(text):
    return dict(Counter(tokens(text)))


def top_words(text, n):
    """The n most frequent words, ties broken alphabetically."""
    counts = word_counts(text)
    return sorted(counts, key=lambda word: (-counts[word], word))[:n]


def mean(values):
    if not values:
        raise ValueError("mean of no values")
    return sum(values) / len(values)


def moving_average(values, window):
    """Means of each run of `window` consecutive values, lazily."""
    if window <= 0:
        raise ValueError("window must be positive")
    total = 0.0
    queue = []
    for value in values:
        queue.append(value)
        total += value
        if len(queue) > window:
            total -= queue.pop(0)
        if len(queue) == window:
            yield total / window
