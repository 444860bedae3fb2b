"""The cloud side of the demo: an MQTT client on the prediction and error topics, and the score.

Each prediction of a clip frame carries `source_frame` (its index in the clip,
set by the camera Lambda and echoed by the inference Lambda), which is how it
is checked against the clip's ground truth.
"""
import json
import queue
import statistics
import uuid
from dataclasses import dataclass, field
from typing import List, Optional


@dataclass
class Scored:
    frame_id: int
    source_frame: int
    label: str
    score: float
    truth: str
    forward_ms: Optional[float]

    @property
    def correct(self):
        return self.label == self.truth


@dataclass
class Score:
    truth: List[str]
    rows: List[Scored] = field(default_factory=list)
    errors: List[dict] = field(default_factory=list)
    model: Optional[dict] = None

    def add(self, message):
        """A prediction message -> Scored (None when it is not about a clip frame)."""
        source_frame = message.get("source_frame")
        top = (message.get("top") or [{}])[0]
        if not isinstance(source_frame, int) or not 0 <= source_frame < len(self.truth) or "label" not in top:
            return None
        self.model = message.get("model", self.model)
        row = Scored(message.get("frame_id", -1), source_frame, top["label"], float(top.get("score", 0.0)),
                     self.truth[source_frame], (message.get("latency_ms") or {}).get("forward"))
        self.rows.append(row)
        return row

    @property
    def covered(self):
        return len({r.source_frame for r in self.rows})

    @property
    def accuracy(self):
        return sum(r.correct for r in self.rows) / float(len(self.rows)) if self.rows else 0.0

    def forward_median_ms(self):
        values = [r.forward_ms for r in self.rows if r.forward_ms is not None]
        return statistics.median(values) if values else None

    def confusion(self):
        """{(truth, predicted): count} of the wrong answers."""
        out = {}
        for r in self.rows:
            if not r.correct:
                out[(r.truth, r.label)] = out.get((r.truth, r.label), 0) + 1
        return out


class Listener:
    """paho-mqtt on the sandbox broker; messages of the subscribed topics queue up for next()."""

    def __init__(self, host, port):
        import paho.mqtt.client as mqtt

        self.queue = queue.Queue()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="gg-demo-" + uuid.uuid4().hex[:8])
        self.client.on_message = lambda client, userdata, msg: self.queue.put((msg.topic, bytes(msg.payload)))
        self.client.connect(host, port)
        self.client.loop_start()

    def subscribe(self, *topics, timeout=10):
        import threading

        done = threading.Event()
        self.client.on_subscribe = lambda *args, **kwargs: done.set()
        self.client.subscribe([(t, 1) for t in topics])
        if not done.wait(timeout):
            raise RuntimeError("the MQTT broker did not confirm the subscription to %s" % ", ".join(topics))

    def publish(self, topic, message):
        self.client.publish(topic, json.dumps(message), qos=1).wait_for_publish(10)

    def next(self, timeout):
        """(topic, decoded JSON or raw text), or None after timeout seconds."""
        try:
            topic, payload = self.queue.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None
        try:
            return topic, json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return topic, payload.decode("utf-8", "replace")

    def close(self):
        try:
            self.client.disconnect()
        finally:
            self.client.loop_stop()
