"""Settings of the camera Lambda, read once from the environment."""
import os


class ConfigError(ValueError):
    """An environment variable holds a value the Lambda cannot use."""


def _number(env, name, default, kind=float, minimum=None):
    raw = env.get(name, "")
    if raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError("{}={!r} is not a {}".format(name, raw, kind.__name__))
    if minimum is not None and value < minimum:
        raise ConfigError("{}={!r} must be >= {}".format(name, raw, minimum))
    return value


def _flag(env, name, default):
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError("{}={!r} is not on/off".format(name, raw))


class Settings(object):
    def __init__(self, **values):
        self.__dict__.update(values)

    def __repr__(self):
        return "Settings({})".format(", ".join("{}={!r}".format(k, v) for k, v in sorted(self.__dict__.items())))

    @classmethod
    def from_env(cls, env=None):
        env = os.environ if env is None else env
        s = cls(
            source=env.get("CAMERA_SOURCE", "").strip() or "/dev/video0",
            fps=_number(env, "CAPTURE_FPS", 2.0, float, 0.01),
            width=_number(env, "CAPTURE_WIDTH", 0, int, 0),
            height=_number(env, "CAPTURE_HEIGHT", 0, int, 0),
            jpeg_quality=_number(env, "JPEG_QUALITY", 90, int, 1),
            frame_dir=env.get("FRAME_DIR", "").strip() or "/tmp/gg-frames",
            ring_size=_number(env, "RING_SIZE", 16, int, 1),
            frame_topic=env.get("FRAME_TOPIC", "").strip() or "gg/camera/frame",
            status_topic=env.get("STATUS_TOPIC", "").strip() or "gg/camera/status",
            status_interval_s=_number(env, "STATUS_INTERVAL_S", 10.0, float, 0.1),
            max_in_flight=_number(env, "MAX_IN_FLIGHT", 2, int, 0),
            ack_timeout_s=_number(env, "ACK_TIMEOUT_S", 5.0, float, 0.01),
            ack_timeout_max_s=_number(env, "ACK_TIMEOUT_MAX_S", None, float, 0.01),
            reconnect_min_s=_number(env, "RECONNECT_MIN_S", 0.5, float, 0.0),
            reconnect_max_s=_number(env, "RECONNECT_MAX_S", 30.0, float, 0.0),
            autostart=_flag(env, "AUTOSTART", True),
        )
        if s.jpeg_quality > 100:
            raise ConfigError("JPEG_QUALITY={} must be 1..100".format(s.jpeg_quality))
        if s.ack_timeout_max_s is None:
            s.ack_timeout_max_s = max(30.0, s.ack_timeout_s)
        if s.ack_timeout_max_s < s.ack_timeout_s:
            raise ConfigError("ACK_TIMEOUT_MAX_S={} must be >= ACK_TIMEOUT_S={}".format(
                s.ack_timeout_max_s, s.ack_timeout_s))
        if s.max_in_flight > s.ring_size:
            raise ConfigError("MAX_IN_FLIGHT={} must not exceed RING_SIZE={}: a frame still being "
                              "inferred would be overwritten".format(s.max_in_flight, s.ring_size))
        return s
