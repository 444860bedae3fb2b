"""Train a small MXNet classifier of coloured boxes and save it the way SageMaker's
image-classification algorithm does, so the bundled inference Lambda serves it as is:

    image-classification-symbol.json      the graph, ending in SoftmaxOutput (input softmax_label)
    image-classification-NNNN.params      weights of epoch NNNN
    model-shapes.json                     [{"name": "data", "shape": [1, 3, 32, 32]}]
    labels.txt                            one label per line, in output order

Like SageMaker's models it takes raw 0..255 RGB pixels (the scaling is in the graph).
A few seconds on two CPU cores.
"""
import json
import logging
import os
import time
from dataclasses import dataclass

import numpy as np

from . import dataset

PREFIX = "image-classification"
os.environ.setdefault("MXNET_SUBGRAPH_VERBOSE", "0")   # no "Subgraph backend MKLDNN is activated" banner


@dataclass
class TrainResult:
    folder: str
    epochs: int
    samples: int
    validation_accuracy: float
    seconds: float


def symbol(num_classes):
    """Two conv blocks and a global max pool: "is there a box of this colour anywhere"."""
    import mxnet as mx

    x = mx.sym.Variable("data") * (1.0 / 255)
    for i, filters in enumerate((16, 32), 1):
        x = mx.sym.Convolution(x, kernel=(3, 3), pad=(1, 1), num_filter=filters, name="conv%d" % i)
        x = mx.sym.BatchNorm(x, fix_gamma=False, name="bn%d" % i)
        x = mx.sym.Activation(x, act_type="relu", name="relu%d" % i)
        if i == 1:
            x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool%d" % i)
    x = mx.sym.Pooling(x, kernel=(1, 1), global_pool=True, pool_type="max", name="gpool")
    x = mx.sym.FullyConnected(mx.sym.Flatten(x), num_hidden=num_classes, name="fc1")
    return mx.sym.SoftmaxOutput(x, name="softmax")


def train(folder, samples=1500, epochs=6, seed=0, batch_size=50):
    """Train on `samples` generated images, save to `folder` (SageMaker layout), return TrainResult."""
    import mxnet as mx

    started = time.monotonic()
    mx.random.seed(seed)
    np.random.seed(seed)
    inputs, labels = dataset.training_set(samples, seed=seed)
    val_inputs, val_labels = dataset.training_set(max(100, samples // 5), seed=seed + 1000)
    train_iter = mx.io.NDArrayIter(inputs, labels, batch_size, shuffle=True, label_name="softmax_label")
    val_iter = mx.io.NDArrayIter(val_inputs, val_labels, batch_size, label_name="softmax_label")
    module = mx.mod.Module(symbol(len(dataset.LABELS)), data_names=["data"], label_names=["softmax_label"],
                           context=mx.cpu(), logger=logging.getLogger("gg.demo.train"))

    module.fit(train_iter, num_epoch=epochs, optimizer="adam",
               optimizer_params={"learning_rate": 0.01}, initializer=mx.init.Xavier(magnitude=2.0),
               eval_metric="acc")
    accuracy = dict(module.score(val_iter, "acc"))["accuracy"]
    save(module, folder, epochs)
    return TrainResult(folder, epochs, samples, float(accuracy), time.monotonic() - started)


def save(module, folder, epoch):
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):      # a retrained model replaces the old one entirely
        if name.startswith(PREFIX + "-") and name.endswith(".params"):
            os.remove(os.path.join(folder, name))
    module.save_checkpoint(os.path.join(folder, PREFIX), epoch)
    with open(os.path.join(folder, "model-shapes.json"), "w") as fh:
        json.dump([{"shape": [1] + list(dataset.INPUT_SHAPE), "name": "data"}], fh)
    with open(os.path.join(folder, "labels.txt"), "w") as fh:
        fh.write("\n".join(dataset.LABELS) + "\n")
