"""Speed of the model: headless 84-quarter runs at scales 0.1, 0.25, 1 and 2, beside plain Mesa.

Prints, per scale, the best-of-N wall time of a run, the firm-quarters per second, the cost per
firm-quarter relative to the full-scale run, and the ratio to an ordinary Mesa model of the same
size whose agents are stepped one by one with ``shuffle_do`` (three trivial rules), both timed
in this process, in turn, so that a busy machine slows both alike. Then, in fresh processes:
the peak memory (VmHWM) of one run per scale, and the start-up of a process's first run
(imports and the compiled kernels loaded from numba's on-disk cache). Last, the line
``run time = F + v * firms`` through the four scales: what a run costs whatever its size
(F), what a firm adds (v), and the F under which the cost per firm-quarter would vary by
at most 30% from scale 0.25 to 2.

Targets (issue 15): ratio at most 0.1 at full scale; cost per firm-quarter within 30% from
scale 0.25 to 2; under 1 GB at scale 2; a full-scale run no slower than v1's 0.41 s (issue 11).

Run: ``.venv/bin/python benchmarks/bench_model.py [--repeat 5]``. Absolute times depend on
what else the machine is doing; the ratios much less.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import mesa
import numpy as np

from model import ServitizationModel
from model.population import firm_count

STEPS = 84
SCALES = (0.1, 0.25, 1.0, 2.0)
ROOT = Path(__file__).resolve().parent.parent
FRESH = """
import sys, time
t = time.perf_counter()
from model import ServitizationModel
ServitizationModel(rng=1, headless=True, population_scale={scale}).run()
first = time.perf_counter() - t
with open("/proc/self/status") as status:
    hwm_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(first, hwm_kb / 1024)
"""


class PlainFirm(mesa.Agent):
    """An ordinary Mesa agent with three trivial rules, stepped one by one."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.digital = self.random.random() * 0.3
        self.cash = 1.0
        self.adopted = False

    def step(self) -> None:
        if not self.adopted and self.random.random() < 0.01 + 0.2 * self.model.share * 0.25:
            self.adopted = True
        self.digital *= 0.99
        self.cash += 0.01


class PlainModel(mesa.Model):
    """Baseline: n agents stepped with shuffle_do."""

    def __init__(self, n: int, rng: int = 0) -> None:
        super().__init__(rng=rng)
        self.share = 0.0
        PlainFirm.create_agents(self, n)

    def step(self) -> None:
        self.agents.shuffle_do("step")
        self.share = sum(a.adopted for a in self.agents) / len(self.agents)


def run_ours(scale: float, seed: int = 1) -> None:
    """One headless run to 2040Q4."""
    ServitizationModel(rng=seed, headless=True, population_scale=scale).run()


def run_plain(n: int) -> None:
    """The ordinary Mesa model for 84 steps."""
    m = PlainModel(n)
    for _ in range(STEPS):
        m.step()


def paired(scale: float, repeat: int) -> tuple[float, float]:
    """Best times of ours and of plain Mesa, timed in turn (ours, plain, ours, plain...)."""
    n = firm_count(scale)
    ours, plain = [], []
    for i in range(repeat):
        t = time.perf_counter()
        run_ours(scale, seed=1 + i)
        ours.append(time.perf_counter() - t)
        if i < max(1, repeat // 2):
            t = time.perf_counter()
            run_plain(n)
            plain.append(time.perf_counter() - t)
    return min(ours), min(plain)


def fresh(scale: float) -> tuple[float, float]:
    """(seconds to the end of the first run, peak RSS MB) of a new process doing one run."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", FRESH.format(scale=scale)], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1])


def fixed_and_per_firm(rows: dict[float, tuple[float, float]]) -> tuple[float, float]:
    """The least-squares line ``run time = F + v * firms`` through the scales' best times.

    Returns:
        (F, the cost of a run whatever its size, s; v, the cost of a firm over a run, s).

    """
    n = np.array([firm_count(s) for s in rows], dtype=float)
    t = np.array([ours for ours, _ in rows.values()])
    per_firm, fixed = np.polyfit(n, t, 1)
    return float(fixed), float(per_firm)


def fixed_for_spread(per_firm: float, spread: float) -> float:
    """The largest F for which the cost per firm-quarter varies by ``spread`` from 0.25 to 2.

    With a run costing F + v n, the cost per firm-quarter falls with n: the spread is that of
    scale 0.25 over scale 2, (F / n_0.25 + v) / (F / n_2 + v) - 1.
    """
    small, large = firm_count(0.25), firm_count(2.0)
    return spread * per_firm / (1 / small - (1 + spread) / large)


def main() -> None:
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}  cores: {os.cpu_count()}")
    run_ours(0.05)  # imports, kernels loaded from the cache
    rows = {scale: paired(scale, args.repeat) for scale in SCALES}
    per_fq = {s: ours / (firm_count(s) * STEPS) for s, (ours, _) in rows.items()}
    print(f"{'scale':>6} {'firms':>7} {'run (s)':>8} {'firm-quarters/s':>16} "
          f"{'cost/fq vs 1.0':>15} {'plain Mesa (s)':>15} {'ours/plain':>10} {'peak MB':>8}")
    memory = {}
    for scale, (ours, plain) in rows.items():
        n = firm_count(scale)
        first, memory[scale] = fresh(scale)
        print(f"{scale:>6} {n:>7} {ours:>8.3f} {n * STEPS / ours:>16,.0f} "
              f"{per_fq[scale] / per_fq[1.0]:>15.2f} {plain:>15.3f} {ours / plain:>10.3f} "
              f"{memory[scale]:>8.0f}")
    spread = [per_fq[s] / per_fq[1.0] for s in (0.25, 1.0, 2.0)]
    full, full_plain = rows[1.0]
    linear = max(spread) / min(spread) - 1
    print(f"full scale: ratio {full / full_plain:.3f} (target <= 0.1); {full:.3f} s "
          f"(v1: 0.41 s on an idle machine, ratio 0.33)")
    print(f"cost per firm-quarter, scale 0.25 to 2: spread {100 * linear:.0f}% (target <= 30%)")
    fixed, per_firm = fixed_and_per_firm(rows)
    print(f"a line through the scales, run = F + v x firms: F {1e3 * fixed:.1f} ms a run "
          f"({1e6 * fixed / STEPS:.0f} us a quarter), v {1e6 * per_firm:.2f} us a firm-run; "
          f"on that line a 30% spread needs F under {1e3 * fixed_for_spread(per_firm, 0.3):.1f} ms")
    print(f"peak memory of a scale-2 run: {memory[2.0]:.0f} MB (target < 1024 MB)")
    first, _ = fresh(0.25)
    print(f"a new process's first scale-0.25 run, imports and kernel cache included: "
          f"{first:.2f} s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
