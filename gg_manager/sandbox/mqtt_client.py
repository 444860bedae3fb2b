"""The sandbox's own MQTT client on its broker: it publishes job notifications and hears status reports.

paho-mqtt, clean session, client id `gg-sandbox-<pid>`; it reconnects by itself.
Incoming messages are handed to a worker thread, so a handler may take the
sandbox's state lock while paho keeps reading.
"""
import json
import logging
import os
import queue
import threading

LOG = logging.getLogger("sandbox.mqtt")


class SandboxMqttClient:
    def __init__(self, host, port):
        self.host = "127.0.0.1" if host in ("0.0.0.0", "", None) else host
        self.port = port
        self.handlers = {}   # topic filter -> f(topic, payload bytes)
        self._queue = queue.Queue()
        self._client = None

    def start(self):
        import paho.mqtt.client as mqtt

        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="gg-sandbox-%d" % os.getpid())
        client.on_connect = self._on_connect
        client.on_message = lambda c, u, msg: self._queue.put((msg.topic, msg.payload))
        client.reconnect_delay_set(0.2, 5)
        client.connect(self.host, self.port, keepalive=30)
        client.loop_start()
        self._client = client
        threading.Thread(target=self._work, name="mqtt-handler", daemon=True).start()
        return self

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        for topic in self.handlers:
            client.subscribe(topic, qos=1)

    def _work(self):
        import paho.mqtt.client as mqtt

        while True:
            topic, payload = self._queue.get()
            if topic is None:
                return
            for pattern, handler in list(self.handlers.items()):
                if mqtt.topic_matches_sub(pattern, topic):
                    try:
                        handler(topic, payload)
                    except Exception:  # noqa: BLE001 - one bad message must not stop the worker
                        LOG.exception("handling a message on %s failed", topic)

    def subscribe(self, topic, handler):
        self.handlers[topic] = handler
        if self._client is not None:
            self._client.subscribe(topic, qos=1)

    def publish(self, topic, payload, qos=1):
        if self._client is None:
            return
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
        self._client.publish(topic, data, qos=qos)

    def stop(self):
        self._queue.put((None, None))
        if self._client is not None:
            self._client.disconnect()
            self._client.loop_stop()
