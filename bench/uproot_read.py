#!/usr/bin/env python3
"""Times uproot reading every branch of a tree to numpy: one warm-up, then the median of N runs.
Prints the median in seconds on stdout. Usage: uproot_read.py FILE [--tree events] [--runs 5]"""
import argparse, statistics, time
import uproot

ap = argparse.ArgumentParser()
ap.add_argument("file")
ap.add_argument("--tree", default="events")
ap.add_argument("--runs", type=int, default=5)
a = ap.parse_args()
tree = uproot.open(a.file)[a.tree]
def once():
    arrays = tree.arrays(library="np")   # jagged branches come back as object arrays of numpy arrays
    assert len(arrays) == len(tree.keys())
once()
times = []
for _ in range(a.runs):
    t0 = time.perf_counter()
    once()
    times.append(time.perf_counter() - t0)
print(f"{statistics.median(times):.4f}")
