"""One core per group; names that AWS keeps account-wide are unique across the fleet."""


def check_core(view, reporter, spec_dir):
    cores = view.items("Cores")
    if not cores:
        reporter.error(view.path, "group %r has no core: add one entry under 'Cores'" % view.name)
    for extra in cores[1:]:
        reporter.error(extra.path, "group %r has %d cores; a Greengrass group has exactly one"
                       % (view.name, len(cores)))


def check_fleet(views, reporter, spec_dir):
    groups, things, lambdas = {}, {}, {}
    for view in views:
        if view.name in groups:
            reporter.error(view.path + ("name",), "group name %r is used twice" % view.name)
        groups.setdefault(view.name, view)
        for section in ("Cores", "Devices"):
            for item in view.items(section):
                name = item.data.get("name")
                if name in things and things[name] is not item:
                    reporter.error(item.path + ("name",), "thing name %r is used by another core or "
                                   "device; IoT thing names are unique in an account" % name)
                things.setdefault(name, item)
        for item in view.items("Lambdas"):
            name = item.data.get("name")
            first = lambdas.setdefault(name, item)
            if first is not item and _function_identity(first.data) != _function_identity(item.data):
                reporter.error(item.path + ("name",), "Lambda %r is defined differently in another "
                               "group; Lambda names are account-wide, so give it another name" % name)


def _function_identity(data):
    keys = ("handler", "package", "alias", "role", "environment", "runtime", "requirements")
    return {k: data.get(k) for k in keys}
