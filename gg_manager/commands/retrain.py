"""`gg model push` and `gg feedback push|pull`: the retraining loop."""
import os
import sys

from gg_manager.aws.session import add_aws_options
from gg_manager.commands.common import context
from gg_manager.errors import GGError


def register(sub):
    p = sub.add_parser("model", help="push a retrained model: `gg model push DIR`")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    push = actions.add_parser("push", help="pack a model folder, upload it content-addressed, print the spec line",
                              epilog="Example: gg model push ./models/boxes-v2 --name classifier")
    push.add_argument("path", help="a model folder (or a .tar.gz)")
    push.add_argument("--name", help="the model's Id in the spec (default: the folder's name)")
    push.add_argument("--bucket", help="S3 bucket (default gg-artifacts-ACCOUNT-REGION, created if missing)")
    push.add_argument("--destination", help="DestinationPath on the core (default /ml/NAME)")
    add_aws_options(push)
    push.set_defaults(func=run_model_push)
    p.set_defaults(func=lambda args: p.print_help() or 2)

    p = sub.add_parser("feedback", help="collect the frames the inference Lambda was unsure of")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    fpush = actions.add_parser("push", help="upload kept frames (FEEDBACK_DIR) to S3; run on the device",
                               epilog="Example: gg feedback push /home/ggc_user/raw_field_data "
                                      "s3://my-bucket/feedback/store-1 --delete")
    fpush.add_argument("folder")
    fpush.add_argument("uri", metavar="s3://BUCKET/PREFIX")
    fpush.add_argument("--delete", action="store_true", help="delete each frame once uploaded")
    add_aws_options(fpush)
    fpush.set_defaults(func=run_feedback_push)
    fpull = actions.add_parser("pull", help="download kept frames by predicted label, with index.csv",
                               epilog="Example: gg feedback pull s3://my-bucket/feedback/ ./to-label")
    fpull.add_argument("uri", metavar="s3://BUCKET/PREFIX")
    fpull.add_argument("dest")
    add_aws_options(fpull)
    fpull.set_defaults(func=run_feedback_pull)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def run_model_push(args):
    from gg_manager.retrain.models import push_model
    if not os.path.exists(args.path):
        raise GGError("no model at %s" % args.path)
    name = args.name or os.path.basename(os.path.normpath(args.path)).split(".")[0]
    ctx = context(args)
    uri, uploaded, size = push_model(ctx, args.path, name, args.bucket)
    print("%s %s (%.1f KB)" % ("uploaded" if uploaded else "already there:", uri, size / 1024.0))
    print("In greengrass.yaml, under Models:")
    print("  - Id: %s\n    DestinationPath: %s\n    Source: %s" % (
        name, args.destination or "/ml/" + name, uri))
    return 0


def run_feedback_push(args):
    from gg_manager.retrain.feedback import push
    push(context(args), args.folder, args.uri, args.delete, sys.stdout)
    return 0


def run_feedback_pull(args):
    from gg_manager.retrain.feedback import pull
    pull(context(args), args.uri, args.dest, sys.stdout)
    return 0
