"""Network outputs -> the connector-compatible prediction.

classification: {"prediction": [p0, p1, ...], "top": [{"index", "label", "score"}, ...]}
detection:      {"prediction": [[class, score, xmin, ymin, xmax, ymax], ...]}
                boxes normalised to [0, 1], rows with class -1 or score below the
                threshold removed, best first.
"""
import numpy as np


def detect_task(outputs):
    first = outputs[0]
    if first.ndim == 3 and first.shape[-1] == 6:
        return "detection"
    if len(outputs) == 3 and outputs[2].ndim == 3 and outputs[2].shape[-1] == 4:
        return "detection"
    return "classification"


def as_probabilities(scores):
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    total = scores.sum()
    if scores.min() >= 0.0 and abs(total - 1.0) < 1e-3:
        return scores
    shifted = np.exp(scores - scores.max())          # logits: apply softmax
    return shifted / shifted.sum()


def classification(outputs, labels=None, top_k=5, decimals=-1):
    """decimals >= 0 rounds the published list (1000 short floats encode 2-3x faster as JSON)."""
    probs = as_probabilities(outputs[0][0])
    k = min(top_k, probs.size)
    top_idx = np.argpartition(-probs, k - 1)[:k]
    top_idx = top_idx[np.argsort(-probs[top_idx], kind="stable")]
    top = []
    for i in top_idx.tolist():
        entry = {"index": i, "score": float(probs[i])}
        entry["label"] = labels[i] if labels is not None and i < len(labels) else str(i)
        top.append(entry)
    prediction = (np.round(probs, decimals) if decimals >= 0 else probs).tolist()
    return {"prediction": prediction, "top": top}, float(probs[top_idx[0]])


def _neo_detections(outputs, input_hw):
    """GluonCV SSD/YOLO compiled by Neo: ids (1,N,1), scores (1,N,1), boxes in pixels (1,N,4)."""
    ids, scores, boxes = (np.asarray(o, dtype=np.float64)[0] for o in outputs[:3])
    height, width = input_hw
    boxes = boxes / np.array([width, height, width, height], dtype=np.float64)
    return np.concatenate([ids.reshape(-1, 1), scores.reshape(-1, 1), boxes], axis=1)


def detection(outputs, threshold=0.5, input_hw=None, labels=None):
    if outputs[0].ndim == 3 and outputs[0].shape[-1] == 6:
        rows = np.asarray(outputs[0][0], dtype=np.float64)
    else:
        rows = _neo_detections(outputs, input_hw)
    keep = (rows[:, 0] >= 0) & (rows[:, 1] >= threshold)
    rows = rows[keep]
    rows = rows[np.argsort(-rows[:, 1], kind="stable")]
    rows[:, 2:] = np.clip(rows[:, 2:], 0.0, 1.0)
    result = {"prediction": rows.tolist()}
    if labels is not None:
        result["labels"] = [labels[int(c)] if 0 <= int(c) < len(labels) else str(int(c)) for c in rows[:, 0]]
    best = float(rows[0, 1]) if len(rows) else 0.0
    return result, best
