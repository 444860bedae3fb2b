"""The core's connection to the cloud's MQTT broker: the sandbox's broker, or AWS IoT over TLS.

Subscribes to every topic filter whose subscription Source is `cloud` and hands
arriving messages to the router; publishes what the router sends to `cloud`.
Reconnects by itself and subscribes again after each (re)connect.
"""
import logging
import os
import threading

log = logging.getLogger("gg.core.cloud")


def broker_address(config):
    """(host, port, tls) for this core: the sandbox's broker, GG_MQTT_HOST/PORT, or iotHost:8883."""
    if config.sandbox and config.sandbox.get("mqtt_port"):
        return config.sandbox.get("mqtt_host") or "127.0.0.1", int(config.sandbox["mqtt_port"]), False
    if os.environ.get("GG_MQTT_HOST"):
        return os.environ["GG_MQTT_HOST"], int(os.environ.get("GG_MQTT_PORT") or 1883), False
    return config.iot_host, 8883, True


class CloudBridge:
    def __init__(self, config, on_message, client_id=None):
        import paho.mqtt.client as mqtt

        self.host, self.port, tls = broker_address(config)
        self.on_message = on_message
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id or config.thing_name)
        if tls:
            self.client.tls_set(ca_certs=config.ca_path, certfile=config.cert_path, keyfile=config.key_path)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(1, 30)
        self._filters = []
        self._lock = threading.Lock()
        self.connected = threading.Event()

    def start(self, timeout=3.0):
        self.client.connect_async(self.host, self.port, keepalive=60)
        self.client.loop_start()
        if not self.connected.wait(timeout):
            log.warning("MQTT broker %s:%d not reached within %ss; retrying in the background",
                        self.host, self.port, timeout)
        return self

    def stop(self):
        try:
            self.client.disconnect()
        finally:
            self.client.loop_stop()

    def set_filters(self, filters):
        """Subscribe to exactly these topic filters (unsubscribing the ones no longer wanted)."""
        with self._lock:
            old, self._filters = set(self._filters), list(filters)
        gone = sorted(old - set(filters))
        if gone:
            self.client.unsubscribe(gone)
        new = [(f, 1) for f in filters if f not in old]
        if new:
            self.client.subscribe(new)
        log.info("cloud subscriptions: %s", ", ".join(filters) or "none")

    def publish(self, topic, payload):
        info = self.client.publish(topic, payload, qos=0)
        if info.rc != 0:
            log.warning("publish to %s failed (rc %s)", topic, info.rc)

    def _on_connect(self, client, userdata, flags, reason_code, properties=None):
        if getattr(reason_code, "is_failure", False):
            log.warning("MQTT connect to %s:%d refused: %s", self.host, self.port, reason_code)
            return
        with self._lock:
            filters = list(self._filters)
        if filters:
            client.subscribe([(f, 1) for f in filters])
        self.connected.set()
        log.info("connected to MQTT broker %s:%d", self.host, self.port)

    def _on_message(self, client, userdata, message):
        try:
            self.on_message(message.topic, bytes(message.payload))
        except Exception:  # noqa: BLE001 - never kill paho's thread
            log.exception("routing the cloud message on %s failed", message.topic)
