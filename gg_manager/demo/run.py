"""`make demo`: the whole chain on one machine, then everything removed again.

sandbox -> train a classifier -> gg create -> local core -> gg deploy -> camera
Lambda plays a generated clip -> inference Lambda -> MQTT predictions scored
against the clip's ground truth -> gg remove -> core and sandbox stopped.

On Greengrass V2 (the default) the local core is a V2 core device reading the config.yaml
gg create wrote beside its key, and gg remove runs while it still runs (the device takes the
empty revision); on V1 (`--target v1`) it is a V1 core reading config/config.json.
"""
import os
import shutil
import signal
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from gg_manager import bundled, logstamp
from gg_manager.core.launcher import lambda_pids
from gg_manager.sandbox import process as sandbox_process

from . import dataset, train
from .leftovers import aws_leftovers
from .predictions import Listener, Score
from .processes import alive, run_gg, start_core

GROUP = "gg-demo"
CORE = GROUP + "_Core"          # the example's core: {{ group }}_Core, keys in ./certs
TARGETS = {                     # target: (what it is called, the core's config file in the app, its logs)
    "v2": ("Greengrass V2", os.path.join("certs", CORE + ".config.yaml"), "core/logs/<component>.log"),
    "v1": ("Greengrass V1", os.path.join("config", "config.json"), "core/var/log/user/... (one per Lambda)"),
}
STALL_S = 15.0                  # no new clip frame answered for this long: the stream is stuck


@dataclass
class Options:
    work_dir: str = ".gg/demo"
    target: str = "v2"             # v2 | v1: where gg deploys the example and which local core runs it
    spec: str = ""                 # the example greengrass.yaml (default: the one gg carries, as `gg init` writes it)
    samples: int = 1000
    epochs: int = 5
    frames_per_label: int = 5
    rounds: int = 2
    capture_fps: float = 10.0
    min_accuracy: float = 0.9
    stream_timeout: float = 90.0


class DemoFailed(Exception):
    """A step did not do what it should; the message says which and why."""


