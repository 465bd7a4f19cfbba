import heapq
from collections import Counter


def top_k_tokens(texts, k):
    """The k most frequent lower-cased whitespace tokens of texts, as
    (token, count) pairs, by count descending then token ascending."""
    if k <= 0:
        return []
    counts = Counter()
    for text in texts:
        counts.update(text.lower().split())
    return heapq.nsmallest(k, counts.items(), key=lambda item: (-item[1], item[0]))
