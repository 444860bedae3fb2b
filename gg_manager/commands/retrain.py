"""`gg model push` and `gg feedback push|pull`: the retraining loop."""
import os

import click

from gg_manager.commands import output
from gg_manager.commands.base import command, format_option, subgroup
from gg_manager.commands.common import AWS_OPTIONS, context
from gg_manager.errors import GGError


def register(cli):
    @subgroup(cli, "model", "push a retrained model: `gg model push DIR`",
              "Models for the spec's `Models:` section.", examples="gg model push ./models/boxes-v2 --name classifier")
    def model():
        pass

    @command(model, "push", "pack a model folder, upload it content-addressed, print the spec lines",
             "Pack the folder into a deterministic tar.gz and upload it to the key a local `Source` of the "
             "spec would get (skipped when that exact content is there); print the `Models:` entry to paste.",
             examples="""
                 gg model push ./models/boxes-v2 --name classifier
                 gg model push model.tar.gz --bucket my-models --destination /ml/boxes --format json
             """)
    @click.argument("path")
    @click.option("--name", help="the model's Id in the spec (default: the folder's name)")
    @click.option("--bucket", help="S3 bucket (default gg-artifacts-ACCOUNT-REGION, created if missing)")
    @click.option("--destination", help="DestinationPath on the core (default /ml/NAME)")
    @AWS_OPTIONS
    @format_option("text", "json")
    def push(args):
        return run_model_push(args)

    @subgroup(cli, "feedback", "collect the frames the inference Lambda was unsure of",
              "Frames the inference Lambda kept (FEEDBACK_THRESHOLD) go to S3 from the device, and come back "
              "sorted by predicted label for labelling.",
              examples="""
                  gg feedback push /home/ggc_user/raw_field_data s3://my-bucket/feedback/store-1 --delete
                  gg feedback pull s3://my-bucket/feedback/ ./to-label
              """)
    def feedback():
        pass

    @command(feedback, "push", "upload kept frames (FEEDBACK_DIR) to S3; run on the device",
             "Upload each kept frame and its JSON record under s3://BUCKET/PREFIX.",
             examples="""
                 gg feedback push /home/ggc_user/raw_field_data s3://my-bucket/feedback/store-1 --delete
             """)
    @click.argument("folder")
    @click.argument("uri", metavar="s3://BUCKET/PREFIX")
    @click.option("--delete", is_flag=True, help="delete each frame once uploaded")
    @AWS_OPTIONS
    @format_option("text", "json")
    def feedback_push(args):
        return run_feedback_push(args)

    @command(feedback, "pull", "download kept frames by predicted label, with index.csv",
             "Download the frames under s3://BUCKET/PREFIX into DEST/<predicted label>/, with DEST/index.csv "
             "(file, predicted label, score, time, path on the device).",
             examples="""
                 gg feedback pull s3://my-bucket/feedback/ ./to-label
             """)
    @click.argument("uri", metavar="s3://BUCKET/PREFIX")
    @click.argument("dest")
    @AWS_OPTIONS
    @format_option("text", "json")
    def feedback_pull(args):
        return run_feedback_pull(args)


def run_model_push(args):
    from gg_manager.retrain.models import push_model
    if not os.path.exists(args.path):
        raise GGError("no model at %s" % args.path)
    name = args.name or os.path.basename(os.path.normpath(args.path)).split(".")[0]
    ctx = context(args)
    uri, uploaded, size = push_model(ctx, args.path, name, args.bucket)
    entry = {"Id": name, "DestinationPath": args.destination or "/ml/" + name, "Source": uri}
    if args.format == "json":
        output.emit_json({"uri": uri, "uploaded": uploaded, "size": size, "model": entry})
        return 0
    output.echo("%s %s (%.1f KB)" % ("uploaded" if uploaded else "already there:", uri, size / 1024.0))
    output.echo("In greengrass.yaml, under Models:")
    output.echo("  - Id: %(Id)s\n    DestinationPath: %(DestinationPath)s\n    Source: %(Source)s" % entry)
    return 0


def run_feedback_push(args):
    from gg_manager.retrain.feedback import push
    count = push(context(args), args.folder, args.uri, args.delete, output.progress(args.format))
    if args.format == "json":
        output.emit_json({"pushed": count, "uri": args.uri, "deleted_locally": bool(args.delete)})
    return 0


def run_feedback_pull(args):
    from gg_manager.retrain.feedback import pull
    rows = pull(context(args), args.uri, args.dest, output.progress(args.format))
    if args.format == "json":
        output.emit_json({"pulled": len(rows), "dest": args.dest, "index": os.path.join(args.dest, "index.csv"),
                          "frames": rows})
    return 0
