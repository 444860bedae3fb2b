"""Small helpers shared by the Greengrass V2 handlers: paging and times (no moto)."""
from .. import clock
from .errors import validation

DEFAULT_PAGE = 50
MAX_PAGE = 100


def now():
    """Epoch seconds with milliseconds, on the sandbox's clock (rest-json timestamps)."""
    return round(clock.now(), 3)


def page(items, params, default=DEFAULT_PAGE, render=None):
    """(items on this page, nextToken or None) from maxResults/nextToken.

    render: applied to this page's items only, so a listing of n items read in pages describes
    each item once, not every item on every page (O(n) over the pages, not O(n^2))."""
    size = params.get("maxResults", default)
    if not isinstance(size, int) or not 1 <= size <= MAX_PAGE:
        raise validation("maxResults must be between 1 and %d." % MAX_PAGE,
                         fields=[{"name": "maxResults", "message": "out of range"}])
    token = params.get("nextToken")
    start = 0
    if token:
        if not str(token).isdigit():
            raise validation("The nextToken is not valid.", fields=[{"name": "nextToken", "message": "invalid"}])
        start = int(token)
    items = items if isinstance(items, list) else list(items)
    end = start + size
    chosen = items[start:end]
    return [render(i) for i in chosen] if render else chosen, (str(end) if end < len(items) else None)
