"""Run gg as a person at a terminal would: a real pseudo-terminal for stdin, stdout and stderr."""
import os
import pty
import select
import subprocess
import time

from gg_manager.demo.processes import gg_command


def run_in_terminal(args, env, cwd, answer=None, prompt="Enter a value:", timeout=120):
    """(exit code, everything the terminal showed). `answer` is typed once `prompt` shows."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(gg_command() + list(args), stdin=slave, stdout=slave, stderr=slave, env=env,
                            cwd=str(cwd), close_fds=True, start_new_session=True)
    os.close(slave)
    shown, answered = b"", answer is None
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:             # the other side closed: the process ended
                    break
                if not chunk:
                    break
                shown += chunk
            if not answered and prompt.encode() in shown:
                os.write(master, (answer + "\n").encode())
                answered = True
            if not ready and proc.poll() is not None:
                break
        return proc.wait(timeout=max(1, deadline - time.monotonic())), shown.decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
