"""What holds only on the group's target: Greengrass V1 runs python3.7/3.8 Lambdas; Greengrass V2's
own rules (runtimes AWS Lambda still accepts, subscriptions and connectors V2 can express, model
destinations) live beside its translation, gg_manager/targets/v2/rules.py, and are imported only
when a group targets V2, so what validates is what deploys."""
V1_RUNTIMES = ("python3.7", "python3.8")


def check_target(view, reporter, spec_dir):
    if view.target == "v1":
        _check_v1_runtimes(view, reporter)
    elif view.target == "v2":
        from gg_manager.targets.v2.rules import check_v2
        check_v2(view, reporter, spec_dir)


def _check_v1_runtimes(view, reporter):
    for item in view.items("Lambdas"):
        runtime = item.data.get("runtime")
        if "package" in item.data and isinstance(runtime, str) and runtime not in V1_RUNTIMES:
            reporter.error(item.path + ("runtime",), "runtime %s cannot run on Greengrass V1 (Target v1): "
                           "its core runs python3.7 and python3.8 Lambdas only; write 'runtime: python3.8', "
                           "or 'Target: v2' to deploy to Greengrass V2" % runtime)
