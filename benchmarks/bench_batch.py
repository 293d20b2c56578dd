"""Speed and memory of ``servisim batch``.

Prints:

* runs per second of the default workshop study (``experiments/studies/workshop.toml``, as it
  is) on the local engine with 2 workers, start-up included: the whole study, or with
  ``--workshop-samples N`` N of its policies (N x 128 futures x 2 seeds, the same kind of runs;
  target >= 50 runs/s, issue 15);
* runs per second for ``experiments/studies/quick.toml`` with 1 and 2 workers on the local engine
  and on a Dask LocalCluster (wall time of ``run_batch``, start-up included), and the parallel
  efficiency ``rate(2) / (2 * rate(1))`` (target >= 80% on 2 cores);
* the engine overhead per run: the 1-worker local batch against calling the model directly in
  a loop on the same plan, and inside each batch (wall time minus the runs' own time); target
  < 5% of a run's time;
* the same for a model that sleeps 0.25 s per run (40 runs, like quick.toml): it needs no CPU,
  so its efficiency and overhead measure the engine alone, even on a machine busy with other
  jobs, where the servisim rows measure mostly the competition for the cores;
* memory: the parent's peak RSS during a 20,000-run batch of a trivial custom function
  (target < 500 MB; results stream to Parquet parts).

Run: ``.venv/bin/python benchmarks/bench_batch.py [--repeat 2] [--skip-dask]``. Each timing is
the best of ``--repeat``. Numbers depend on what else the machine is doing: the load average
is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUICK = ROOT / "experiments" / "studies" / "quick.toml"
WORKSHOP = ROOT / "experiments" / "studies" / "workshop.toml"

TRIVIAL = textwrap.dedent("""\
    def f(params, seed):
        return {"y": params["a"] + 2 * params["b"] + (seed % 7) * 1e-9}
    """)
BIG = textwrap.dedent("""\
    [experiment]
    name = "memory"
    design = "lhs"
    samples = 10000
    replicates = 2
    seed = 1
    model = "bench_trivial:f"
    outcomes = ["y"]

    [parameters]
    a = [0.0, 1.0]
    b = [0.0, 1.0]
    """)
SLEEPER = textwrap.dedent("""\
    import time


    def f(params, seed):
        time.sleep(0.25)
        return {"y": params["a"] + params["b"]}
    """)
SLEEPY = textwrap.dedent("""\
    [experiment]
    name = "sleepy"
    design = "lhs"
    samples = 20
    replicates = 2
    seed = 1
    model = "bench_sleeper:f"
    outcomes = ["y"]

    [parameters]
    a = [0.0, 1.0]
    b = [0.0, 1.0]
    """)
MEMORY_SCRIPT = textwrap.dedent("""\
    import sys, time
    from experiments import run_batch
    t = time.perf_counter()
    s = run_batch("big.toml", "big-out", workers=2, progress="none")
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the process that started us
    with open("/proc/self/status") as status:
        hwm_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(s.n_new, s.n_failed, time.perf_counter() - t, hwm_kb / 1024)
    """)


def direct(repeat: int) -> tuple[float, int]:
    """Run quick.toml's plan by calling the model in a loop (no engine, no store)."""
    from experiments.runs.batch import prepare
    from experiments.runs.worker import servisim_model

    prep = prepare(QUICK)
    fixed = prep.spec.fixed
    runs = [(prep.design.points[p], s) for p, s in zip(prep.plan["point_id"], prep.plan["seed"],
                                                       strict=True)]
    keep = prep.spec.trajectories  # the batch also returns the quarterly trajectories
    servisim_model({**fixed, **runs[0][0]}, int(runs[0][1]), keep)  # warm caches
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for point, seed in runs:
            servisim_model({**fixed, **point}, int(seed), keep)
        best = min(best, time.perf_counter() - start)
    return best, len(runs)


def batch(experiment: Path, engine: str, workers: int, repeat: int,
          scratch: Path) -> tuple[float, float, float]:
    """Best wall time of run_batch, the runs' own time, and this process's CPU time.

    This process's CPU time is the engine's own work (planning, pickling, scheduling, Parquet);
    the runs execute in worker processes. Unlike wall times it hardly depends on what else the
    machine is doing.
    """
    from experiments import load_results, run_batch

    best, own, cpu = float("inf"), 0.0, 0.0
    for i in range(repeat):
        out = scratch / f"{engine}{workers}-{i}"
        start, cpu0 = time.perf_counter(), time.process_time()
        run_batch(experiment, out, engine=engine, workers=workers, progress="none")
        wall, used = time.perf_counter() - start, time.process_time() - cpu0
        if wall < best:
            best, own, cpu = wall, float(load_results(out)["runtime_s"].sum()), used
        shutil.rmtree(out)
    return best, own, cpu


