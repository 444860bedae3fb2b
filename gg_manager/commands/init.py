"""`gg init [DIR]`: start a project from the example app gg carries (greengrass.yaml, lambdas/)."""
import os

import click

from gg_manager import bundled
from gg_manager.commands import output
from gg_manager.commands.base import command, format_option
from gg_manager.errors import GGError


def register(cli):
    @command(cli, "init", "start a project: write the example greengrass.yaml and the bundled Lambdas",
             "Write the example edge ML app into DIR (default: the current folder): greengrass.yaml (a model, "
             "the camera and inference Lambdas, subscriptions, loggers) and lambdas/ (the two Lambdas it "
             "packages). Refuses to overwrite a file that exists and differs.",
             examples="""
                 gg init my-app && cd my-app
                 gg validate
                 gg plan --var model_source=./models/boxes
             """)
    @click.argument("directory", metavar="[DIR]", default=".", required=False)
    @format_option("text", "json")
    def init(args):
        return run_init(args)


def run_init(args):
    written, same, clashes = [], [], []
    plan = []
    for rel, source in bundled.example_files():
        data = source.read_bytes()
        target = os.path.join(args.directory, *rel.split("/"))
        if os.path.lexists(target):
            if os.path.isfile(target) and not os.path.islink(target) and _read(target) == data:
                same.append(rel)
            else:
                clashes.append(rel)
            continue
        plan.append((rel, target, data))
    if clashes:
        raise GGError("%s already holds %s; nothing was written (start in an empty folder)"
                      % (args.directory, ", ".join(clashes[:5]) + (" and %d more" % (len(clashes) - 5)
                                                                    if len(clashes) > 5 else "")))
    for rel, target, data in plan:
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
        with open(target, "xb") as fh:
            fh.write(data)
        written.append(rel)
    if args.format == "json":
        output.emit_json({"dir": os.path.abspath(args.directory), "written": written, "unchanged": same})
        return 0
    output.echo("wrote %d file%s into %s (greengrass.yaml, lambdas/)%s" % (
        len(written), "" if len(written) == 1 else "s", args.directory,
        "; %d already there, unchanged" % len(same) if same else ""))
    output.echo("next: cd %s && gg validate && gg plan" % args.directory if args.directory != "." else
               "next: gg validate && gg plan")
    return 0


def _read(path):
    with open(path, "rb") as fh:
        return fh.read()
