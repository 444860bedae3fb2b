"""The demo's pieces that need no sandbox: the clip and its ground truth, and the score."""
import json
import os

import pytest

from gg_manager.demo import dataset
from gg_manager.demo.predictions import Score

cv2 = pytest.importorskip("cv2")


def test_clip_has_one_frame_per_label_and_its_ground_truth(tmp_path):
    labels = dataset.clip_labels(frames_per_label=2, rounds=2)
    assert len(labels) == 2 * 2 * len(dataset.LABELS)
    assert sorted(set(labels)) == sorted(dataset.LABELS)
    path = dataset.write_clip(str(tmp_path), labels)
    capture = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    assert len(frames) == len(labels)
    assert frames[0].shape == (dataset.FRAME_SIZE[1], dataset.FRAME_SIZE[0], 3)
    with open(os.path.join(str(tmp_path), "truth.json")) as fh:
        assert json.load(fh)["labels"] == labels


def _prediction(source_frame, label, score=0.9, **extra):
    return dict({"source_frame": source_frame, "frame_id": source_frame + 1,
                 "top": [{"index": 0, "label": label, "score": score}],
                 "model": {"sha256": "abc"}, "latency_ms": {"forward": 2.0}}, **extra)


def test_score_counts_every_answer_against_the_frame_it_came_from():
    score = Score(["red", "blue", "empty"])
    assert score.add(_prediction(0, "red")).correct
    assert not score.add(_prediction(1, "green")).correct
    assert score.add(_prediction(0, "red")).correct          # a frame seen twice counts twice
    assert score.add({"frame_id": 9, "top": [{"label": "red"}]}) is None     # no source_frame: not scored
    assert score.add(_prediction(7, "red")) is None                          # outside the clip
    assert (score.covered, len(score.rows)) == (2, 3)
    assert score.accuracy == pytest.approx(2 / 3.0)
    assert score.confusion() == {("blue", "green"): 1}
    assert score.forward_median_ms() == 2.0 and score.model == {"sha256": "abc"}


def test_the_leftovers_check_lists_v2_resources_too(sandbox):
    """What the demo checks after gg remove covers Greengrass V2: a component, a thing group, an IoT policy
    and a job made with plain boto3 are each reported."""
    import types

    from gg_manager.demo.leftovers import aws_leftovers

    name = sandbox.unique_name("demo")
    gg2, iot = sandbox.boto3_client("greengrassv2"), sandbox.boto3_client("iot")
    gg2.create_component_version(inlineRecipe=json.dumps({
        "RecipeFormatVersion": "2020-01-25", "ComponentName": name, "ComponentVersion": "1.0.0"}).encode())
    group_arn = iot.create_thing_group(thingGroupName=name)["thingGroupArn"]
    iot.create_policy(policyName=name, policyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iot:Connect", "Resource": "*"}]}))
    iot.create_job(jobId=name, targets=[group_arn], document="{}")
    found = aws_leftovers(types.SimpleNamespace(endpoint_url=sandbox.endpoint_url, region=sandbox.region), name)
    assert name in found["components"] and name in found["thing groups"], found
    assert name in found["iot policies"] and name in found["jobs"], found
