def download_all(urls, fetch, max_workers=4):
    """Call fetch(url) for every url on at most `max_workers` threads; return
    the results in the order of `urls`, with an exception object in place of
    the result of a fetch that raised."""
    raise NotImplementedError("write download_all")
