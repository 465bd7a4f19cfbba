def token_counts(tokens):
    """[(token, count)] for each distinct token, in order of first appearance. Linear time."""
    raise NotImplementedError("write token_counts")


def window_sums(values, k):
    """Sums of every window of k consecutive values. Linear time."""
    raise NotImplementedError("write window_sums")
