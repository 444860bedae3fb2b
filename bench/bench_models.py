"""Benchmark-size models with random weights, saved in the SageMaker layouts.

- mobilenet1_0 (4.2 M parameters) as a SageMaker image-classification model:
  image-classification-symbol.json ending in SoftmaxOutput 'softmax',
  image-classification-0000.params, model-shapes.json (1,3,224,224).
- SSD-512 on a ResNet-50 body (features at stride 16 and 32 plus four extra
  stride-2 blocks, 6 scales, 6132 anchors, 4 classes, 28 M parameters) as a SageMaker
  object-detection deploy model: deploy_model_algo_1-symbol.json / -0000.params,
  output 'detection' of shape (1, N, 6).
"""
import json
import os

import mxnet as mx
from mxnet.gluon import nn


def write_mobilenet(folder, classes=1000):
    os.makedirs(folder, exist_ok=True)
    net = mx.gluon.model_zoo.vision.mobilenet1_0(pretrained=False, classes=classes)
    net.initialize(mx.init.Xavier())
    net.hybridize()
    net(mx.nd.zeros((1, 3, 224, 224)))
    tmp = os.path.join(folder, "_gluon")
    net.export(tmp, 0)
    sym, args, aux = mx.model.load_checkpoint(tmp, 0)
    sym = mx.sym.SoftmaxOutput(sym, name="softmax")
    mx.model.save_checkpoint(os.path.join(folder, "image-classification"), 0, sym, args, aux)
    for suffix in ("-symbol.json", "-0000.params"):
        os.remove(tmp + suffix)
    with open(os.path.join(folder, "model-shapes.json"), "w") as f:
        json.dump([{"shape": [1, 3, 224, 224], "name": "data"}], f)
    return folder


class SSD512(nn.HybridBlock):
    SIZES = [(0.07, 0.1025), (0.15, 0.2121), (0.3, 0.3674), (0.45, 0.5196), (0.6, 0.6708), (0.75, 0.8216)]
    RATIOS = [[1, 2, 0.5]] + [[1, 2, 0.5, 3, 1.0 / 3]] * 3 + [[1, 2, 0.5]] * 2

    def __init__(self, classes=4, **kwargs):
        super(SSD512, self).__init__(**kwargs)
        self.classes = classes
        body = mx.gluon.model_zoo.vision.resnet50_v1(pretrained=False).features
        with self.name_scope():
            self.stage3 = nn.HybridSequential()
            for layer in list(body)[:7]:        # conv, bn, relu, pool, stage1..3: stride 16, 1024 ch
                self.stage3.add(layer)
            self.stage4 = list(body)[7]          # stride 32, 2048 ch
            self.extras = nn.HybridSequential()
            for channels in (512, 256, 256, 256):
                block = nn.HybridSequential()
                block.add(nn.Conv2D(channels // 2, 1), nn.Activation("relu"),
                          nn.Conv2D(channels, 3, strides=2, padding=1), nn.Activation("relu"))
                self.extras.add(block)
            self.cls_heads = nn.HybridSequential()
            self.loc_heads = nn.HybridSequential()
            for sizes, ratios in zip(self.SIZES, self.RATIOS):
                anchors = len(sizes) + len(ratios) - 1
                self.cls_heads.add(nn.Conv2D(anchors * (classes + 1), 3, padding=1))
                self.loc_heads.add(nn.Conv2D(anchors * 4, 3, padding=1))

    def hybrid_forward(self, F, x):
        features = [self.stage3(x)]
        features.append(self.stage4(features[-1]))
        for block in self.extras:
            features.append(block(features[-1]))
        cls_preds, loc_preds, anchors = [], [], []
        for feat, cls_head, loc_head, sizes, ratios in zip(features, self.cls_heads, self.loc_heads,
                                                           self.SIZES, self.RATIOS):
            cls_preds.append(F.flatten(F.transpose(cls_head(feat), axes=(0, 2, 3, 1))))
            loc_preds.append(F.flatten(F.transpose(loc_head(feat), axes=(0, 2, 3, 1))))
            anchors.append(F.contrib.MultiBoxPrior(feat, sizes=sizes, ratios=ratios, clip=True))
        cls = F.reshape(F.concat(*cls_preds, dim=1), shape=(0, -1, self.classes + 1))
        cls_prob = F.softmax(F.transpose(cls, axes=(0, 2, 1)), axis=1)
        loc = F.concat(*loc_preds, dim=1)
        anchor = F.concat(*anchors, dim=1)
        return F.contrib.MultiBoxDetection(cls_prob, loc, anchor, nms_threshold=0.45, nms_topk=400,
                                           force_suppress=False)


def write_ssd512(folder, classes=4):
    os.makedirs(folder, exist_ok=True)
    net = SSD512(classes)
    net.initialize(mx.init.Xavier(magnitude=0.5))
    net.hybridize()
    net(mx.nd.zeros((1, 3, 512, 512)))
    tmp = os.path.join(folder, "_gluon")
    net.export(tmp, 0)
    sym, args, aux = mx.model.load_checkpoint(tmp, 0)
    sym = mx.sym.identity(sym, name="detection")
    mx.model.save_checkpoint(os.path.join(folder, "deploy_model_algo_1"), 0, sym, args, aux)
    for suffix in ("-symbol.json", "-0000.params"):
        os.remove(tmp + suffix)
    with open(os.path.join(folder, "labels.txt"), "w") as f:
        f.write("\n".join("class%d" % i for i in range(classes)) + "\n")
    return folder
