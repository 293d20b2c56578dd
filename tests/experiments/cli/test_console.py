"""The command line's last resorts: a Ctrl-C while it loads, a write no command expected to fail."""

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


def test_a_folder_one_may_not_write_is_not_answered_with_free_some_space(monkeypatch, capsys):
    import errno

    from experiments.cli import main, params

    def refused(args):
        raise PermissionError(errno.EACCES, "Permission denied", "ro/calibration.toml")

    monkeypatch.setattr(params, "handle", refused)
    assert main(["params"]) == 2
    err = capsys.readouterr().err
    assert "cannot write ro/calibration.toml: Permission denied; you may not write there" in err
    assert "free some space" not in err
