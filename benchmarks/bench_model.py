"""Speed of the model: a headless 84-quarter run at scale 0.1, 0.25 and 1.0.

Prints, per scale, the best-of-N wall time of a run, the firm-quarters per second, and the
ratio to an ordinary Mesa model of the same size whose agents are stepped one by one with
``shuffle_do`` (three trivial rules). Targets (issue 2): a full-scale run < 0.5 s on one core,
cost growing about linearly with scale, and at most a quarter of the ordinary model's time.

Run: ``.venv/bin/python benchmarks/bench_model.py [--repeat 5]``. Numbers depend on what else
the machine is doing; run it on a quiet machine. OPENBLAS threads are irrelevant here (no BLAS).
"""

from __future__ import annotations

import argparse
import time

import mesa
import numpy as np

from model import ServitizationModel
from model.population import firm_count

STEPS = 84


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


def best_time(fn, repeat: int) -> float:
    """Best wall time of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def run_ours(scale: float, seed: int = 1) -> None:
    """One headless run to 2040Q4."""
    ServitizationModel(rng=seed, headless=True, population_scale=scale).run()


def run_plain(n: int) -> None:
    """The ordinary Mesa model for 84 steps."""
    m = PlainModel(n)
    for _ in range(STEPS):
        m.step()


def main() -> None:
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    run_ours(0.05)  # warm caches and imports
    print(f"{'scale':>6} {'firms':>7} {'run (s)':>9} {'firm-quarters/s':>16} "
          f"{'plain Mesa (s)':>15} {'ours/plain':>10}")
    rows = []
    for scale in (0.1, 0.25, 1.0):
        n = firm_count(scale)
        ours = best_time(lambda s=scale: run_ours(s), args.repeat)
        plain = best_time(lambda k=n: run_plain(k), max(1, args.repeat // 2))
        rows.append((scale, ours))
        print(f"{scale:>6} {n:>7} {ours:>9.3f} {n * STEPS / ours:>16,.0f} {plain:>15.3f} "
              f"{ours / plain:>10.2f}")
    scales, times = np.array(rows).T
    slope = np.polyfit(np.log(scales), np.log(times), 1)[0]
    full = dict(rows)[1.0]
    print(f"cost ~ scale^{slope:.2f} (1.0 = linear; < 1 means fixed costs dominate small runs)")
    print(f"full-scale run: {full:.3f} s (target < 0.5 s): {'OK' if full < 0.5 else 'MISSED'}")


if __name__ == "__main__":
    main()
