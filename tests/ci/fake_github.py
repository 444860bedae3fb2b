"""GitHub, as far as examples/ci's workflow talks to it: the `gh` command line (`gh api` for the pull
request a commit came from, `gh run list`, `gh run download`), artifacts as folders, and the REST calls
of the comment script (actions/github-script), which runs under node with a fake `github` and
`context`. gg itself is never faked: the jobs run the real gg against the sandbox."""
import json
import os
import shutil
import subprocess
import sys
import textwrap

GH = r'''#!%(python)s
"""A stand-in for the GitHub CLI: the answers of %(state)s; every call appended to its log."""
import json, shutil, sys
state = json.load(open(%(state)r))
args = sys.argv[1:]
with open(%(log)r, "a") as log:
    log.write(" ".join(args) + "\n")
assert state["token_env"] in __import__("os").environ, "gh needs GH_TOKEN"
def value(flag):
    return args[args.index(flag) + 1] if flag in args else None
if args[:1] == ["api"] and args[1].endswith("/commits/%%s/pulls" %% state["merge_sha"]):
    print(state["pr"] if state["pr"] is not None else "")
elif args[:1] == ["api"] and state["pr"] is not None and args[1].endswith("/pulls/%%s" %% state["pr"]):
    print(state["head_sha"])
elif args[:2] == ["run", "list"]:
    ok = value("--commit") == state["head_sha"] and value("--status") == "success" and \
        value("--event") == "pull_request" and value("--workflow") == "greengrass.yml"
    print(state["run_id"] if ok else "")
elif args[:2] == ["run", "download"] and args[2] == str(state["run_id"]):
    shutil.copytree(state["artifacts"] + "/" + value("--name"), value("--dir"))
else:
    sys.exit("gh stand-in: no answer for %%s" %% args)
'''

SCRIPT = r'''
const fs = require('fs');
const state = JSON.parse(fs.readFileSync(process.env.FAKE_GITHUB_STATE, 'utf8'));
const calls = [];
const github = {
  paginate: async (method, args) => (await method(args)).data,
  rest: {issues: {
    listComments: async (args) => ({data: state.comments}),
    createComment: async (args) => { calls.push(['create', args]); return {data: {}}; },
    updateComment: async (args) => { calls.push(['update', args]); return {data: {}}; },
  }},
};
const context = {repo: {owner: 'owner', repo: 'app'}, issue: {number: state.pr}, runId: state.run_id,
                 serverUrl: 'https://github.com'};
(async () => {
%s
})().then(() => fs.writeFileSync(process.env.FAKE_GITHUB_CALLS, JSON.stringify(calls)),
          (error) => { console.error(error); process.exit(1); });
'''


class FakeGitHub:
    def __init__(self, folder, pr, run_id, comments=()):
        self.folder = str(folder)
        os.makedirs(os.path.join(self.folder, "artifacts"), exist_ok=True)
        self.bin = os.path.join(self.folder, "bin")
        os.makedirs(self.bin, exist_ok=True)
        self.pr, self.run_id, self.comments = pr, run_id, list(comments)
        self.head_sha, self.merge_sha = "a" * 40, "b" * 40
        self.log = os.path.join(self.folder, "gh.log")
        gh = os.path.join(self.bin, "gh")
        with open(gh, "w") as f:
            f.write(GH % {"python": sys.executable, "state": self.state_file, "log": self.log})
        os.chmod(gh, 0o755)
        open(self.log, "a").close()
        self._save()

    @property
    def state_file(self):
        return os.path.join(self.folder, "state.json")

    def _save(self):
        with open(self.state_file, "w") as f:
            json.dump({"pr": self.pr, "run_id": self.run_id, "head_sha": self.head_sha, "merge_sha": self.merge_sha,
                       "artifacts": os.path.join(self.folder, "artifacts"), "comments": self.comments,
                       "token_env": "GH_TOKEN"}, f)

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if name in ("pr", "run_id", "comments") and hasattr(self, "comments") and hasattr(self, "merge_sha"):
            self._save()

    def artifact(self, name):
        return os.path.join(self.folder, "artifacts", name)

    def upload(self, name, root, paths):
        target = self.artifact(name)
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target)
        for path in paths:
            shutil.copy(os.path.join(str(root), path), target)

    def asked(self, *parts):
        """True when one `gh` call held every one of `parts`."""
        with open(self.log) as f:
            return any(all(p in line for p in parts) for line in f)

    def run_script(self, script, cwd):
        """Run an actions/github-script `script` under node; the REST calls it made, as [(kind, args)]."""
        self._save()
        calls = os.path.join(self.folder, "calls.json")
        program = os.path.join(self.folder, "script.js")
        with open(program, "w") as f:
            f.write(SCRIPT % textwrap.indent(script, "  "))
        env = dict(os.environ, FAKE_GITHUB_STATE=self.state_file, FAKE_GITHUB_CALLS=calls)
        done = subprocess.run(["node", program], cwd=str(cwd), env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        with open(calls) as f:
            return [tuple(c) for c in json.load(f)]