def workshop(samples: int | None, scratch: Path) -> None:
    """Run the workshop study (or ``samples`` of its policies) on 2 local workers."""
    import re

    from experiments import run_batch

    study = WORKSHOP
    if samples:
        study = scratch / "workshop.toml"
        study.write_text(re.sub(r"(?m)^policies = \d+", f"policies = {samples}",
                                WORKSHOP.read_text()))
    out = scratch / "workshop-out"
    start = time.perf_counter()
    summary = run_batch(study, out, engine="local", workers=2, progress="none")
    wall = time.perf_counter() - start
    shutil.rmtree(out)
    print(f"workshop study{f' ({samples} policies)' if samples else ''}: "
          f"{summary.n_new} runs ({summary.n_failed} failed) on 2 local workers in {wall:.1f} s: "
          f"{summary.n_new / wall:.1f} runs/s, start-up included (target >= 50)")


def memory(scratch: Path) -> tuple[int, int, float, float]:
    """Run the 20,000-run trivial batch in a fresh process; return its counts, time, peak RSS."""
    folder = scratch / "memory"
    folder.mkdir()
    (folder / "bench_trivial.py").write_text(TRIVIAL)
    (folder / "big.toml").write_text(BIG)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT], cwd=folder, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1]), float(out[2]), float(out[3])


def engine_table(experiment: Path, engines: list[tuple[str, int]], n: int, per_run: float,
                 repeat: int, scratch: Path) -> dict[tuple[str, int], float]:
    """Print one line per engine and the parallel efficiencies; return the wall times."""
    walls = {}
    for engine, workers in engines:
        wall, own, cpu = batch(experiment, engine, workers, repeat, scratch)
        walls[engine, workers] = wall
        inside = (wall * workers - own) / n
        print(f"{engine:<6} x{workers}: {wall:6.2f} s, {n / wall:5.2f} runs/s; wall not in "
              f"runs {inside * 1000:6.1f} ms/run ({100 * inside / per_run:4.1f}% of a run); "
              f"engine CPU {cpu / n * 1000:5.1f} ms/run ({100 * cpu / n / per_run:4.1f}%)")
    for engine in ("local", "dask"):
        if (engine, 2) in walls:
            eff = walls[engine, 1] / (2 * walls[engine, 2])
            print(f"parallel efficiency {engine} 2 workers vs 1: {100 * eff:.0f}%", end="")
            if engine == "dask":
                up = {w: startup(w, experiment) for w in (1, 2)}
                net = (walls[engine, 1] - up[1]) / (2 * (walls[engine, 2] - up[2]))
                print(f"; LocalCluster start-up {up[1]:.1f} / {up[2]:.1f} s with 1 / 2 workers, "
                      f"efficiency without it {100 * net:.0f}%", end="")
            print()
    return walls


def startup(workers: int, experiment: Path) -> float:
    """Seconds to start (and close) a LocalCluster whose workers import the model."""
    from experiments.runs.engines import open_engine
    from experiments.spec.experiment import load_experiment

    model = load_experiment(experiment).model
    start = time.perf_counter()
    with open_engine("dask", model, (os.getcwd(),), workers):
        up = time.perf_counter() - start
    return up


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--workshop-samples", type=int, default=None,
                        help="run only N policies of the workshop study (x 128 futures x 2)")
    parser.add_argument("--workshop-only", action="store_true",
                        help="measure the workshop study and stop")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}  cores: {os.cpu_count()}")
    scratch = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        workshop(args.workshop_samples, scratch)
        if args.workshop_only:
            return
        t_direct, n = direct(args.repeat)
        per_run = t_direct / n
        print(f"quick.toml: {n} runs; model called directly: {t_direct:.2f} s "
              f"({per_run * 1000:.0f} ms per run, {n / t_direct:.2f} runs/s)")
        engines = [("local", 1), ("local", 2)]
        if not args.skip_dask:
            engines += [("dask", 1), ("dask", 2)]
        walls = engine_table(QUICK, engines, n, per_run, args.repeat, scratch)
        over = (walls["local", 1] - t_direct) / n
        print(f"engine overhead, local x1 vs direct: {over * 1000:.1f} ms/run "
              f"({100 * over / per_run:.1f}% of a run)")
        (scratch / "bench_sleeper.py").write_text(SLEEPER)
        (scratch / "sleepy.toml").write_text(SLEEPY)
        os.chdir(scratch)  # custom models import from the working directory
        print("a model that sleeps 0.25 s per run (40 runs; engine only, immune to CPU load):")
        engine_table(scratch / "sleepy.toml", engines, 40, 0.25, args.repeat, scratch)
        runs, failed, seconds, rss = memory(scratch)
        print(f"memory: {runs} runs of a trivial function ({failed} failed) in {seconds:.1f} s "
              f"({runs / seconds:.0f} runs/s); parent peak RSS {rss:.0f} MB")
    finally:
        os.chdir(ROOT)
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
