"""`make demo`: the example edge ML app trained, deployed and scored on one machine.

dataset.py    generated frames of coloured boxes and a camera clip with ground truth
train.py      a small MXNet classifier saved in SageMaker image-classification layout
processes.py  gg commands and the background `gg core run`
predictions.py  the cloud-side MQTT listener and the score against ground truth
run.py        the steps, the report, and the cleanup that leaves nothing behind
"""
