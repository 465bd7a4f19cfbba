from collections import Counter


def token_counts(tokens):
    """[(token, count)] for each distinct token, in order of first appearance. Linear time."""
    # Counter is a dict: its keys keep the order in which tokens first appeared
    return list(Counter(tokens).items())


def window_sums(values, k):
    """Sums of every window of k consecutive values. Linear time."""
    if k < 1:
        raise ValueError("k must be at least 1")
    values = list(values)
    if k > len(values):
        return []
    total = sum(values[:k])
    sums = [total]
    for i in range(k, len(values)):
        total += values[i] - values[i - k]
        sums.append(total)
    return sums
