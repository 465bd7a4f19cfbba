def tokens(text):
    raise NotImplementedError


def word_counts(text):
    raise NotImplementedError


def top_words(text, n):
    raise NotImplementedError


def mean(values):
    raise NotImplementedError


def moving_average(values, window):
    raise NotImplementedError
