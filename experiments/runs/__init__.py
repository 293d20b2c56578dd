"""Running experiments: designs and seeds, engines, workers, progress, one run."""
