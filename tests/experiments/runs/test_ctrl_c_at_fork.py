"""A Ctrl-C that lands while the local pool forks its workers stops the batch, not lost.

Python runs a signal's handler inside the callbacks that follow a fork, where an exception is
printed as "Exception ignored" and dropped: such a Ctrl-C used to be lost, and `servisim
calibrate` went on to the end and exited 0. The signal is sent from such a callback here, so
the moment is hit every time, in a process of its own (the callback cannot be unregistered).
"""

from __future__ import annotations

import signal
import subprocess
import sys

SCRIPT = """
import os, signal
from experiments.runs.engines import LocalEngine

signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal, however run

armed = {"on": False}

def ctrl_c_after_fork():
    if armed["on"]:
        armed["on"] = False
        os.kill(os.getpid(), signal.SIGINT)

os.register_at_fork(after_in_parent=ctrl_c_after_fork)
armed["on"] = True
try:
    engine = LocalEngine("servisim_toy:toy", (%(folder)r,), workers=1)
except KeyboardInterrupt:
    print("stopped")
else:
    engine.close(cancel=True)
    print("went on")
"""


def test_a_ctrl_c_while_the_pool_forks_stops_the_engine(toy_dir):
    proc = subprocess.run([sys.executable, "-c", SCRIPT % {"folder": str(toy_dir)}],
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "stopped", proc.stderr
    assert "Exception ignored" not in proc.stderr


def test_a_pool_worker_ignores_ctrl_c_and_ends_on_kill(toy_dir):
    script = (
        "import os, signal\n"
        "from experiments.runs.engines import LocalEngine\n"
        f"engine = LocalEngine('servisim_toy:toy', ({str(toy_dir)!r},), workers=1)\n"
        "print(engine.pool.submit(signal.getsignal, signal.SIGINT).result(),\n"
        "      engine.pool.submit(signal.getsignal, signal.SIGTERM).result())\n"
        "engine.close()\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    # Ctrl-C is the batch's to handle; the handler that noted stops during the fork is gone
    assert proc.stdout.split() == [str(int(signal.SIG_IGN)), str(int(signal.SIG_DFL))]
