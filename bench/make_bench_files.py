#!/usr/bin/env python3
"""Writes the `make bench` input files with uproot (run by bench/run.sh, once; cached in bench/data/).

| file                 | content                                                            | compression |
|----------------------|--------------------------------------------------------------------|-------------|
| flat-zlib1.root      | tree "events": 2,000,000 entries x 24 branches (below)             | zlib level 1|
| flat-lzma.root       | same values                                                        | lzma level 1|
| flat-lz4.root        | same values                                                        | lz4 level 1 |
| flat-zstd.root       | same values                                                        | zstd level 1|
| flat-none.root       | same values                                                        | none        |
| jagged-zlib1.root    | tree "events": 500,000 entries, nJet + Jet_pt/eta/phi[nJet]        | zlib level 1|
| rntuple-zstd.root    | RNTuple "events": the flat values (2,000,000 x 24 fields)          | zstd level 1|

Branches: 16 float32 (lepton/jet pt, eta, phi, mass, MET...), 4 float64 (weights, sums), 3 int32
(run, lumi block, counts), 1 bool (trigger). Written in 100,000-entry `extend` calls: one basket per
branch per call. Usage: make_bench_files.py OUTDIR [--entries N] [--jagged-entries N]
"""
import argparse, os
import numpy as np
import awkward as ak
import uproot

def flat_chunk(rng, n, start):
    d = {}
    for i, obj in enumerate(["lep1", "lep2", "jet1", "jet2"]):
        scale = 40.0 if obj.startswith("lep") else 60.0
        d[f"{obj}_pt"] = (rng.exponential(scale, n) + 20.0).astype(np.float32)
        d[f"{obj}_eta"] = rng.normal(0.0, 1.4, n).clip(-4.7, 4.7).astype(np.float32)
        d[f"{obj}_phi"] = rng.uniform(-np.pi, np.pi, n).astype(np.float32)
    d["met"] = rng.exponential(30.0, n).astype(np.float32)
    d["met_phi"] = rng.uniform(-np.pi, np.pi, n).astype(np.float32)
    d["mll"] = rng.normal(91.19, 2.5, n).astype(np.float32)
    d["ht"] = (d["jet1_pt"] + d["jet2_pt"]).astype(np.float32)
    d["weight"] = rng.normal(1.0, 0.1, n)
    d["weight_pu"] = rng.lognormal(0.0, 0.2, n)
    d["sum_pt"] = (d["lep1_pt"].astype(np.float64) + d["lep2_pt"] + d["ht"])
    d["bdt_score"] = rng.beta(2.0, 5.0, n)
    d["run"] = np.full(n, 325000, np.int32) + (np.arange(start, start + n) // 500_000).astype(np.int32)
    d["lumi"] = ((np.arange(start, start + n) // 1000) % 5000).astype(np.int32)
    d["n_jets"] = rng.poisson(3.0, n).astype(np.int32)
    d["trigger"] = rng.random(n) < 0.7
    return d

def jagged_chunk(rng, n):
    counts = rng.poisson(4.0, n)
    total = int(counts.sum())
    return {"nJet": counts.astype(np.int32),
            "Jet_pt": ak.unflatten((rng.exponential(40.0, total) + 25.0).astype(np.float32), counts),
            "Jet_eta": ak.unflatten(rng.normal(0.0, 1.5, total).astype(np.float32), counts),
            "Jet_phi": ak.unflatten(rng.uniform(-np.pi, np.pi, total).astype(np.float32), counts)}

def write(path, compression, chunks_of):
    tmp = path + ".tmp"
    with uproot.recreate(tmp, compression=compression) as f:
        first = True
        for chunk in chunks_of():
            if first:
                if "Jet_pt" in chunk:
                    f.mktree("events", {"Jet": ak.zip({k[4:]: chunk[k] for k in ("Jet_pt", "Jet_eta", "Jet_phi")}).type},
                             counter_name=lambda c: "nJet", field_name=lambda o, i: f"{o}_{i}")
                    f["events"].extend({"Jet": ak.zip({k[4:]: chunk[k] for k in ("Jet_pt", "Jet_eta", "Jet_phi")})})
                else:
                    f.mktree("events", {k: v.dtype for k, v in chunk.items()})
                    f["events"].extend(chunk)
                first = False
            elif "Jet_pt" in chunk:
                f["events"].extend({"Jet": ak.zip({k[4:]: chunk[k] for k in ("Jet_pt", "Jet_eta", "Jet_phi")})})
            else:
                f["events"].extend(chunk)
    os.replace(tmp, path)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--entries", type=int, default=2_000_000)
    ap.add_argument("--jagged-entries", type=int, default=500_000)
    ap.add_argument("--chunk", type=int, default=100_000)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    codecs = {"zlib1": uproot.ZLIB(1), "lzma": uproot.LZMA(1), "lz4": uproot.LZ4(1), "zstd": uproot.ZSTD(1), "none": None}
    for name, comp in codecs.items():
        path = os.path.join(a.outdir, f"flat-{name}.root")
        if os.path.exists(path):
            continue
        def chunks():
            rng = np.random.default_rng(20261125)   # same values in every compression
            for start in range(0, a.entries, a.chunk):
                yield flat_chunk(rng, min(a.chunk, a.entries - start), start)
        write(path, comp, chunks)
        print(f"wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)", flush=True)
    path = os.path.join(a.outdir, "rntuple-zstd.root")
    if not os.path.exists(path):
        # uproot >= 5.7 writes an RNTuple for `file[name] = {...}`; each extend adds a cluster (group).
        tmp = path + ".tmp"
        rng = np.random.default_rng(20261125)
        with uproot.recreate(tmp, compression=uproot.ZSTD(1)) as f:
            for start in range(0, a.entries, 4 * a.chunk):
                chunk = {}
                for part in range(start, min(a.entries, start + 4 * a.chunk), a.chunk):
                    c = flat_chunk(rng, min(a.chunk, a.entries - part), part)
                    chunk = {k: np.concatenate([chunk[k], v]) if k in chunk else v for k, v in c.items()}
                if start == 0:
                    f["events"] = chunk
                else:
                    f["events"].extend(chunk)
        os.replace(tmp, path)
        print(f"wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)", flush=True)
    path = os.path.join(a.outdir, "jagged-zlib1.root")
    if not os.path.exists(path):
        def jchunks():
            rng = np.random.default_rng(7)
            for start in range(0, a.jagged_entries, a.chunk):
                yield jagged_chunk(rng, min(a.chunk, a.jagged_entries - start))
        write(path, uproot.ZLIB(1), jchunks)
        print(f"wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)", flush=True)

if __name__ == "__main__":
    main()
