"""python -m gg_manager.demo (what `make demo` runs): see gg_manager/demo/run.py."""
import argparse
import sys

from .run import TARGETS, Options, main


def parse(argv=None):
    defaults = Options()
    p = argparse.ArgumentParser(
        prog="python -m gg_manager.demo",
        description="Train a classifier, deploy the example greengrass.yaml to a local sandbox and core "
                    "(Greengrass V2 by default), "
                    "score the predictions of a generated camera clip, then remove everything.",
        epilog="Example: make demo   (V1: make demo TARGET=v1, or .venv/bin/python -m gg_manager.demo --target v1)")
    p.add_argument("--target", choices=sorted(TARGETS), default=defaults.target,
                   help="deploy to Greengrass V2 (a local V2 core device) or V1 (a local V1 core) (default %(default)s)")
    p.add_argument("--work-dir", default=defaults.work_dir, help="scratch folder, emptied first (default %(default)s)")
    p.add_argument("--spec", default="", help="the example spec, beside its lambdas/ (default: the example gg "
                                              "carries, as `gg init` writes it)")
    p.add_argument("--samples", type=int, default=defaults.samples, help="training images (default %(default)s)")
    p.add_argument("--epochs", type=int, default=defaults.epochs, help="training epochs (default %(default)s)")
    p.add_argument("--capture-fps", type=float, default=defaults.capture_fps,
                   help="camera rate (default %(default)s)")
    p.add_argument("--min-accuracy", type=float, default=defaults.min_accuracy,
                   help="exit 1 below this share of right predictions (default %(default)s)")
    a = p.parse_args(argv)
    return Options(target=a.target, work_dir=a.work_dir, spec=a.spec, samples=a.samples, epochs=a.epochs,
                   capture_fps=a.capture_fps, min_accuracy=a.min_accuracy)


if __name__ == "__main__":
    sys.exit(main(parse()))
