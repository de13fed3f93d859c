#!/usr/bin/env python3
"""Times uproot reading every branch of a tree to numpy (no array cache): one warm-up, then N runs.
Prints "WALL,CPU": the median wall-clock and median process CPU seconds. Usage: uproot_read.py FILE [--tree events] [--runs 5]"""
import argparse, statistics, time
import uproot

ap = argparse.ArgumentParser()
ap.add_argument("file")
ap.add_argument("--tree", default="events")
ap.add_argument("--runs", type=int, default=5)
a = ap.parse_args()
tree = uproot.open(a.file, array_cache=None)[a.tree]
def once():
    arrays = tree.arrays(library="np")   # jagged branches come back as object arrays of numpy arrays
    assert len(arrays) == len(tree.keys())
once()
walls, cpus = [], []
for _ in range(a.runs):
    t0, c0 = time.perf_counter(), time.process_time()
    once()
    walls.append(time.perf_counter() - t0)
    cpus.append(time.process_time() - c0)
print(f"{statistics.median(walls):.4f},{statistics.median(cpus):.4f}")
