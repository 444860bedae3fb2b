"""Small helpers shared by the Greengrass V2 handlers: paging and times (no moto)."""
from .. import clock
from .errors import validation

DEFAULT_PAGE = 50
MAX_PAGE = 100


def now():
    """Epoch seconds with milliseconds, on the sandbox's clock (rest-json timestamps)."""
    return round(clock.now(), 3)


def page(items, params, default=DEFAULT_PAGE):
    """(items on this page, nextToken or None) from maxResults/nextToken."""
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
    items = list(items)
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)
