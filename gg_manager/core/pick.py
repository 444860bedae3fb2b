"""Which core `gg core run` plays, and from which file: a V1 core (config.json) or a V2 core device (config.yaml).

    --config given          its kind: `.yaml`/`.yml` is the nucleus config.yaml gg apply writes for a V2 core,
                            anything else V1's config.json (`--target` overrides)
    else, a spec (-f)       the spec's group (--group when it has several; else the one whose file gg wrote):
                            its target (the file's `Target:`, or --target) and the file gg apply writes for
                            its core: V2 `<key_path>/<core>.config.yaml`, V1 `<config_path>/config.json`
    else                    V1's `config/config.json`, as before V2

Problems are one-line GGErrors that say what to pass.
"""
import os
import sys
from dataclasses import dataclass

from gg_manager.errors import GGError

V1_DEFAULT = os.path.join("config", "config.json")
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Choice:
    target: str            # "v1" | "v2"
    config: str            # the core's config file
    group: str = ""        # the spec's group, when the spec told


def pick(args):
    """The Choice for `gg core run`'s args (config, target, file, var, values, env, group)."""
    if args.config:
        kind = "v2" if args.config.endswith(YAML_SUFFIXES) else "v1"
        return Choice(args.target or kind, args.config)
    if not os.path.isfile(args.file):
        if args.target == "v2":
            raise GGError("%s not found: pass the V2 core's config.yaml with --config (gg apply writes it as "
                          "<key_path>/<core>.config.yaml)" % args.file)
        return Choice("v1", V1_DEFAULT)
    return _from_spec(args)


def core_files(spec):
    """[(group, target, the config file gg apply writes for its core)] of every group of a loaded spec."""
    from gg_manager.targets.v1.device_files import config_files
    from gg_manager.targets.v2.names import nucleus_config_file

    spec_dir = os.path.dirname(os.path.abspath(spec.file))
    v1_files = config_files(spec, spec_dir)
    out = []
    for group in spec.groups:
        if group.target == "v2":
            path = os.path.join(spec_dir, group.core.key_path, nucleus_config_file(group.core.name))
        else:
            path = v1_files[group.name][0]
        out.append((group.name, group.target, os.path.normpath(path)))
    return out


def _from_spec(args):
    from gg_manager.spec import load_spec, load_variables

    result = load_spec(args.file, load_variables(list(args.var), list(args.values)), env_names=list(args.env),
                       target=args.target)
    if not result.ok:
        for diag in result.diagnostics:
            print(diag.format(), file=sys.stderr)
        raise GGError("%s has %d error(s): cannot tell which core to run (fix it, or pass --config)" % (
            args.file, len(result.errors)))
    cores = core_files(result.spec)
    if args.group:
        cores = [c for c in cores if c[0] in args.group]
        if not cores:
            raise GGError("no group %s in %s" % (", ".join(args.group), args.file))
    if len(cores) > 1:
        written = [c for c in cores if os.path.isfile(c[2])]
        if len(written) != 1:
            raise GGError("%s has %d groups (%s) and gg wrote the config of %s: pass --group NAME or --config" % (
                args.file, len(cores), ", ".join(c[0] for c in cores),
                "none of their cores" if not written else "%d of them" % len(written)))
        cores = written
    group, target, path = cores[0]
    return Choice(target, path, group)
