"""Small real models written in the layouts SageMaker produces, for the Lambda tests."""
import json
import os

import numpy as np

IC_SHAPE = (3, 32, 32)
IC_LABELS = ["cat", "dog", "bird", "fish"]
OD_CLASSES = 3


def _random_params(sym, shapes, seed, scale=0.1):
    import mxnet as mx
    rng = np.random.RandomState(seed)
    arg_shapes, _, aux_shapes = sym.infer_shape(**shapes)
    args, aux = {}, {}
    for name, shape in zip(sym.list_arguments(), arg_shapes):
        if name in shapes:
            continue
        args[name] = mx.nd.array(rng.normal(0, scale, shape).astype(np.float32))
    for name, shape in zip(sym.list_auxiliary_states(), aux_shapes):
        aux[name] = mx.nd.array(np.ones(shape, np.float32) if name.endswith("var") else np.zeros(shape, np.float32))
    return args, aux


def classifier_symbol():
    import mxnet as mx
    data = mx.sym.Variable("data")
    x = mx.sym.Convolution(data, kernel=(3, 3), num_filter=8, pad=(1, 1), name="conv1")
    x = mx.sym.BatchNorm(x, name="bn1", fix_gamma=False)
    x = mx.sym.Activation(x, act_type="relu")
    x = mx.sym.Pooling(x, kernel=(1, 1), global_pool=True, pool_type="avg")
    x = mx.sym.Flatten(x)
    x = mx.sym.FullyConnected(x, num_hidden=len(IC_LABELS), name="fc1")
    return mx.sym.SoftmaxOutput(x, name="softmax")


def write_classifier(folder, epochs=(1, 3), labels=True):
    """image-classification-symbol.json, -NNNN.params per epoch (different weights), model-shapes.json."""
    import mxnet as mx
    os.makedirs(folder, exist_ok=True)
    sym = classifier_symbol()
    prefix = os.path.join(folder, "image-classification")
    for epoch in epochs:
        args, aux = _random_params(sym, {"data": (1,) + IC_SHAPE, "softmax_label": (1,)}, seed=epoch)
        mx.model.save_checkpoint(prefix, epoch, sym, args, aux)
    with open(os.path.join(folder, "model-shapes.json"), "w") as f:
        json.dump([{"shape": [1] + list(IC_SHAPE), "name": "data"}], f)
    if labels:
        with open(os.path.join(folder, "labels.txt"), "w") as f:
            f.write("\n".join(IC_LABELS) + "\n")
    return folder


def detector_symbol(num_classes=OD_CLASSES):
    """SSD-style head on a 512x512 input ending in MultiBoxDetection: output (1, N, 6)."""
    import mxnet as mx
    data = mx.sym.Variable("data")
    feat = mx.sym.Convolution(data, kernel=(32, 32), stride=(32, 32), num_filter=8, name="stem")
    feat = mx.sym.Activation(feat, act_type="relu")                     # 16x16
    anchors = mx.sym.contrib.MultiBoxPrior(feat, sizes=[0.2, 0.4], ratios=[1, 2], name="anchors")
    num_anchors = 3
    cls = mx.sym.Convolution(feat, kernel=(3, 3), pad=(1, 1), num_filter=num_anchors * (num_classes + 1), name="cls")
    cls = mx.sym.reshape(mx.sym.transpose(cls, axes=(0, 2, 3, 1)), shape=(0, -1, num_classes + 1))
    cls_prob = mx.sym.softmax(mx.sym.transpose(cls, axes=(0, 2, 1)), axis=1)
    loc = mx.sym.Convolution(feat, kernel=(3, 3), pad=(1, 1), num_filter=num_anchors * 4, name="loc")
    loc = mx.sym.Flatten(mx.sym.transpose(loc, axes=(0, 2, 3, 1)))
    return mx.sym.contrib.MultiBoxDetection(cls_prob, loc, anchors, nms_threshold=0.45,
                                            force_suppress=False, name="detection")


def write_detector(folder):
    import mxnet as mx
    os.makedirs(folder, exist_ok=True)
    sym = detector_symbol()
    args, aux = _random_params(sym, {"data": (1, 3, 512, 512)}, seed=7, scale=0.004)
    mx.model.save_checkpoint(os.path.join(folder, "deploy_model_algo_1"), 0, sym, args, aux)
    with open(os.path.join(folder, "labels.txt"), "w") as f:
        f.write("person\ncar\nbike\n")
    return folder


DLR_LABELS = ["red", "green", "blue"]


def write_dlr_colour_model(folder):
    """A treelite model compiled to a shared library that libdlr loads.

    Input: a 3x2x2 image flattened to 12 features (CHW, RGB, 0..255). Output:
    softmax over red/green/blue, saying which channel of the top-left pixel is
    brightest (one tree per class and channel pair). DLR's treelite runtime
    treats 0.0 as a missing value, so missing goes the "dark" way.
    """
    import treelite
    os.makedirs(folder, exist_ok=True)
    builder = treelite.ModelBuilder(num_feature=12, num_output_group=3, pred_transform="softmax")
    # class k gains +2 when channel k's first pixel (feature 4k) is bright, -2 otherwise
    for k in range(3):
        for group in range(3):
            tree = treelite.ModelBuilder.Tree()
            gain = 2.0 if group == k else 0.0
            tree[0].set_numerical_test_node(feature_id=4 * k, opname=">", threshold=127.5,
                                            default_left=False, left_child_key=1, right_child_key=2)
            tree[1].set_leaf_node(gain)
            tree[2].set_leaf_node(-gain)
            tree[0].set_root()
            builder.append(tree)
    model = builder.commit()
    model.export_lib(toolchain="gcc", libpath=os.path.join(folder, "model.so"),
                     params={"parallel_comp": 0}, verbose=False)
    with open(os.path.join(folder, "model-shapes.json"), "w") as f:
        json.dump([{"shape": [1, 3, 2, 2], "name": "data"}], f)
    with open(os.path.join(folder, "labels.txt"), "w") as f:
        f.write("\n".join(DLR_LABELS) + "\n")
    return folder


def jpeg(width, height, colour=None, seed=0, quality=90):
    """JPEG bytes of a smooth random picture (or a flat BGR colour)."""
    import cv2
    if colour is not None:
        image = np.zeros((height, width, 3), np.uint8)
        image[:] = colour
    else:
        rng = np.random.RandomState(seed)
        image = cv2.resize(rng.randint(0, 255, (12, 16, 3)).astype(np.uint8), (width, height))
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()
