"""Inference Lambda benchmark: full handler path vs a bare forward of the same model.

    .venv/bin/python bench/inference.py [--iterations 200] [--det-iterations 8]

For each model (mobilenet1_0 classifier in the SageMaker image-classification
layout, SSD-512/ResNet-50 detector in the object-detection deploy layout, both
with random weights) a child process plays the Lambda: it imports the real
handler module (lambdas/inference/inference.py) with the real greengrasssdk,
whose publishes go over HTTP to a stand-in core IPC server in this process.
Each event is built as the local core's runtime loop
(gg_manager/core/runtime_shims/gg_lambda_runtime.py) builds it: a JSON payload
{"filepath": a 640x480 JPEG frame, "frame_id"} decoded per event and a fresh
context per event. Two full paths are timed, each in its own blocks:
  pipelined  the frame arrives through a subscription (client context
             {"custom": {"source", "subject"}}, as the core routes camera frames):
             the handler decodes and returns, a worker runs forward + publish;
  direct     no subject (a direct RequestResponse invoke): served synchronously,
             the result returned.
A full block (read, check, decode, preprocess, forward, postprocess, publish)
ends only when every event's result has been posted (pipeline and publish
worker flushed); each is followed by a block of as many bare forwards (copy a
ready batch in, forward, read outputs) and the blocks alternate, so load from
other processes hits both sides and all background work is charged to the
handler side. Printed: per-stage latency, how long the handler takes to
return, images/s of each path, their ratios, and the Lambda process's peak RSS
(VmHWM).
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAMBDA_DIR = os.path.join(ROOT, "lambdas", "inference")
FAKE_CORE_DIR = os.path.join(ROOT, "tests", "lambdas", "fake_core")
MY_ARN = "arn:aws:lambda:us-east-1:123456789012:function:gg-inference:bench"
ROUTER_ARN = "arn:aws:lambda:::function:GGRouter"
CAMERA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:gg-camera:bench"
FRAME_TOPIC = "bench/camera/frame"
RUNTIME_SHIM = os.path.join(ROOT, "gg_manager", "core", "runtime_shims", "gg_lambda_runtime.py")

CHILD = r"""
import base64, importlib.util, json, os, resource, statistics, sys, time
sys.path[:0] = [os.environ["LAMBDA_DIR"], os.environ["FAKE_CORE_DIR"]]
import numpy as np
# the local core's Lambda runtime loop: how it builds (event, context) for each work item
spec = importlib.util.spec_from_file_location("gg_lambda_runtime", os.environ["RUNTIME_SHIM"])
runtime = importlib.util.module_from_spec(spec)
spec.loader.exec_module(runtime)
t0 = time.perf_counter()
import inference                                    # loads the model, as the core does at start
load_s = time.perf_counter() - t0
service = inference.service
assert service is not None, inference.load_error
frame, n, warmup = os.environ["FRAME"], int(os.environ["ITERATIONS"]), int(os.environ["WARMUP"])
arn = os.environ["MY_FUNCTION_ARN"]
batch = np.random.RandomState(0).uniform(0, 255, service.preprocess.buffer.shape).astype(np.float32)
# a camera frame as the core delivers it through a subscription (Event invoke, client context
# {"custom": {"source", "subject"}}), and the same payload invoked directly (no client context)
routed = base64.b64encode(json.dumps({"custom": {"source": os.environ["CAMERA_ARN"],
                                                 "subject": os.environ["FRAME_TOPIC"]}}).encode()).decode()
modes = {"pipelined": routed, "direct": ""}
STAGES = ("decode", "preprocess", "forward", "postprocess", "publish", "post_bg", "handler")
acc = dict((m, {"full": [], "bare": [], "cpu_full": [], "cpu_bare": [], "bare_each": [],
                "stages": dict((k, []) for k in STAGES), "published": 0}) for m in modes)
