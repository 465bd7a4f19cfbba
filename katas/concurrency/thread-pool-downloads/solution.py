from concurrent.futures import ThreadPoolExecutor


def download_all(urls, fetch, max_workers=4):
    """Call fetch(url) for every url on at most `max_workers` threads; return
    the results in the order of `urls`, with an exception object in place of
    the result of a fetch that raised."""
    urls = list(urls)
    if not urls:
        return []
    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        futures = [pool.submit(fetch, url) for url in urls]
        results = []
        for future in futures:
            error = future.exception()
            results.append(error if error is not None else future.result())
        return results
