"""Where the Lambdas and the fake core live, and the ARNs the fake core hands them."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
INFERENCE_DIR = os.path.join(ROOT, "lambdas", "inference")
CAMERA_DIR = os.path.join(ROOT, "lambdas", "camera")
FAKE_CORE_DIR = os.path.join(HERE, "fake_core")

MY_ARN = "arn:aws:lambda:us-east-1:123456789012:function:gg-inference:live"
ROUTER_ARN = "arn:aws:lambda:::function:GGRouter"
