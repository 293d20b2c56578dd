"""Memory: a 20,000-run batch keeps the parent process under 500 MB (results stream to disk)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pandas as pd

from experiments import load_results
from experiments.store import Store

BIG = """\
[experiment]
name = "memory"
design = "lhs"
samples = 10000
replicates = 2
model = "servisim_toy:toy"
outcomes = ["y"]

[parameters]
a = [0.0, 1.0]
b = [0.0, 1.0]
"""

# Peak RSS from VmHWM, not getrusage: Linux carries ru_maxrss across exec, so a child that
# pytest starts (by vfork) reports at least pytest's own size, which has nothing to do with us.
SCRIPT = textwrap.dedent("""\
    import sys
    from experiments import run_batch
    s = run_batch(sys.argv[1], sys.argv[2], workers=2, progress="none")
    with open("/proc/self/status") as status:
        hwm_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(s.n_new, s.n_failed, hwm_kb // 1024)
    """)


def test_twenty_thousand_runs_keep_the_parent_under_500_mb(tmp_path, in_toy_dir):
    path = tmp_path / "big.toml"
    path.write_text(BIG)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(path), str(out)], cwd=in_toy_dir,
                          capture_output=True, text=True, timeout=300, check=True)
    runs, failed, peak_mb = map(int, done.stdout.split())
    assert (runs, failed) == (20_000, 0)
    assert peak_mb < 500, f"parent peak RSS {peak_mb} MB"
    results = load_results(out)
    assert len(results) == 20_000 and results["run_id"].is_unique
    assert (results["y"] == results["a"] + 2 * results["b"]).all()
    assert sum(len(pd.read_parquet(p)) for p in Store(out).parts()) == 20_000
