"""A generic component run from its recipe's lifecycle, the way the nucleus runs it.

NEW: Install (skipif, timeout 120 s) -> INSTALLED; wait until every dependency is RUNNING or
FINISHED -> STARTING; Startup (exits 0 -> RUNNING; its processes keep running) or else Run
(started -> RUNNING; exit 0 -> Shutdown then FINISHED; optional timeout) or else FINISHED.
A failure is ERRORED: Recover runs, a failed Startup/Run is shut down and started again, a
failed Install is retried; the third error from one state is BROKEN. stop(): Shutdown
(timeout 15 s), then every process the lifecycle started is ended.
"""
from . import states as st
from .component import Component
from .component_log import ComponentLog
from .lifecycle import InvalidStep, Lifecycle
from .script import Script, run_to_end

OK, NOTHING, ERROR, STOPPED = "ok", "nothing", "error", "stopped"


class GenericComponent(Component):
    def __init__(self, spec, host):
        super().__init__(spec, host)
        self.clog = ComponentLog(spec.log_path, spec.name)
        self.lifecycle = None
        self.procs = []          # every Script started, ended on shutdown
        self.run_proc = None
        self.run_deadline = None

    # -- steps -----------------------------------------------------------------------
    def _env(self, step):
        return self.host.script_env(self.spec, self.lifecycle.environment(step))

    def _step(self, name):
        """(Step, None) to run, (None, NOTHING) when absent or skipped, (None, reason) when invalid."""
        try:
            step = self.lifecycle.get(name)
            if step is not None and step.should_skip(self._env(step).get("PATH")):
                self.clog.write("%s: skipped (skipif %s)" % (name, step.skipif))
                step = None
        except InvalidStep as exc:
            return None, str(exc)
        if step is not None and step.requires_privilege:
            self.clog.write("%s: RequiresPrivilege ignored: the local core runs every step as its own user" % name)
        return step, None

    def _launch(self, step):
        proc = Script(step.name, step.script, self.spec.work_dir, self._env(step), self.clog)
        self.procs.append(proc)
        return proc

    def _run_step(self, name, stop_event=None):
        step, invalid = self._step(name)
        if invalid:
            return ERROR, invalid
        if step is None:
            return NOTHING, ""
        code, why = run_to_end(self._launch(step), step.timeout, stop_event)
        if why == "stopped":
            return STOPPED, ""
        if why == "timeout":
            return ERROR, "%s timed out after %ss" % (name, step.timeout)
        if code != 0:
            return ERROR, "%s script exited with code %d" % (name, code)
        return OK, ""

    # -- states ----------------------------------------------------------------------
    def _main(self):
        self.lifecycle = Lifecycle(self.spec.lifecycle)
        self.clog.write("component %s %s: starting its lifecycle" % (self.name, self.spec.version))
        for name in self.lifecycle.unknown:
            self.clog.write("lifecycle step %r is not run by the local core" % name, "WARN")
        handlers = {st.NEW: self._install, st.INSTALLED: self._await_dependencies, st.STARTING: self._start,
                    st.RUNNING: self._watch, st.ERRORED: self._recover}
        while not self._stop.is_set():
            handler = handlers.get(self.machine.state)
            if handler is None:          # FINISHED, BROKEN: until stopped
                self._stop.wait(0.5)
            else:
                handler()
        self._shutdown()

    def _error(self, reason):
        self.clog.write(reason, "ERROR")
        if self.machine.set(st.ERRORED, reason) == st.BROKEN:
            self.clog.write("three errors from %s: BROKEN" % self.machine.errored_from, "ERROR")
            self._shut_down_processes()

    def _install(self):
        result, reason = self._run_step("install", self._stop)
        if result == ERROR:
            self._error(reason)
        elif result != STOPPED:
            self.machine.set(st.INSTALLED)

    def _await_dependencies(self):
        if self.host.dependencies_ready(self.spec):
            self.machine.set(st.STARTING)
        else:
            self._stop.wait(0.1)

    def _start(self):
        result, reason = self._run_step("startup", self._stop)
        if result == ERROR:
            return self._error(reason)
        if result == OK:
            return self.machine.set(st.RUNNING)
        if result == STOPPED:
            return None
        step, invalid = self._step("run")
        if invalid:
            return self._error(invalid)
        if step is None:
            return self.machine.set(st.FINISHED, "nothing to run")
        self.run_proc = self._launch(step)
        self.run_deadline = None if step.timeout is None else self.machine.clock() + step.timeout
        return self.machine.set(st.RUNNING)

    def _watch(self):
        proc = self.run_proc
        if proc is None:                 # started by Startup: nothing to watch
            self._stop.wait(0.5)
            return
        code = proc.wait(0.1)
        if code is None:
            if self.run_deadline is not None and self.machine.clock() >= self.run_deadline:
                proc.kill()
                self.run_proc = None
                self._error("run timed out")
            return
        self.run_proc = None
        if code == 0:
            self.clog.write("run exited with code 0")
            self.machine.set(st.STOPPING)
            self._shut_down_processes()
            self.machine.set(st.FINISHED, "run exited with code 0")
        else:
            self._error("run script exited with code %d" % code)

    def _recover(self):
        came_from = self.machine.errored_from
        self._run_step("recover")
        if came_from == st.NEW:
            self.machine.set(st.NEW, self.machine.reason)
            return
        self.machine.set(st.STOPPING, self.machine.reason)
        self._shut_down_processes()
        self.machine.set(st.INSTALLED, self.machine.reason)

    def _shut_down_processes(self):
        """Run Shutdown (when there is one), then end every process the lifecycle started."""
        result, reason = self._run_step("shutdown")
        if result == ERROR:
            self.clog.write("shutdown: %s" % reason, "WARN")
        for proc in self.procs:      # a Startup's script may be gone while what it started runs on
            proc.kill()
        self.procs = []
        self.run_proc = None

    def _shutdown(self):
        state = self.machine.state
        if state in (st.STARTING, st.RUNNING, st.STOPPING):
            self.machine.set(st.STOPPING)
            self._shut_down_processes()
            self.machine.set(st.FINISHED, "stopped")
        else:
            for proc in self.procs:
                proc.kill(grace=1.0)
        self.clog.write("component %s %s: stopped (%s)" % (self.name, self.spec.version, self.machine.state))
