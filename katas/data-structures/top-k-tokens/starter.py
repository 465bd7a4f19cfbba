def top_k_tokens(texts, k):
    """The k most frequent lower-cased whitespace tokens of texts, as
    (token, count) pairs, by count descending then token ascending."""
    raise NotImplementedError("write top_k_tokens")
