"""Logger rules: Space only for FileSystem; one logger per component and type."""


def check_loggers(view, reporter, spec_dir):
    seen = set()
    for item in view.items("Loggers"):
        data = item.data
        if data.get("Type") == "AWSCloudWatch" and "Space" in data:
            reporter.error(item.path + ("Space",), "Space applies only to FileSystem loggers", key=True)
        key = (data.get("Component"), data.get("Type"))
        if None not in key and key in seen:
            reporter.error(item.path, "a second %s logger for component %s; keep one" % (key[1], key[0]))
        seen.add(key)
