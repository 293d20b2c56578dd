"""The console script: Ctrl-C while it loads ends quietly, as it does once loaded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SERVISIM = Path(sys.executable).with_name("servisim")


def _from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # whatever the test runner ignores


def test_ctrl_c_while_the_command_line_loads_ends_without_a_traceback():
    for wait in (0.3, 0.5, 0.7):
        proc = subprocess.Popen([str(SERVISIM), "params"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, preexec_fn=_from_a_terminal)
        time.sleep(wait)
        os.kill(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        assert "Traceback" not in stderr, (wait, stderr)
        assert proc.returncode in (0, 130, -signal.SIGINT), (wait, proc.returncode, stderr)