block = max(1, min(20, n // 5))
done, frame_id = 0, 0
while done < warmup + n:
    # per cycle and mode: a block of handler events, flushed (pipeline and publish worker, so
    # background work is charged to the handler block), then as many bare forwards; the
    # modes alternate so load drift hits every side
    size = min(block, warmup + n - done)
    for mode, client_context in modes.items():
        a_ = acc[mode]
        ca = time.process_time()
        a = time.perf_counter()
        handler_s = []
        posts = []
        for i in range(size):
            frame_id += 1
            payload = json.dumps({"filepath": frame, "frame_id": frame_id}).encode()
            h = time.perf_counter()
            context = runtime.LambdaContext(arn, None, runtime.decode_client_context(client_context), 3.0)
            result = inference.function_handler(runtime.decode_event(payload), context)
            runtime.encode_result(result)
            handler_s.append(time.perf_counter() - h)
            posts.append(service.publisher.last_post_s * 1000)
            if mode == "direct":
                assert "prediction" in result, result
            else:
                assert result is None, result
        service.flush()
        b = time.perf_counter()
        cb = time.process_time()
        for i in range(size):
            t = time.perf_counter()
            service.backend.forward(batch)
            if done >= warmup:
                a_["bare_each"].append((time.perf_counter() - t) * 1000)
        c = time.perf_counter()
        cc = time.process_time()
        if done >= warmup:
            a_["full"].append((b - a, size))
            a_["bare"].append((c - b, size))
            a_["cpu_full"].append(cb - ca)
            a_["cpu_bare"].append(cc - cb)
            for t in list(service.recent_timings)[-size:]:
                for k, v in t.items():
                    a_["stages"][k].append(v)
            a_["stages"]["post_bg"].extend(posts)
            a_["stages"]["handler"].extend(v * 1000 for v in handler_s)
            a_["published"] += size
    done += size
last = json.loads(runtime.encode_result(inference.function_handler({"filepath": frame, "frame_id": -1}, None)))
service.flush()
hwm = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
out = {"load_s": load_s, "device": service.model["device"], "peak_rss_mb": hwm / 1024.0,
       "posted": service.publisher.posted, "pipeline": service.pipeline is not None,
       "detections": len(last["prediction"]) if service.info.task == "detection" else None}
for mode, a_ in acc.items():
    full_s, bare_s = sum(t for t, _ in a_["full"]), sum(t for t, _ in a_["bare"])
    count = sum(k for _, k in a_["full"])
    out[mode] = {
        "stages_ms": dict((k, statistics.median(v)) for k, v in a_["stages"].items()),
        "stages_mean_ms": dict((k, statistics.mean(v)) for k, v in a_["stages"].items()),
        "full_ips": count / full_s, "bare_ips": count / bare_s, "blocks": len(a_["full"]),
        "paired_ratio": statistics.median((b[0] / b[1]) / (f[0] / f[1]) for f, b in zip(a_["full"], a_["bare"])),
        "bare_forward_median_ms": statistics.median(a_["bare_each"]),
        "cpu_full_ms": sum(a_["cpu_full"]) / count * 1000, "cpu_bare_ms": sum(a_["cpu_bare"]) / count * 1000,
        "full_mean_ms": full_s / count * 1000, "bare_mean_ms": bare_s / count * 1000,
    }
print(json.dumps(out))
"""


def start_ipc_server():
    """Accepts the Event invokes greengrasssdk posts to the router, like the core's IPC.

    A minimal accept/read/answer loop (the real daemon is compiled Go), so the
    stand-in does not bill Python HTTP-server overhead to the Lambda's CPUs.
    """
    counter = {"posts": 0}
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    answer = b"HTTP/1.1 202 Accepted\r\nX-Amz-InvocationId: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                while len(body) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    body += chunk
                conn.sendall(answer)
                counter["posts"] += 1

    threading.Thread(target=serve, daemon=True).start()
    return listener, counter


def write_frame(path, width, height, noise=3.0, quality=90):
    """A camera-like 640x480 scene: lit background, 25 solid objects, lens blur, sensor noise.

    Encoded as the camera Lambda writes frames (JPEG_QUALITY 90 by default).
    """
    import cv2
    import numpy as np
    rng = np.random.RandomState(1)
    y, x = np.mgrid[0:height, 0:width]
    image = np.dstack([x * 255.0 / width, y * 255.0 / height, (x + y) * 127.0 / (width + height) + 60])
    image = image.astype(np.float32)
    for i in range(25):
        colour = tuple(int(v) for v in rng.randint(0, 255, 3))
        if i % 2:
            p1 = (int(rng.randint(0, width)), int(rng.randint(0, height)))
            p2 = (int(rng.randint(0, width)), int(rng.randint(0, height)))
            cv2.rectangle(image, p1, p2, colour, -1)
        else:
            centre = (int(rng.randint(0, width)), int(rng.randint(0, height)))
            cv2.circle(image, centre, int(rng.randint(10, 80)), colour, -1)
    image = cv2.GaussianBlur(image, (0, 0), 1.5) + rng.normal(0, noise, image.shape)
    cv2.imwrite(path, np.clip(image, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality])
    return os.path.getsize(path)


def run_child(model_dir, frame, iterations, warmup, ipc_url, extra_env=None):
    env = dict(os.environ, LAMBDA_DIR=LAMBDA_DIR, FAKE_CORE_DIR=FAKE_CORE_DIR, MODEL_PATH=model_dir,
               FRAME=frame, ITERATIONS=str(iterations), WARMUP=str(warmup), FAKE_IPC_URL=ipc_url,
               MY_FUNCTION_ARN=MY_ARN, ROUTER_FUNCTION_ARN=ROUTER_ARN, LOG_LEVEL="WARNING",
               OUTPUT_TOPIC="bench/out", ERROR_TOPIC="bench/err", CAMERA_ARN=CAMERA_ARN,
               FRAME_TOPIC=FRAME_TOPIC, RUNTIME_SHIM=RUNTIME_SHIM,
               FRAME_DIR=os.path.dirname(frame))      # the Lambda reads frame files only from here
    env.update(extra_env or {})
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("benchmark child failed:\n" + out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


MODES = (("pipelined", "subscription-routed frames (Event invoke with a subject): pipelined"),
         ("direct", "direct invoke (no subject, RequestResponse): synchronous, result returned"))


def report(name, r):
    print("\n== {} ({}) ==".format(name, r["device"]))
    print("  model load            {:8.0f} ms; Lambda peak RSS {:.1f} MB".format(r["load_s"] * 1000, r["peak_rss_mb"]))
    for mode, title in MODES:
        m = r[mode]
        s = m["stages_ms"]
        print("  -- {}".format(title))
        print("  stage median ms       decode {decode:.2f} | preprocess {preprocess:.2f} | forward {forward:.2f}"
              " | postprocess {postprocess:.2f} | publish {publish:.2f}".format(**s))
        print("  handler returns after {:8.2f} ms median (mean {:.2f}; the core's next event can start then)".format(
            s["handler"], m["stages_mean_ms"]["handler"]))
        print("  bare forward median   {:8.2f} ms (the same call outside the handler)".format(
            m["bare_forward_median_ms"]))
        print("  publish worker        {:8.2f} ms per message (JSON + HTTP POST, off the handler's path)".format(
            s["post_bg"]))
        print("  full handler path     {:8.2f} images/s  (mean {:.2f} ms; every result published)".format(
            m["full_ips"], m["full_mean_ms"]))
        print("  bare forward          {:8.2f} images/s  (mean {:.2f} ms)".format(m["bare_ips"], m["bare_mean_ms"]))
        print("  ratio full/bare       {:8.3f}  (all blocks); {:.3f} median of {} adjacent block pairs".format(
            m["full_ips"] / m["bare_ips"], m["paired_ratio"], m["blocks"]))
        print("  CPU time per image    {:8.2f} ms full path vs {:.2f} ms bare forward (ratio {:.3f};"
              " all threads of the Lambda)".format(m["cpu_full_ms"], m["cpu_bare_ms"],
                                                    m["cpu_bare_ms"] / m["cpu_full_ms"]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=400, help="classifier events timed (default 400)")
    parser.add_argument("--det-iterations", type=int, default=8, help="detector events timed (default 8)")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--threads", default="0,1",
                        help="CPU_THREADS values to compare, 0 = runtime default (default: 0,1)")
    parser.add_argument("--skip-detector", action="store_true")
    parser.add_argument("--json", action="store_true", help="also print the raw results as JSON")
    args = parser.parse_args(argv)

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench_models

    server, counter = start_ipc_server()
    ipc_url = "http://127.0.0.1:%d" % server.getsockname()[1]
    results = {}
    with tempfile.TemporaryDirectory(prefix="gg-bench-") as tmp:
        frame = os.path.join(tmp, "frame.jpg")
        size = write_frame(frame, args.width, args.height)
        print("frame: {}x{} camera-like JPEG (q90, sensor noise), {} bytes; CPUs: {}; publish: HTTP POST to a local IPC stand-in".format(
            args.width, args.height, size, os.cpu_count()))
        started = time.time()
        print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        threads = [int(t) for t in args.threads.split(",")]
        models = [("classifier", "mobilenet1_0 224x224, SageMaker image-classification layout",
                   bench_models.write_mobilenet, args.iterations, 20)]
        if not args.skip_detector:
            models.append(("detector", "SSD-512 / ResNet-50, SageMaker object-detection deploy layout",
                           bench_models.write_ssd512, args.det_iterations, 2))
        for key, title, build, iterations, warmup in models:
            folder = build(os.path.join(tmp, key))
            for n in threads:
                name = "{} CPU_THREADS={}".format(key, n or "default")
                results[name] = run_child(folder, frame, iterations, warmup, ipc_url,
                                          {"CPU_THREADS": str(n)} if n else None)
                report("{}: {}".format(name, title), results[name])
        print("\nside by side, full/bare throughput ratio (all blocks | median of block pairs):")
        for name, r in results.items():
            for mode, _ in MODES:
                m = r[mode]
                print("  {:32s} {:9s} {:.3f} | {:.3f}   ({:.1f} vs {:.1f} images/s, peak RSS {:.0f} MB)".format(
                    name, mode, m["full_ips"] / m["bare_ips"], m["paired_ratio"], m["full_ips"], m["bare_ips"],
                    r["peak_rss_mb"]))
        print("IPC posts received: {}; wall time {:.0f} s; load average at end: {:.2f} {:.2f} {:.2f}".format(
            counter["posts"], time.time() - started, *os.getloadavg()))
    server.close()
    if args.json:
        print(json.dumps(results, indent=1, sort_keys=True))
    return results


if __name__ == "__main__":
    main()
