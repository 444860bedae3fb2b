"""The MQTT broker started with the sandbox carries messages between paho clients."""
import queue
import uuid

import paho.mqtt.client as mqtt


def _client(sandbox, name):
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="%s-%s" % (name, uuid.uuid4().hex[:6]))
    client.connect(sandbox.mqtt_host, sandbox.mqtt_port, keepalive=10)
    client.loop_start()
    return client


def test_publish_subscribe_through_broker(sandbox):
    assert sandbox.mqtt_host == "127.0.0.1"
    received, subscribed = queue.Queue(), queue.Queue()
    sub = _client(sandbox, "sub")
    sub.on_message = lambda c, u, msg: received.put((msg.topic, msg.payload))
    sub.on_subscribe = lambda *a: subscribed.put(True)
    pub = _client(sandbox, "pub")
    try:
        sub.subscribe("blog/infer/#", qos=1)
        subscribed.get(timeout=5)
        pub.publish("blog/infer/output", b'{"prediction": [[0, 0.9, 0.1, 0.1, 0.5, 0.5]]}', qos=1).wait_for_publish(5)
        topic, payload = received.get(timeout=5)
        assert topic == "blog/infer/output" and payload.startswith(b'{"prediction"')
    finally:
        for client in (sub, pub):
            client.disconnect()
            client.loop_stop()
