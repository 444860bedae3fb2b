"""Settings of the inference Lambda, read once from the environment.

Every knob has a default that matches the AWS ML connectors, so a function
definition with no environment at all serves a SageMaker model at MODEL_PATH.
"""
import json
import os

DEFAULT_MODEL_PATH = "/ml/model"
DEFAULT_FRAME_DIR = "/tmp/gg-frames"      # the camera Lambda's default FRAME_DIR


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


def _floats(env, name):
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return tuple(float(v) for v in raw.split(","))
    except ValueError:
        raise ConfigError("{}={!r} is not a comma-separated list of numbers".format(name, raw))


def _choice(env, name, default, allowed):
    value = env.get(name, "").strip().lower() or default
    if value not in allowed:
        raise ConfigError("{}={!r} is not one of {}".format(name, value, ", ".join(allowed)))
    return value


def _path_map(env):
    """{DestinationPath: local folder} set by the local core (gg core run); {} on a real core."""
    try:
        mapping = json.loads(env.get("GG_PATH_MAP", "") or "{}")
    except ValueError:
        return {}
    if not isinstance(mapping, dict):
        return {}
    return dict((k, v) for k, v in mapping.items() if isinstance(k, str) and isinstance(v, str) and k != "/")


def _localise(path, mapping):
    """A resource path made local the way the local core rewrites environment values (once)."""
    if any(path == local or path.startswith(local.rstrip("/") + "/") for local in mapping.values()):
        return path
    for dest in sorted(mapping, key=len, reverse=True):
        if path == dest or path.startswith(dest.rstrip("/") + "/"):
            return mapping[dest] + path[len(dest):]
    return path


def read_dirs(env):
    """FRAME_DIR (default the camera's) and every READ_DIRS entry: absolute, normalised folders."""
    frame_dir = env.get("FRAME_DIR", "").strip() or DEFAULT_FRAME_DIR
    extra = [p.strip() for p in env.get("READ_DIRS", "").split(",") if p.strip()]
    mapping = _path_map(env)
    folders = []
    for name, path in [("FRAME_DIR", frame_dir)] + [("READ_DIRS", p) for p in extra]:
        if not path.startswith("/") or "\x00" in path:
            raise ConfigError("{} entry {!r} must be an absolute folder".format(name, path))
        path = "/" + os.path.normpath(_localise(path, mapping)).lstrip("/")
        if path not in folders:
            folders.append(path)
    return tuple(folders)


class Settings(object):
    """Plain attribute bag; build with from_env(os.environ) or from_env({...})."""

    def __init__(self, **values):
        self.__dict__.update(values)

    def __repr__(self):
        return "Settings({})".format(", ".join("{}={!r}".format(k, v) for k, v in sorted(self.__dict__.items())))

    @classmethod
    def from_env(cls, env=None):
        env = os.environ if env is None else env
        mean = _floats(env, "MEAN")
        std = _floats(env, "STD")
        input_shape = _floats(env, "INPUT_SHAPE")
        labels = env.get("LABELS", "").strip()
        return cls(
            model_path=env.get("MODEL_PATH", "").strip() or DEFAULT_MODEL_PATH,
            backend=_choice(env, "MODEL_BACKEND", "auto", ("auto", "mxnet", "dlr")),
            task=_choice(env, "MODEL_TASK", "auto", ("auto", "classification", "detection")),
            model_prefix=env.get("MODEL_PREFIX", "").strip() or None,
            model_epoch=_number(env, "MODEL_EPOCH", None, int, 0),
            input_shape=tuple(int(v) for v in input_shape) if input_shape else None,
            color_order=_choice(env, "COLOR_ORDER", "rgb", ("rgb", "bgr")),
            mean=mean,
            std=std,
            device=_choice(env, "DEVICE", "auto", ("auto", "cpu", "gpu")),
            output_topic=env.get("OUTPUT_TOPIC", "").strip() or "gg/inference/output",
            error_topic=env.get("ERROR_TOPIC", "").strip() or "gg/inference/error",
            score_threshold=_number(env, "SCORE_THRESHOLD", 0.5, float, 0.0),
            top_k=_number(env, "TOP_K", 5, int, 1),
            labels=[s.strip() for s in labels.split(",")] if labels else None,
            labels_file=env.get("LABELS_FILE", "").strip() or None,
            feedback_threshold=_number(env, "FEEDBACK_THRESHOLD", 0.0, float, 0.0),
            feedback_dir=env.get("FEEDBACK_DIR", "").strip() or None,
            feedback_max_files=_number(env, "FEEDBACK_MAX_FILES", 1000, int, 1),
            feedback_max_bytes=_number(env, "FEEDBACK_MAX_BYTES", 100 * 1024 * 1024, int, 1),
            max_image_bytes=_number(env, "MAX_IMAGE_BYTES", 10 * 1024 * 1024, int, 1),
            max_image_pixels=_number(env, "MAX_IMAGE_PIXELS", 25 * 1000 * 1000, int, 1),
            max_frame_age_s=_number(env, "MAX_FRAME_AGE_S", 0.0, float, 0.0),
            decode_reduced=_choice(env, "DECODE_REDUCED", "on", ("on", "off")) == "on",
            prediction_decimals=_number(env, "PREDICTION_DECIMALS", 6, int, -1),
            publish_queue=_number(env, "PUBLISH_QUEUE", 8, int, 0),
            pipeline=_choice(env, "PIPELINE", "on", ("on", "off")) == "on",
            pipeline_queue=_number(env, "PIPELINE_QUEUE", 1, int, 1),
            cpu_threads=_number(env, "CPU_THREADS", 0, int, 0),
            gpu_device_file=env.get("GPU_DEVICE_FILE", "").strip() or "/dev/nvidia0",
            read_dirs=read_dirs(env),
        )
