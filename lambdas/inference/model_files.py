"""Find the model in the ML resource folder and describe how to load it.

Recognised layouts (first match wins unless MODEL_BACKEND/MODEL_PREFIX say otherwise):
- SageMaker image classification: image-classification-symbol.json, the newest
  image-classification-NNNN.params, model-shapes.json  -> mxnet, classification
- SageMaker object detection deploy: deploy_model_algo_1-symbol.json / -0000.params
  -> mxnet, detection, 3x512x512
- any other PREFIX-symbol.json with PREFIX-NNNN.params -> mxnet, task from the output
- a SageMaker Neo / DLR model: a *.so (with *.params/*.json for TVM, alone for treelite)
  -> dlr
"""
import hashlib
import json
import os
import re

SAGEMAKER_IC_PREFIX = "image-classification"
SAGEMAKER_OD_PREFIX = "deploy_model_algo_1"
DEFAULT_IC_SHAPE = (3, 224, 224)
DEFAULT_OD_SHAPE = (3, 512, 512)
LABEL_FILES = ("labels.txt", "synset.txt", "classes.txt")


class ModelNotFound(Exception):
    """The model folder holds nothing this Lambda can load."""


class ModelInfo(object):
    def __init__(self, backend, task, folder, prefix=None, epoch=None, input_shape=None,
                 input_name="data", labels=None, files=()):
        self.backend = backend
        self.task = task                  # 'classification', 'detection' or 'auto'
        self.folder = folder
        self.prefix = prefix
        self.epoch = epoch
        self.input_shape = input_shape    # (C, H, W) or None: ask the backend
        self.input_name = input_name
        self.labels = labels
        self.files = tuple(files)

    def identity(self):
        """What the published messages say about the model that produced them."""
        ident = {"backend": self.backend, "task": self.task, "path": self.folder}
        if self.prefix:
            ident["name"] = self.prefix
        if self.epoch is not None:
            ident["epoch"] = self.epoch
        ident["sha256"] = fingerprint(self.files)
        return ident


def fingerprint(paths):
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(os.path.basename(path).encode())
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def list_epochs(folder, prefix):
    pattern = re.compile(r"^" + re.escape(prefix) + r"-(\d{4,})\.params$")
    epochs = []
    for name in os.listdir(folder):
        m = pattern.match(name)
        if m:
            epochs.append(int(m.group(1)))
    return sorted(epochs)


def read_model_shapes(folder, input_name="data"):
    """(C, H, W) from SageMaker's model-shapes.json: [{"name": "data", "shape": [1,3,224,224]}]."""
    path = os.path.join(folder, "model-shapes.json")
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        shapes = json.load(f)
    if isinstance(shapes, dict):
        shapes = [{"name": k, "shape": v} for k, v in shapes.items()]
    for entry in shapes:
        if entry.get("name", input_name) == input_name:
            shape = tuple(int(v) for v in entry["shape"])
            return shape[1:] if len(shape) == 4 else shape
    return None


def read_labels(folder, labels_file=None):
    candidates = [labels_file] if labels_file else [os.path.join(folder, n) for n in LABEL_FILES]
    for path in candidates:
        if path and os.path.isfile(path):
            with open(path) as f:
                lines = [line.strip() for line in f if line.strip()]
            # synset.txt style "n01440764 tench, Tinca tinca" keeps the line whole
            return lines
    if labels_file:
        raise ModelNotFound("LABELS_FILE {} does not exist".format(labels_file))
    return None


def _mxnet_prefixes(folder):
    return sorted(n[:-len("-symbol.json")] for n in os.listdir(folder) if n.endswith("-symbol.json"))


def _mxnet_info(folder, prefix, settings):
    epochs = list_epochs(folder, prefix)
    if settings.model_epoch is not None:
        if settings.model_epoch not in epochs:
            raise ModelNotFound("MODEL_EPOCH={} but {} has no {}-{:04d}.params (found {})".format(
                settings.model_epoch, folder, prefix, settings.model_epoch, epochs or "none"))
        epoch = settings.model_epoch
    elif epochs:
        epoch = epochs[-1]
    else:
        raise ModelNotFound("{} has {}-symbol.json but no {}-NNNN.params".format(folder, prefix, prefix))
    if prefix == SAGEMAKER_IC_PREFIX:
        task, default_shape = "classification", DEFAULT_IC_SHAPE
    elif prefix == SAGEMAKER_OD_PREFIX:
        task, default_shape = "detection", DEFAULT_OD_SHAPE
    else:
        task, default_shape = "auto", None
    shape = settings.input_shape or read_model_shapes(folder) or default_shape
    files = [os.path.join(folder, prefix + "-symbol.json"),
             os.path.join(folder, "{}-{:04d}.params".format(prefix, epoch))]
    return ModelInfo("mxnet", task, folder, prefix, epoch, shape, files=files)


def _dlr_info(folder, settings):
    libs = sorted(n for n in os.listdir(folder) if n.endswith(".so") and n != "libdlr.so")
    if not libs:
        return None
    files = [os.path.join(folder, n) for n in os.listdir(folder)
             if n.endswith((".so", ".params", ".json", ".meta")) and n != "libdlr.so"]
    shape = settings.input_shape or read_model_shapes(folder)
    return ModelInfo("dlr", "auto", folder, os.path.splitext(libs[0])[0], None, shape, files=files)


def discover(settings):
    """ModelInfo for settings.model_path, or ModelNotFound saying what was looked for."""
    folder = settings.model_path
    if not os.path.isdir(folder):
        raise ModelNotFound("MODEL_PATH {} is not a directory (is the ML resource attached "
                            "to this Lambda with the same DestinationPath?)".format(folder))
    info = None
    if settings.backend in ("auto", "mxnet"):
        prefixes = _mxnet_prefixes(folder)
        if settings.model_prefix:
            if settings.model_prefix not in prefixes:
                raise ModelNotFound("MODEL_PREFIX={} but {} has no {}-symbol.json".format(
                    settings.model_prefix, folder, settings.model_prefix))
            prefixes = [settings.model_prefix]
        for preferred in (SAGEMAKER_IC_PREFIX, SAGEMAKER_OD_PREFIX):
            if preferred in prefixes:
                prefixes = [preferred]
        if prefixes:
            info = _mxnet_info(folder, prefixes[0], settings)
    if info is None and settings.backend in ("auto", "dlr"):
        info = _dlr_info(folder, settings)
    if info is None:
        raise ModelNotFound("no model in {}: expected {}-symbol.json + .params (SageMaker image "
                            "classification), {}-symbol.json (SageMaker object detection), "
                            "or a DLR/Neo compiled *.so; found {}".format(
                                folder, SAGEMAKER_IC_PREFIX, SAGEMAKER_OD_PREFIX,
                                sorted(os.listdir(folder)) or "nothing"))
    if settings.task != "auto":
        info.task = settings.task
    if settings.labels:
        info.labels = list(settings.labels)
    else:
        info.labels = read_labels(folder, settings.labels_file)
    return info
