"""What this device runs, kept in config/state.json so a restarted core resumes it.

    {"groups": {GROUP: {"deployment_id", "configuration_arn", "components": {NAME: VERSION}}},
     "components": {NAME: {"version", "config": TREE}},
     "last": {"deployment_id", "job_id", "status", "details"}}

groups: each thing group's root components (a device in several groups runs the union);
components: the configuration tree of every component running here (configuration.py),
kept across revisions. Written atomically; a copy is the rollback snapshot.
"""
import copy
import json
import os


class StateStore:
    def __init__(self, path):
        self.path = path
        self.data = {"groups": {}, "components": {}, "last": {}}
        try:
            with open(path) as fh:
                loaded = json.load(fh)
            if isinstance(loaded, dict):
                for key in self.data:
                    if isinstance(loaded.get(key), dict):
                        self.data[key] = loaded[key]
        except (OSError, ValueError):
            pass

    def snapshot(self):
        return copy.deepcopy(self.data)

    def restore(self, snapshot):
        self.data = copy.deepcopy(snapshot)
        self.save()

    def save(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        tmp = self.path + ".tmp"
        with open(tmp, "w") as fh:
            json.dump(self.data, fh, indent=1, sort_keys=True)
        os.replace(tmp, self.path)

    # -- reads -----------------------------------------------------------------------------
    def roots(self):
        """{group: {component: version}}"""
        return {g: dict(body.get("components") or {}) for g, body in self.data["groups"].items()}

    def config_tree(self, name):
        entry = self.data["components"].get(name)
        return entry.get("config") if entry else None

    def root_names(self):
        return {name for body in self.data["groups"].values() for name in (body.get("components") or {})}

    # -- writes ----------------------------------------------------------------------------
    def commit(self, deployment, components):
        """The deployment's group now has its roots; components: {name: (version, config tree)} of everything
        that runs (others are forgotten)."""
        self.data["groups"][deployment.group] = {
            "deployment_id": deployment.deployment_id, "configuration_arn": deployment.configuration_arn,
            "components": {name: root.version for name, root in deployment.components.items()}}
        if not deployment.components:
            del self.data["groups"][deployment.group]
        self.data["components"] = {name: {"version": version, "config": tree}
                                   for name, (version, tree) in components.items()}
        self.save()

    def record_last(self, deployment_id, job_id, status, details):
        self.data["last"] = {"deployment_id": deployment_id, "job_id": job_id, "status": status, "details": details}
        self.save()
