"""Pacing and back-pressure for the capture loop, as plain objects with an injected clock.

Drop policy: at most MAX_IN_FLIGHT published frames may await an answer from
inference (an output or error message echoing their frame_id, delivered to the
camera Lambda by a subscription). A frame captured while the window is full is
dropped before it is encoded or written; nothing is ever queued. An answer that
never comes frees its slot after ACK_TIMEOUT_S (counted as `expired`).
MAX_IN_FLIGHT=0 turns acknowledgements off: every frame is published and the
ring (RING_SIZE files) bounds what is kept; a consumer that falls further behind
than the ring finds its file gone and reports it on its error topic.
"""
import collections


class Pacer(object):
    """Ticks at `fps`; when late it skips missed ticks instead of bursting to catch up."""

    def __init__(self, fps, now):
        self.period = 1.0 / fps
        self.next_at = now

    def wait_time(self, now):
        return max(0.0, self.next_at - now)

    def tick(self, now):
        self.next_at += self.period
        if self.next_at < now:
            self.next_at = now + self.period


class InFlightWindow(object):
    def __init__(self, limit, timeout_s):
        self.limit = limit
        self.timeout_s = timeout_s
        self.pending = collections.OrderedDict()    # frame_id -> sent_at
        self.expired = 0
        self.acked = 0

    def expire(self, now):
        while self.pending:
            frame_id, sent_at = next(iter(self.pending.items()))
            if now - sent_at < self.timeout_s:
                break
            del self.pending[frame_id]
            self.expired += 1

    def has_room(self, now):
        if self.limit == 0:
            return True
        self.expire(now)
        return len(self.pending) < self.limit

    def sent(self, frame_id, now):
        if self.limit:
            self.pending[frame_id] = now
            while len(self.pending) > self.limit:   # on-demand frames may exceed: keep the bound
                self.pending.popitem(last=False)
                self.expired += 1

    def ack(self, frame_id):
        if self.pending.pop(frame_id, None) is not None:
            self.acked += 1
            return True
        return False


class Backoff(object):
    """Reopen delays: min, 2*min, 4*min ... up to max; reset after a good frame."""

    def __init__(self, minimum, maximum):
        self.minimum = minimum
        self.maximum = max(minimum, maximum)
        self.current = minimum

    def next_delay(self):
        delay = self.current
        self.current = min(self.maximum, max(self.current * 2, 0.01))
        return delay

    def reset(self):
        self.current = self.minimum


class RateMeter(object):
    """Frames per second over the last `window_s` seconds."""

    def __init__(self, window_s=5.0):
        self.window_s = window_s
        self.times = collections.deque()

    def add(self, now):
        self.times.append(now)
        self.trim(now)

    def trim(self, now):
        while self.times and now - self.times[0] > self.window_s:
            self.times.popleft()

    def rate(self, now):
        self.trim(now)
        if len(self.times) < 2:
            return 0.0
        span = max(now - self.times[0], self.times[-1] - self.times[0])
        return (len(self.times) - 1) / span if span > 0 else 0.0
