"""setup.sh: what it promises beyond installing (which the fresh-clone runs show)."""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_second_setup_waits_for_the_one_running_instead_of_rebuilding_its_venv(tmp_path):
    # a copy in an empty folder: were it not to wait, it would build a venv there, not here
    shutil.copy(ROOT / "setup.sh", tmp_path / "setup.sh")
    with open(tmp_path / ".setup.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as the running setup.sh holds it
        second = subprocess.Popen(["bash", str(tmp_path / "setup.sh")], cwd=tmp_path,
                                  stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            ready, _, _ = select.select([second.stderr], [], [], 10.0)
            said = second.stderr.readline() if ready else ""
            time.sleep(1.0)
            still_waiting = second.poll() is None
            made = sorted(p.name for p in tmp_path.iterdir())
        finally:
            os.killpg(second.pid, signal.SIGKILL)
            second.wait()
            second.stderr.close()
    assert "another setup.sh is running" in said
    assert still_waiting
    assert made == [".setup.lock", "setup.sh"]
