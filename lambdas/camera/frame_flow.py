"""Pacing and back-pressure for the capture loop, as plain objects with an injected clock.

Drop policy: at most MAX_IN_FLIGHT published frames may await an answer from
inference (an output or error message echoing their frame_id, delivered to the
camera Lambda by a subscription). A frame captured while the window is full is
dropped before it is encoded or written; nothing is ever queued. An answer that
never comes frees its slot after the ack timeout (counted as `expired`), which
adapts to the latency inference shows (InFlightWindow).
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
    """Frames published and not yet answered, with an ack timeout that follows inference's latency.

    `pending` frames count against MAX_IN_FLIGHT until answered or until the
    timeout, which is max(ACK_TIMEOUT_S, 2 x the slowest of the last 8 answers),
    capped at ACK_TIMEOUT_MAX_S: when one forward pass takes longer than
    ACK_TIMEOUT_S the timeout grows with it instead of freeing slots for frames
    that would only queue up in the core.
    A frame that times out becomes `overdue`: it may still sit in the core's queue,
    so its file stays protected (see FrameRing) until it is answered or
    ACK_TIMEOUT_MAX_S after it was sent (then it is counted `lost`). An answer to an
    overdue frame is a late ack: it raises the timeout at once, and overdue frames
    younger than the raised timeout count against the window again (they are late,
    not lost), so the backlog built before the timeout adapted drains before
    anything new is sent.
    """

    FACTOR = 2.0
    HISTORY = 8

    def __init__(self, limit, timeout_s, max_timeout_s=None):
        self.limit = limit
        self.timeout_s = timeout_s
        self.max_timeout_s = max(timeout_s, max_timeout_s if max_timeout_s is not None else 6 * timeout_s)
        self.pending = collections.OrderedDict()    # frame_id -> sent_at
        self.overdue = collections.OrderedDict()    # timed out, maybe still queued: frame_id -> sent_at
        self.latencies = collections.deque(maxlen=self.HISTORY)
        self.expired = 0
        self.acked = 0
        self.late = 0
        self.lost = 0

    def current_timeout(self):
        if not self.latencies:
            return self.timeout_s
        return min(self.max_timeout_s, max(self.timeout_s, self.FACTOR * max(self.latencies)))

    def expire(self, now):
        timeout = self.current_timeout()
        while self.pending:
            frame_id, sent_at = next(iter(self.pending.items()))
            if now - sent_at < timeout:
                break
            del self.pending[frame_id]
            self.overdue[frame_id] = sent_at
            self.expired += 1
        while self.overdue:
            frame_id, sent_at = next(iter(self.overdue.items()))
            if now - sent_at < self.max_timeout_s:
                break
            del self.overdue[frame_id]
            self.lost += 1

    def in_flight(self, now):
        """Frames counted against the window: pending ones, and overdue ones the current timeout still awaits."""
        timeout = self.current_timeout()
        return len(self.pending) + sum(1 for sent_at in self.overdue.values() if now - sent_at < timeout)

    def has_room(self, now):
        if self.limit == 0:
            return True
        self.expire(now)
        return self.in_flight(now) < self.limit

    def sent(self, frame_id, now):
        if self.limit:
            self.pending[frame_id] = now
            while len(self.pending) > self.limit:   # on-demand frames may exceed: keep the bound
                old_id, sent_at = self.pending.popitem(last=False)
                self.overdue[old_id] = sent_at
                self.expired += 1

    def ack(self, frame_id, now):
        """True when frame_id was awaited (pending or overdue); its latency is recorded."""
        sent_at = self.pending.pop(frame_id, None)
        if sent_at is None:
            sent_at = self.overdue.pop(frame_id, None)
            if sent_at is None:
                return False
            self.late += 1
        self.acked += 1
        self.latencies.append(max(0.0, now - sent_at))
        return True

    def outstanding(self, frame_id):
        """True while inference may still read this frame's file."""
        return frame_id in self.pending or frame_id in self.overdue


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
