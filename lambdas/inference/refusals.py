"""Why an event is refused: a short machine-readable reason plus a sentence for people.

Every refusal is published on ERROR_TOPIC as
{"error": "<reason>: <detail>", "kind": "bad_event"|"bad_image", "reason": "<reason>", ...}.
Details name what was wrong with the event; they never quote the bytes of a
file or image (a refused path may be /etc/shadow).
"""


class Refusal(ValueError):
    kind = "bad_event"

    def __init__(self, reason, detail):
        ValueError.__init__(self, "{}: {}".format(reason, detail))
        self.reason = reason
        self.detail = detail


class EventError(Refusal):
    """The event itself is malformed or names something this Lambda may not read."""
    kind = "bad_event"


class ImageError(Refusal):
    """The bytes are not an image this Lambda accepts (or are damaged)."""
    kind = "bad_image"