class Demo:
    def __init__(self, options, out=None):
        self.o = options
        self.out = out or (lambda text="": print(text, flush=True))
        self.work = os.path.abspath(options.work_dir)
        self.app = os.path.join(self.work, "app")
        self.timings = []
        self.sandbox = self.core = self.listener = None
        self.created = False
        self.env = None
        self.vars = []
        self.score = None
        self.problems = []          # found while cleaning up: anything left behind

    # -- helpers --------------------------------------------------------------
    @contextmanager
    def timed(self, name):
        started = time.monotonic()
        try:
            yield
        finally:
            self.timings.append((name, time.monotonic() - started))

    def step(self, text):
        self.out("")
        self.out("== " + text)

    def gg(self, *args, show=None):
        """Run gg in the app folder; print its lines (all, or those `show` accepts); fail on non-zero."""
        log = open(os.path.join(self.work, "gg-%s.log" % args[0]), "a")

        def echo(line):
            log.write(logstamp.stamp_line(line) + "\n")
            if show is None or show(line):
                self.out("   | " + line)

        try:
            code, output = run_gg(list(args) + self.vars, self.env, self.app, echo)
        finally:
            log.close()
        if code != 0:
            raise DemoFailed("`gg %s` exited %d" % (" ".join(args), code))
        return output

    # -- the run ----------------------------------------------------------------
    def run(self):
        started = time.monotonic()
        try:
            self.prepare()
            self.train_model()
            self.provision()
            self.deploy()
            self.stream()
            self.on_demand()
        finally:
            self.cleanup()
        self.timings.append(("total", time.monotonic() - started))
        return self.report()

    def prepare(self):
        stale = sandbox_process.read_sandbox(os.path.join(self.work, "sandbox"))
        if stale:                       # a demo killed with SIGKILL: its sandbox outlived it
            sandbox_process.stop_sandbox(os.path.join(self.work, "sandbox"))
        if self.o.spec:
            spec = os.path.abspath(self.o.spec)
            lambdas = os.path.join(os.path.dirname(spec), "lambdas")
            if not os.path.isfile(spec) or not os.path.isdir(lambdas):
                raise DemoFailed("the example %s and its lambdas/ folder are needed" % spec)
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.app)
        if self.o.spec:
            shutil.copy(spec, os.path.join(self.app, "greengrass.yaml"))
            os.symlink(lambdas, os.path.join(self.app, "lambdas"))
        else:                           # the example app gg carries (what `gg init` writes)
            for rel, source in bundled.example_files():
                target = os.path.join(self.app, *rel.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as fh:
                    fh.write(source.read_bytes())
        self.step("Sandbox: a local AWS endpoint and MQTT broker (work folder %s)" % self.work)
        with self.timed("sandbox start"):
            self.sandbox = sandbox_process.start_sandbox(state_dir=os.path.join(self.work, "sandbox"),
                                                         exit_with_parent=True)
        self.env = {k: v for k, v in os.environ.items() if k not in ("AWS_PROFILE", "AWS_SESSION_TOKEN")}
        self.env.update(self.sandbox.env())
        self.out("   AWS endpoint %s, MQTT %s:%s" % (self.sandbox.endpoint_url, self.sandbox.mqtt_host,
                                                    self.sandbox.mqtt_port))

    def train_model(self):
        self.step("Training a classifier of coloured boxes (%s)" % ", ".join(dataset.LABELS))
        model = os.path.join(self.app, "model")
        with self.timed("training"):
            result = train.train(model, samples=self.o.samples, epochs=self.o.epochs)
        self.out("   %d images, %d epochs, %.1fs; validation accuracy %.1f%%" % (
            result.samples, result.epochs, result.seconds, 100 * result.validation_accuracy))
        self.out("   saved in SageMaker image-classification layout: %s" % ", ".join(sorted(os.listdir(model))))
        self.truth = dataset.clip_labels(self.o.frames_per_label, self.o.rounds)
        clip = dataset.write_clip(os.path.join(self.work, "clip"), self.truth)
        self.out("   camera clip: %s (%d frames, %dx%d, ground truth in truth.json)" % (
            clip, len(self.truth), dataset.FRAME_SIZE[0], dataset.FRAME_SIZE[1]))
        self.vars = ["--target", self.o.target]
        for key, value in (("group", GROUP), ("model_source", "./model"), ("camera_source", clip),
                           ("frames_dir", os.path.join(self.work, "frames")),
                           ("feedback_dir", os.path.join(self.work, "feedback")),
                           ("capture_fps", "%g" % self.o.capture_fps)):
            self.vars += ["--var", "%s=%s" % (key, value)]

    def provision(self):
        self.step("gg create  (the example greengrass.yaml on %s, rendered with %s)" % (
            TARGETS[self.o.target][0], " ".join(v for v in self.vars if "=" in v)))
        self.created = True           # from here on, cleanup runs gg remove
        with self.timed("gg create"):
            self.gg("create", "--yes", show=lambda line: not line.startswith(("shared: ", "group %s: " % GROUP))
                    or "wrote" in line)
        config = os.path.join(self.app, TARGETS[self.o.target][1])
        self.step("Local %s core: gg core run --config %s (log: %s)" % (
            TARGETS[self.o.target][0], os.path.relpath(config, self.app), os.path.join(self.work, "core.log")))
        self.core = start_core(config, os.path.join(self.work, "core"), self.env, os.path.join(self.work, "core.log"),
                               self.app)
        self.out("   pid %d" % self.core.proc.pid)
        self.topic = "gg/%s" % GROUP
        self.listener = Listener(self.sandbox.mqtt_host, self.sandbox.mqtt_port)
        self.listener.subscribe(self.topic + "/predictions", self.topic + "/errors")
        self.out("   cloud side subscribed to %s/predictions and %s/errors" % (self.topic, self.topic))

    def deploy(self):
        self.step("gg deploy  (waits for the core's report%s)" % (
            ": the device's SUCCEEDED" if self.o.target == "v2" else ""))
        self.deploy_started = time.monotonic()
        try:
            with self.timed("gg deploy"):
                self.gg("deploy", "--timeout", "180")
        except DemoFailed:
            raise DemoFailed("deployment failed; core log:\n" + self.core.tail())

    def stream(self):
        self.step("Predictions from the camera clip (%d frames at %g fps)" % (len(self.truth), self.o.capture_fps))
        self.score = Score(self.truth)
        self.out("   %-9s %6s %5s  %-8s %5s  %-8s" % ("progress", "frame", "clip", "label", "score", "truth"))
        deadline = time.monotonic() + self.o.stream_timeout
        first = None
        with self.timed("stream"):
            progressed = time.monotonic()
            while self.score.covered < len(self.truth):
                item = self.listener.next(min(20.0, deadline - time.monotonic()))
                now = time.monotonic()
                if item is None or now > deadline:
                    raise DemoFailed("%d of %d clip frames answered in time; core log:\n%s" % (
                        self.score.covered, len(self.truth), self.core.tail()))
                if now - progressed > STALL_S:
                    raise DemoFailed(
                        "no new clip frame answered for %.0fs (%d of %d so far). The camera publishes a frame "
                        "only while fewer than MAX_IN_FLIGHT are unanswered: does the spec route %s/predictions "
                        "and %s/errors to Lambda::%s-camera?" % (now - progressed, self.score.covered,
                                                                  len(self.truth), self.topic, self.topic, GROUP))
                topic, message = item
                if topic.endswith("/errors"):
                    self.score.errors.append(message)
                    self.out("   error from inference: %s" % (message.get("error") if isinstance(message, dict)
                                                               else message))
                    continue
                covered = self.score.covered
                row = self.score.add(message) if isinstance(message, dict) else None
                if row is None:
                    continue
                if self.score.covered > covered:
                    progressed = now
                if first is None:
                    first = time.monotonic() - self.deploy_started
                self.out("   [%3d/%3d] %6d %5d  %-8s %5.2f  %-8s %s" % (
                    self.score.covered, len(self.truth), row.frame_id, row.source_frame, row.label, row.score,
                    row.truth, "ok" if row.correct else "WRONG"))
        self.timings.append(("first prediction after gg deploy started", first))

    def on_demand(self):
        request_id = "demo-" + uuid.uuid4().hex[:6]
        topic = "/request/classify/demo"
        self.step("On-demand capture: cloud -> %s {\"id\": \"%s\"}" % (topic, request_id))
        sent = time.monotonic()
        self.listener.publish(topic, {"id": request_id})
        deadline = sent + 20
        while time.monotonic() < deadline:
            item = self.listener.next(deadline - time.monotonic())
            if item and isinstance(item[1], dict) and item[1].get("id") == request_id:
                message = item[1]
                row = self.score.add(message)
                if row is None:
                    raise DemoFailed("the answer to %s is not a clip prediction: %s" % (request_id, message))
                self.out("   answered in %.0f ms: frame %d (clip %d) %s %.2f, truth %s %s" % (
                    1000 * (time.monotonic() - sent), row.frame_id, row.source_frame, row.label, row.score,
                    row.truth, "ok" if row.correct else "WRONG"))
                return
        raise DemoFailed("no prediction answered the request %s within 20s" % request_id)

    # -- the end ------------------------------------------------------------------
    def cleanup(self):
        self.step("Cleaning up")
        if self.listener is not None:
            self.listener.close()
        if self.o.target == "v2":       # the device takes the empty revision gg remove deploys, then stops
            self.remove()
            self.stop_core()
        else:                           # a V1 core stops first: gg remove resets the group's deployments
            self.stop_core()
            self.remove()
        if self.sandbox is not None:
            self.sandbox.stop()
            self.out("   sandbox stopped")
        self.check_processes()

    def stop_core(self):
        if self.core is None:
            return
        stuck, left = self.core.stop()
        self.out("   core stopped (exit %s)" % self.core.proc.returncode)
        if stuck:
            self.problems.append("the core ignored SIGTERM and was killed")
        if left:
            self.problems.append("Lambda processes outlived the core: %s" % left)

    def remove(self):
        if not (self.created and self.sandbox is not None):
            return
        try:
            with self.timed("gg remove"):
                # --all: the demo's sandbox holds no other app, so gg's shared bucket and tables go too
                self.gg("remove", "--yes", "--purge-local", "--all", show=lambda line: line.startswith("Removed"))
        except DemoFailed as exc:
            self.problems.append(str(exc))
        self.check_aws_empty()

    def check_aws_empty(self):
        """What the AWS APIs still list of the demo: nothing, if gg remove did its job."""
        try:
            left = aws_leftovers(self.sandbox, GROUP)
        except Exception as exc:  # a listing that fails is a problem to report, not a crash in cleanup
            self.problems.append("cannot list AWS resources: %s" % exc)
            return
        if left:
            self.problems.append("AWS resources left after gg remove: %s" % left)
        self.out("   AWS after gg remove: %s" % (
            "nothing left (no group, component, deployment, core device, function, thing, thing group, "
            "certificate, policy, role alias, job, role, bucket or table)" if not left else left))

    def check_processes(self):
        pids = {"sandbox": self.sandbox.pid if self.sandbox else None,
                "core": self.core.proc.pid if self.core else None}
        running = [name for name, pid in pids.items() if pid and alive(pid)]
        running += ["lambda %d" % pid for pid in lambda_pids(os.path.join(self.work, "core"))]
        if running:
            self.problems.append("processes still running: %s" % ", ".join(running))
        self.out("   processes left: %s" % (", ".join(running) or "none"))

    def report(self):
        s = self.score
        self.step("Result")
        correct = sum(r.correct for r in s.rows)
        ok = s.accuracy >= self.o.min_accuracy and not self.problems
        self.out("   accuracy: %d/%d = %.1f%% on %d distinct clip frames (%.0f%% required)%s" % (
            correct, len(s.rows), 100 * s.accuracy, s.covered, 100 * self.o.min_accuracy,
            "" if s.accuracy >= self.o.min_accuracy else "  <-- TOO LOW"))
        if s.confusion():
            self.out("   mistakes (truth -> predicted): %s" % ", ".join(
                "%s -> %s x%d" % (t, p, n) for (t, p), n in sorted(s.confusion().items())))
        if s.errors:
            self.out("   inference errors: %d" % len(s.errors))
        if s.model:
            m = s.model
            forward = s.forward_median_ms()
            self.out("   model: %s %s, %s epoch %s, sha256 %s, on %s; median forward %s" % (
                m.get("backend"), m.get("task"), m.get("name"), m.get("epoch"), m.get("sha256"), m.get("device"),
                "%.2f ms" % forward if forward is not None else "-"))
        self.out("   timings: " + ", ".join("%s %.1fs" % (n, t) for n, t in self.timings if t is not None))
        self.out("   logs kept in %s: core.log, gg-*.log, %s" % (self.work, TARGETS[self.o.target][2]))
        for problem in self.problems:
            self.out("   PROBLEM: " + problem)
        self.out("")
        self.out("demo %s" % ("passed" if ok else "FAILED"))
        return 0 if ok else 1


def main(options=None):
    demo = Demo(options or Options())

    def on_term(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        return demo.run()
    except DemoFailed as exc:
        print("\ndemo FAILED: %s" % exc, file=sys.stderr, flush=True)
        for problem in demo.problems:
            print("PROBLEM: " + problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ndemo interrupted; everything it started was stopped and removed", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
