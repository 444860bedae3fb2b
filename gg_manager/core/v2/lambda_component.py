"""A Lambda component run on the shared Lambda runtime (the unmodified greengrasssdk over the core's IPC).

NEW -> INSTALLED (its lambda-artifact is unpacked) -> waits for its dependencies -> STARTING.
Pinned: the process starts and RUNNING follows once the handler imported; an import failure
or a crash is ERRORED and it is started again, the third time BROKEN (with the error as the
reason). On-demand (pinned false): RUNNING at once; a process starts when work arrives and
exits after maxIdleTimeInSeconds idle.
"""
import os
import threading

from . import states as st
from .component import Component
from .component_log import ComponentLog, PipeRelay
from .lambda_launch import LaunchError, lambda_launch
from .shared import LambdaProcess


class LambdaComponent(Component):
    def __init__(self, spec, host):
        super().__init__(spec, host)
        self.clog = ComponentLog(spec.log_path, spec.name)
        self.proc = None
        self.relay = None
        self._exited = threading.Event()

    def _main(self):
        m = self.machine
        try:
            launch = lambda_launch(self.spec)
            if not os.path.isdir(launch.code_dir):
                raise LaunchError("%s: its code folder %s does not exist" % (self.name, launch.code_dir))
        except LaunchError as exc:
            self.clog.write(str(exc), "ERROR")
            for _ in range(st.MAX_ERRORS):   # the same error every time: three of them, then BROKEN
                m.set(st.ERRORED, str(exc))
                if m.state == st.BROKEN:
                    break
                m.set(st.NEW, str(exc))
            return self._stop.wait()
        m.set(st.INSTALLED)
        while not self._stop.is_set() and not self.host.dependencies_ready(self.spec):
            self._stop.wait(0.1)
        if self._stop.is_set():
            return None
        m.set(st.STARTING)
        self.proc = self._process(launch)
        self.host.lambdas.attach(self.proc, launch.timeout_s)
        try:
            self._supervise(launch)
        finally:
            self.proc.stop()
            self.host.lambdas.detach(self.proc)
            if self.relay:
                self.relay.close()
            if m.state in (st.STARTING, st.RUNNING):
                m.set(st.STOPPING)
                m.set(st.FINISHED, "stopped")
            self.clog.write("Lambda %s stopped (%s)" % (launch.arn, m.state))
        return None

    def _process(self, launch):
        env = self.host.lambda_env(self.spec, launch)
        self.relay = PipeRelay(self.host.layout.runtime("logs", self.name + ".pipe"), self.clog)
        return LambdaProcess(launch.arn, launch.handler, launch.code_dir, env, self.relay.path, launch.pinned,
                             on_exit=self._on_exit, python=self.host.python, stamp_lines=False)

    def _supervise(self, launch):
        m = self.machine
        if not launch.pinned:
            self.clog.write("on-demand Lambda %s: started when work arrives" % launch.arn)
            m.set(st.RUNNING)
            self._stop.wait()
            return
        while not self._stop.is_set() and m.state != st.BROKEN:
            self._exited.clear()
            self.proc.start()
            state = self._await_import()
            if state == "ready":
                m.set(st.RUNNING)
                self.clog.write("handler %s imported; RUNNING" % launch.handler)
                while not self._stop.is_set() and not self._exited.wait(0.2):
                    pass
                if self._stop.is_set():
                    return
                self._error("the Lambda process exited (code %s)" % self.proc.proc.returncode)
            elif state is not None:
                reason = self.proc.error or "%s failed to start" % launch.arn
                self._end_process()
                self._error(reason)
        self._stop.wait()

    def _end_process(self):
        """Let a failed process exit (a failed import does, at once), kill it if it hangs, and wait until it
        is gone, so start() may run it again."""
        deadline = self.machine.clock() + 1
        while self.proc.alive() and self.machine.clock() < deadline:
            self._stop.wait(0.02)
        self.proc.kill()
        deadline = self.machine.clock() + 10
        while self.proc.alive() and self.machine.clock() < deadline:
            self._stop.wait(0.05)

    def _await_import(self):
        """'ready', the failure ('failed'/timeout) or None when asked to stop."""
        deadline = self.machine.clock() + self.host.ready_timeout
        while not self._stop.is_set():
            state = self.proc.wait_started(0.2)
            if state in ("ready", "failed"):
                return state
            if self.machine.clock() >= deadline:
                self.proc.error = "%s did not import its handler within %ss" % (self.proc.name, self.host.ready_timeout)
                return "timeout"
        return None

    def _error(self, reason):
        self.clog.write(reason, "ERROR")
        if self.machine.set(st.ERRORED, reason) != st.BROKEN:
            self.machine.set(st.STARTING, reason)

    def _on_exit(self, proc, code):
        self.host.lambdas.process_exited(proc)
        if proc.pinned:
            self._exited.set()
        elif self.host.lambdas.ipc.pending(proc.arn):
            proc.start()
