"""`gg status` for V1 groups: latest version, what runs, what the spec still asks for, drift."""


def status_rows(desired, actual, plan):
    rows = []
    for group in desired.groups:
        found = actual.groups[group.name]
        dep = found.deployment
        pending = [c for c in plan.changes if c.group == group.name and c.action != "deploy"]
        rows.append({
            "group": group.name, "exists": bool(found.group),
            "latest_version": found.group.get("LatestVersion") if found.group else None,
            "deployed_version": dep["version"] if dep else None,
            "deployment_status": dep["status"] if dep else None,
            "deployment_error": dep["error"] if dep else None,
            "spec_changes_pending": len([c for c in pending if c.cause == "spec"]),
            "drift": ["%s %s %s" % (c.action, c.kind, c.name) for c in pending if c.cause == "drift"],
            "deploy_needed": bool(found.group) and group.name in plan.deploy_needed,
        })
    return rows
