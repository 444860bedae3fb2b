"""The MQTT broker standing in for AWS IoT Core's message broker (amqtt, plain TCP, anonymous).

Runs its own asyncio loop in a daemon thread, bound to one host:port only.
"""
import asyncio
import logging
import socket
import threading


def free_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class MqttBroker:
    def __init__(self, host="127.0.0.1", port=0):
        self.host = host
        self.port = port or free_port(host)
        self._loop = None
        self._broker = None
        self._thread = None
        self._ready = threading.Event()
        self._error = None

    def config(self):
        return {
            "listeners": {"default": {"type": "tcp", "bind": "%s:%d" % (self.host, self.port)}},
            "sys_interval": 0,
            "auth": {"plugins": ["auth_anonymous"], "allow-anonymous": True},
            "topic-check": {"enabled": False},
        }

    def start(self, timeout=15):
        logging.getLogger("amqtt").setLevel(logging.ERROR)  # e.g. "password-file not found": anonymous on purpose
        logging.getLogger("transitions").setLevel(logging.WARNING)
        self._thread = threading.Thread(target=self._run, name="mqtt-broker", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("MQTT broker did not start within %ss" % timeout)
        if self._error:
            raise RuntimeError("MQTT broker failed to start on %s:%d: %s" % (self.host, self.port, self._error))
        return self

    def _run(self):
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._start())
        except Exception as exc:  # noqa: BLE001 - reported to start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _start(self):
        from amqtt.broker import Broker

        self._broker = Broker(self.config())
        await self._broker.start()

    def stop(self, timeout=5):
        if not self._loop or not self._broker or self._error:
            return
        future = asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop)
        try:
            future.result(timeout)
        except Exception:  # noqa: BLE001 - stopping anyway
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
